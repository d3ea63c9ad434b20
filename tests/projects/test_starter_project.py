"""A second, unrelated project on the emulator, unchanged: a function shaped like
Appwrite's official Python starter template (`starter/`), whose requirements.txt pins
the SDK range the template pins (appwrite>=23.0.0,<24.0.0). It answers 200 here as it
does on Appwrite, because it runs on its own environment: SDK 23 returns a model object
from `Users.list()` and the function reads `.total` from it — on the emulator's own
SDK (15.3.0, a dict) that line raised `'dict' object has no attribute 'total'`.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from emulator.stack import Stack
from emulator.testing import AppwriteTestClient

MANIFEST = Path(__file__).parent / "starter" / "appwrite.json"


@pytest.fixture(scope="module")
def starter(tmp_path_factory):
    stack = Stack.start(MANIFEST, data_dir=tmp_path_factory.mktemp("starter"), realtime_cron=False)
    try:
        yield AppwriteTestClient(stack)
    finally:
        stack.close()


@pytest.mark.slow
def test_the_starter_answers_200_and_reads_total_from_the_sdk_23_model(starter):
    starter.create_user("ann@example.test", "ann-password-1", "Ann")
    execution = starter.execute("starter", "/", method="GET")
    assert execution["status"] == "completed", execution["errors"]
    assert execution["responseStatusCode"] == 200
    assert execution["responseBody"] == '{"hello":"from a starter-shaped function"}'
    assert execution["logs"] == "users: 1.0\n"  # SDK 23's UserList.total is a float
    assert execution["errors"] == ""


@pytest.mark.slow
def test_the_starter_answers_on_its_own_url(starter):
    response = starter.invoke_http("starter", "/ping")
    assert (response.status_code, response.text) == (200, "Pong")


@pytest.mark.slow
def test_the_starter_runs_the_sdk_its_requirements_pin_not_the_emulators(starter):
    functions = starter.stack.executions.runner
    spec = functions.spec("starter")
    built = functions.environments.build(
        functions.deployment(spec).root, spec.commands, spec.runtime
    )
    probe = (
        "import importlib.metadata as m, sys; print(m.version('appwrite'), sys.version_info[:2])"
    )
    seen = subprocess.run(
        [built.python, "-I", "-c", probe], capture_output=True, text=True, check=True
    ).stdout.split(maxsplit=1)
    import importlib.metadata

    assert seen[0].startswith("23.") and seen[1].strip() == "(3, 12)"
    assert importlib.metadata.version("appwrite") == "15.3.0"  # the emulator's own
