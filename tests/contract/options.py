"""Command-line options of the ported Appwrite suites (loaded by the repo's root conftest.py,
so they work whatever paths pytest is given).

* `--contract-transports=raw,sdk` (env `CONTRACT_TRANSPORTS`): which transports the cases run
  over; `make test` runs only `sdk` in `.venv-sdk27` (raw HTTP does not depend on the SDK).
* `--contract-fuzz-long` (env `CONTRACT_FUZZ_LONG=1`): the long spec-driven fuzz run.
"""

from __future__ import annotations

import os


def pytest_addoption(parser):
    group = parser.getgroup("contract", "Appwrite's own suites, ported (tests/contract)")
    group.addoption(
        "--contract-transports",
        default=os.environ.get("CONTRACT_TRANSPORTS", "raw,sdk"),
        help="comma-separated transports for tests/contract: raw, sdk (default both)",
    )
    group.addoption(
        "--contract-fuzz-long",
        action="store_true",
        default=os.environ.get("CONTRACT_FUZZ_LONG", "") not in ("", "0"),
        help="run the long spec-driven fuzz (40+40 random examples per operation)",
    )
