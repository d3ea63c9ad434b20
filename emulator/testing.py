"""pytest fixtures around the test client (`emulator.testclient.AppwriteTestClient`).

Enable them in your `conftest.py`:

    pytest_plugins = ["emulator.testing"]

and point them at your project (default: the nearest appwrite.json above the rootdir):

    # pytest.ini / pyproject:  [tool.pytest.ini_options]  appwrite_manifest = "appwrite.json"

Fixtures:
* `appwrite` (session) — an `AppwriteTestClient` on a fresh emulator (free port, fresh
  data dir), provisioned from the manifest, with every function runnable;
* `appwrite_admin` — an SDK `Client` with the admin key;
* `appwrite_clean` — the same client, with the emulator put back (SQLite snapshot/restore)
  before the test to the state it had once the session started and was seeded
  (`appwrite_seed = "seed.json"` in the pytest config applies a seed file first).

    def test_signup(appwrite):
        response = appwrite.invoke_http("accounts", "/signup", method="POST", json={...})
        assert response.status_code == 201
        row, executions = appwrite.emit_row_created("articles", {...})
        assert executions[0]["status"] == "completed"
        execution = appwrite.run_schedule("publish-scheduled", at="2026-03-01T03:00Z")
"""

from __future__ import annotations

import pathlib
from collections.abc import Iterator

import pytest

from emulator.testclient import AppwriteTestClient


def _manifest_path(config: pytest.Config) -> pathlib.Path:
    configured = config.getini("appwrite_manifest")
    if configured:
        return (config.rootpath / configured).resolve()
    from emulator.manifest import find_manifest

    found = find_manifest(config.rootpath)
    if found is None:
        raise pytest.UsageError(
            "emulator.testing: no appwrite.json found; set `appwrite_manifest` in the pytest config"
        )
    return found


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        "appwrite_manifest", "path of appwrite.json for the emulator.testing fixtures", default=""
    )
    parser.addini(
        "appwrite_seed",
        "a seed file (JSON/YAML, or Python with seed(client)) applied to the session emulator",
        default="",
    )


@pytest.fixture(scope="session")
def appwrite(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[AppwriteTestClient]:
    """A fresh emulator with every function of the project, for the whole test session."""
    client = AppwriteTestClient.start(
        _manifest_path(request.config), data_dir=tmp_path_factory.mktemp("appwrite")
    )
    try:
        seed = request.config.getini("appwrite_seed")
        if seed:
            client.apply_seed(request.config.rootpath / seed)
        yield client
    finally:
        client.close()


@pytest.fixture(scope="session")
def appwrite_baseline(appwrite: AppwriteTestClient):
    """The session emulator's state when first asked for (after the seed): what
    `appwrite_clean` restores."""
    snapshot = appwrite.snapshot()
    yield snapshot
    snapshot.close()


@pytest.fixture
def appwrite_clean(appwrite: AppwriteTestClient, appwrite_baseline) -> AppwriteTestClient:
    """The session emulator, restored to its baseline before this test: rows, users,
    teams, executions and the outbox as they were (workers stay warm)."""
    appwrite.restore(appwrite_baseline)
    return appwrite


@pytest.fixture
def appwrite_admin(appwrite: AppwriteTestClient):
    """An SDK client with the emulator's admin API key."""
    return appwrite.admin_client()


__all__ = [
    "AppwriteTestClient",
    "appwrite",
    "appwrite_admin",
    "appwrite_baseline",
    "appwrite_clean",
]
