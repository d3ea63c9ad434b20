"""Session-wide pieces for deploying functions as Appwrite would: builds and an executor.

Builds go through the emulator's own environment cache (`$APPWRITE_EMULATOR_CACHE`, set
by the root conftest.py to the repo's `.emulator-cache/`): functions with the same
commands, requirements.txt and interpreter share one environment, built once.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from emulator.manifest import Manifest, load_manifest
from emulator.packaging import EnvironmentCache
from emulator.runtime.executor import Executor

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def manifest() -> Manifest:
    return load_manifest(ROOT / "appwrite.json")


@pytest.fixture(scope="session")
def builds() -> EnvironmentCache:
    return EnvironmentCache.for_project(ROOT, report=None)


@pytest.fixture(scope="session")
def executor(tmp_path_factory: pytest.TempPathFactory):
    with Executor(workdir=tmp_path_factory.mktemp("executor")) as running:
        yield running
