"""The functions' layout and health route, each run in a real worker process the way
Appwrite loads it (`function.src.main`, deployment root = functions/<id>, `shared`
through its symlink). Their behaviour is tested in tests/functions/."""

import json
from pathlib import Path

import pytest

from emulator.runtime.executor import Deployment, Executor

ROOT = Path(__file__).resolve().parents[2]
FUNCTIONS = ROOT / "functions"
IDS = [
    "accounts",
    "articles",
    "enrich-article",
    "provision-profile",
    "team-cleanup",
    "publish-scheduled",
    "nightly-maintenance",
    "session",
]
ENV = {
    "APPWRITE_FUNCTION_API_ENDPOINT": "http://127.0.0.1:9/v1",
    "APPWRITE_FUNCTION_PROJECT_ID": "newsroom",
}


@pytest.fixture(scope="module")
def executor():
    with Executor() as executor:
        yield executor


def deployment(function_id):
    return Deployment(function_id, root=FUNCTIONS / function_id, entrypoint="src/main.py", env=ENV)


def execute(executor, function_id, **kwargs):
    result = executor.execute(deployment(function_id), **kwargs)
    return result, (json.loads(result.body) if result.body else None)


def test_every_function_of_the_manifest_is_here():
    manifest = json.loads((ROOT / "appwrite.json").read_text())
    assert sorted(f["$id"] for f in manifest["functions"]) == sorted(IDS)


@pytest.mark.parametrize("function_id", IDS)
def test_layout(function_id):
    folder = FUNCTIONS / function_id
    assert (folder / "shared").is_symlink() and str(
        (folder / "shared").readlink()
    ) == "../../shared"
    # only what the function needs at run time: articles decodes covers with Pillow
    extra = ["pillow==13.0.0"] if function_id == "articles" else []
    assert (folder / "requirements.txt").read_text().split() == [
        "appwrite==15.3.0",
        "jsonschema==4.26.0",
        *extra,
    ]
    assert (folder / "README.md").is_file()


@pytest.mark.parametrize("function_id", IDS)
def test_health(executor, function_id):
    result, body = execute(
        executor,
        function_id,
        method="GET",
        path="/health",
        headers={"x-appwrite-trigger": "http", "x-appwrite-execution-id": "e1"},
    )
    assert (result.status_code, body) == (200, {"ok": True, "function": function_id}), result.errors
    assert result.errors == ""
    assert json.loads(result.logs.strip())["status"] == 200


def load_main(function_id):
    """Import functions/<id>/src/main.py in-process under a throw-away package name."""
    import importlib
    import sys
    import types

    package = f"_stub_{function_id.replace('-', '_')}"
    module = types.ModuleType(package)
    module.__path__ = [str(FUNCTIONS / function_id)]
    sys.modules[package] = module
    return importlib.import_module(f"{package}.src.main")


@pytest.mark.parametrize("function_id", IDS)
def test_app_timeout_matches_appwrite_json(function_id):
    config = {f["$id"]: f for f in json.loads((ROOT / "appwrite.json").read_text())["functions"]}
    app = load_main(function_id).app
    assert app.name == function_id
    assert app.timeout == config[function_id]["timeout"]
