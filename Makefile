# The two commands of the README. Both create .venv on first use and install
# everything pyproject.toml declares; nothing installed by hand is needed.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.deps-installed
# A second venv with the newest appwrite SDK; tests/emulator and the SDK half of
# tests/contract (Appwrite's own suites, ported) run there too, less the tests marked
# `sdk_free` (the emulator's own code, no SDK call: nothing to learn from a second run).
VENV27  := .venv-sdk27
PY27    := $(VENV27)/bin/python
STAMP27 := $(VENV27)/.deps-installed

.PHONY: run test test-main test-sdk27 venv bench bench-check clean help

# Compiled bytecode is kept in the venv, never beside the sources, and kept even when the
# shell sets PYTHONDONTWRITEBYTECODE: without it every process of the suite (pytest's
# workers, each emulator and function worker it starts) compiles the same sources again.
export PYTHONPYCACHEPREFIX := $(CURDIR)/$(VENV)/pycache
unexport PYTHONDONTWRITEBYTECODE

help:
	@echo "make run    start the local stack (emulator + all functions)"
	@echo "make test   run the whole test suite (test-main and test-sdk27 side by side)"
	@echo "make bench  run the benchmarks (results: docs/benchmarks.md, bench/results.json)"
	@echo "make bench-check  fail if a benchmark ratio regressed >25% (bench/baseline.json)"
	@echo "make clean  remove the venv, data and caches"

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml scripts/install_deps.py | $(PY)
	$(PY) scripts/install_deps.py
	@touch $(STAMP)

$(PY27):
	$(PYTHON) -m venv $(VENV27)

$(STAMP27): pyproject.toml scripts/install_deps.py | $(PY27)
	$(PY27) scripts/install_deps.py --group sdk27
	@touch $(STAMP27)

venv: $(STAMP) $(STAMP27)

run: $(STAMP)
	$(PY) -m emulator serve --seed seed/newsroom.json

# The two passes run side by side: the main one on two xdist workers, the SDK 27 one in a
# single process at a lower priority, so it takes the CPU the main pass leaves idle while
# its tests wait (retries, sub-processes, builds). The SDK 27 pass writes to a log that is
# printed whole once both have ended; either one failing fails `make test`. (Plain shell
# job control, so any make — GNU make 3.81 on macOS too — runs it.)
SDK27_LOG := $(VENV27)/last-test.log

test: $(STAMP) $(STAMP27)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	@echo "SDK 27 pass running beside the main pass (its output follows it: $(SDK27_LOG))"
	@$(MAKE) --no-print-directory test-sdk27 >$(SDK27_LOG) 2>&1 & sdk27=$$!; \
	$(MAKE) --no-print-directory test-main; main=$$?; \
	wait $$sdk27; sdk27=$$?; \
	echo "---- SDK 27 pass (exit $$sdk27) ----"; cat $(SDK27_LOG); \
	test $$main -eq 0 && test $$sdk27 -eq 0

test-main: $(STAMP)
	$(PY) -m pytest -n 2 --dist loadfile $(PYTEST_ARGS)

test-sdk27: $(STAMP27)
	nice -n 10 $(PY27) -m pytest -p no:cacheprovider tests/emulator tests/contract --contract-transports=sdk -m "not sdk_free"

bench: $(STAMP)
	$(PY) -m bench all $(BENCH_ARGS)

bench-check: $(STAMP)
	$(PY) -m bench check $(BENCH_ARGS)

clean:
	rm -rf $(VENV) $(VENV27) .data .pytest_cache .emulator-cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
