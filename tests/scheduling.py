"""The order in which `make test`'s xdist workers take the test files (a pytest plugin, loaded
by the root conftest.py).

`make test` runs `pytest -n 2 --dist loadfile`: each file is one unit of work, handed to
whichever worker is free, in a queue the controller builds once. By default xdist orders that
queue by the number of tests in each file, which has nothing to do with what a file costs:
the fuzz test (4 tests, about 115 s) came late in the queue, and a long file taken last
leaves the other worker idle until it ends. Here the longest files are queued first (the
longest-processing-time-first rule), then the others as xdist would order them (most tests
first); whatever comes last is short, so the two workers end close together.

`LONGEST` lists the files measured longest, longest first (seconds of one worker, warm build
cache, on the 2-core development machine; `docs/reliability.md`, "What these figures cost in
`make test`"). Refresh it from `pytest -n 2 --dist loadfile --durations=0` when a file's
cost changes a lot. A file missing here is only queued later; a name here that no longer
exists is ignored. Only the queue's order changes: every test still runs, in its own file's
order, on one worker.
"""

from __future__ import annotations

import pytest

LONGEST = [
    "tests/security/test_fuzz_functions.py",  # 115 s: 2,000 requests per HTTP function
    "tests/functions/test_articles_covers.py",  # 35 s
    "tests/packaging/test_environments.py",  # 35 s warm (minutes on a fresh checkout)
    "tests/packaging/test_build.py",  # 30 s: real pip builds
    "tests/console/test_console_browser.py",  # 25 s: a real browser
    "tests/security/test_permission_matrix.py",  # 18 s
    "tests/runtime/test_outcomes.py",  # 15 s
    "tests/reliability/test_function_faults_http.py",  # 15 s: retries wait
    "tests/reliability/test_function_faults_background.py",  # 15 s: retries wait
    "tests/reliability/test_secret_scan.py",  # 15 s: a pytest run of its own
    "tests/runtime/test_interpreters.py",  # 15 s warm (an environment per Python)
    "tests/triggers/test_cli.py",
    "tests/reliability/test_kill.py",
    "tests/reliability/test_terminate.py",
    "tests/architecture/test_layering.py",
    "tests/functions/test_accounts.py",
]


def _file(item: pytest.Item) -> str:
    return item.nodeid.split("::", 1)[0]


def longest_first(items: list[pytest.Item]) -> list[pytest.Item]:
    """`items` with whole files moved: those of `LONGEST` first (in its order), then the
    others by number of tests (most first, as xdist's own reorder), ties in collection order;
    the tests of one file keep their order."""
    files: dict[str, list[pytest.Item]] = {}
    for item in items:
        files.setdefault(_file(item), []).append(item)
    rank = {name: position for position, name in enumerate(LONGEST)}
    order = sorted(
        enumerate(files),
        key=lambda pair: (rank.get(pair[1], len(rank)), -len(files[pair[1]]), pair[0]),
    )
    return [item for _, name in order for item in files[name]]


def _by_file(config: pytest.Config) -> bool:
    return getattr(config.option, "dist", "no") in ("loadfile", "loadscope")


_KEY = "tests.scheduling.longest_first"


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    # the controller keeps the workers' collection order (ours) instead of ordering by count
    if _by_file(config) and not hasattr(config, "workerinput"):
        config.option.loadscopereorder = False


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node) -> None:
    """xdist controller: tell each worker to order its collection (a worker's own
    `config.option.dist` is always "no")."""
    node.workerinput[_KEY] = _by_file(node.config)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # only in xdist workers that take whole files: a plain `pytest` run keeps its file order
    if getattr(config, "workerinput", {}).get(_KEY):
        items[:] = longest_first(items)
