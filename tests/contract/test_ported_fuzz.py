"""Spec-driven fuzzing of TablesDB, Users and Teams (see `tests/contract/fuzz.py`).

Default run: 2 positive + 2 negative derandomized examples per operation (~500 requests).
Long run: `--contract-fuzz-long` (or `CONTRACT_FUZZ_LONG=1`), 40 + 40 random examples per
operation; `CONTRACT_FUZZ_EXAMPLES=N` sets the number directly.
"""

from __future__ import annotations

import pytest

from tests.contract import fuzz
from tests.contract.conftest import fuzz_long, transports

pytestmark = pytest.mark.fuzz


@pytest.fixture(scope="module")
def spec():
    path = fuzz.spec_path()
    if path is None:
        pytest.skip(
            f"{fuzz.SPEC_NAME} not found in ../shared/reference/specs beside the repo "
            "(set NEWSROOM_SPECS_DIR): the spec-driven fuzz run needs it"
        )
    return path


def test_fuzz_tablesdb_users_teams(request, spec, emulator):
    if "raw" not in transports(request.config):
        pytest.skip("the fuzz run is raw HTTP; this run is for the SDK transport only")
    long = fuzz_long(request.config)
    report = fuzz.run(
        emulator.endpoint,
        emulator.project_id,
        emulator.api_key,
        examples=fuzz.examples_per_operation(long),
        derandomize=not long,
    )
    print(report.summary())
    assert report.requests > 0
    unexpected = report.unexpected()
    assert not unexpected, report.summary()
