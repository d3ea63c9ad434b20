# The two commands of the README. Both create .venv on first use and install
# everything pyproject.toml declares; nothing installed by hand is needed.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.deps-installed

.PHONY: run test venv bench clean help

help:
	@echo "make run    start the local stack (emulator + all functions)"
	@echo "make test   run the whole test suite"
	@echo "make bench  run the benchmarks (results: docs/benchmarks.md)"
	@echo "make clean  remove the venv, data and caches"

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml scripts/install_deps.py | $(PY)
	$(PY) scripts/install_deps.py
	@touch $(STAMP)

venv: $(STAMP)

run: $(STAMP)
	$(PY) -m emulator serve --seed

test: $(STAMP)
	$(PY) -m pytest -n 2 $(PYTEST_ARGS)

bench: $(STAMP)
	$(PY) -m bench

clean:
	rm -rf $(VENV) .data .pytest_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
