"""The Newsroom test suite uses the project's own pytest test client (emulator.testing):
fixture `appwrite` is a fresh emulator running every function of appwrite.json."""

import os
from pathlib import Path

# Every emulator the tests start (this project, its private copies, the lab and the
# starter project) shares one cache of built function environments.
os.environ.setdefault("APPWRITE_EMULATOR_CACHE", str(Path(__file__).parent / ".emulator-cache"))

pytest_plugins = ["emulator.testing", "tests.contract.options", "tests.scheduling"]

# The projects the tests start, built before any test runs (a fresh checkout builds them
# once, outside the per-test timeout; later runs find them cached). Under xdist the
# controller builds them before it starts the workers, so the workers skip this. Only the
# environments: each function's compile step (`python -m compileall`) would run in a
# throw-away deployment, 2.6 s for the 8 of a warm cache; it runs in each deployment served.
PROJECTS = [
    "appwrite.json",
    "tests/triggers/lab/appwrite.json",
    "tests/projects/starter/appwrite.json",
]


def pytest_sessionstart(session):
    if hasattr(session.config, "workerinput"):  # an xdist worker: the controller built them
        return
    from emulator.packaging import build_project

    for manifest in PROJECTS:
        build_project(Path(__file__).parent / manifest, environments_only=True)
