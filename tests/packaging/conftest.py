"""Session-wide pieces for deploying functions as Appwrite would: wheelhouse, builds, executor.

The wheelhouse (`.cache/wheels`, or `$NEWSROOM_WHEELHOUSE`) is made once from the
functions' requirements files, so builds install offline. Builds with the same
commands and requirements.txt share one environment (`BuildCache`).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from emulator.manifest import Manifest, load_manifest
from emulator.packaging import BuildCache, prepare_wheelhouse
from emulator.packaging.builder import WHEELHOUSE_VARIABLE
from emulator.runtime.executor import Executor

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def manifest() -> Manifest:
    return load_manifest(ROOT / "appwrite.json")


@pytest.fixture(scope="session")
def wheelhouse(manifest: Manifest) -> Path:
    if os.environ.get(WHEELHOUSE_VARIABLE):
        return Path(os.environ[WHEELHOUSE_VARIABLE])
    requirements = [f.path / "requirements.txt" for f in manifest.functions]
    return prepare_wheelhouse([r for r in requirements if r.is_file()], ROOT / ".cache" / "wheels")


@pytest.fixture(scope="session")
def builds(wheelhouse: Path, tmp_path_factory: pytest.TempPathFactory) -> BuildCache:
    return BuildCache(tmp_path_factory.mktemp("builds"), wheelhouse=wheelhouse)


@pytest.fixture(scope="session")
def executor(tmp_path_factory: pytest.TempPathFactory):
    with Executor(workdir=tmp_path_factory.mktemp("executor")) as running:
        yield running
