"""Each function runs on the Python its runtime declares (issue 10 item 2): `python-3.8`
runs on a 3.8 found on PATH or in pyenv, and a runtime with no interpreter installed
falls back to the emulator's Python with a warning from `serve` and `check`.
The worker, its HTTP layer and the controllable clock work on every such interpreter.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from emulator.runtime.interpreters import declared_version, find_interpreter
from emulator.stack import Stack
from emulator.testing import AppwriteTestClient

ROOT = Path(__file__).resolve().parents[2]

# On a fresh checkout these build environments of their own (a venv per interpreter or
# per requirements): minutes on a loaded machine, once.
pytestmark = pytest.mark.timeout(600)
REPORTS = """
import datetime
import importlib.util
import sys


def main(context):
    return context.res.json({
        "version": list(sys.version_info[:2]),
        "now": datetime.datetime.now(datetime.timezone.utc).isoformat(),
        "time_machine": importlib.util.find_spec("time_machine") is not None,
    })
"""
INSTALLED = [r for r in ("python-3.8", "python-3.13") if not find_interpreter(r).fallback]
MISSING = "python-3.14"


def project(folder: Path, runtimes: list[str]) -> Path:
    entries = []
    for runtime in runtimes:
        function_id = runtime.replace(".", "")
        (folder / function_id / "src").mkdir(parents=True)
        (folder / function_id / "src" / "main.py").write_text(REPORTS)
        entries.append(
            {
                "$id": function_id,
                "name": function_id,
                "runtime": runtime,
                "path": function_id,
                "entrypoint": "src/main.py",
                "commands": "",
                "execute": ["any"],
            }
        )
    manifest = folder / "appwrite.json"
    manifest.write_text(json.dumps({"projectId": "runtimes-lab", "functions": entries}))
    return manifest


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    if find_interpreter(MISSING).fallback is False:
        pytest.skip(f"{MISSING} is installed here: no runtime to fall back from")
    folder = tmp_path_factory.mktemp("runtimes")
    manifest = project(folder / "project", [*INSTALLED, MISSING])
    stack = Stack.start(manifest, data_dir=folder / "data", realtime_cron=False)
    try:
        yield manifest, AppwriteTestClient(stack)
    finally:
        stack.close()


def reported(client: AppwriteTestClient, runtime: str, **kwargs) -> dict:
    execution = client.execute(runtime.replace(".", ""), method="GET", **kwargs)
    assert execution["responseStatusCode"] == 200, execution["errors"]
    return json.loads(execution["responseBody"])


@pytest.mark.slow
@pytest.mark.skipif(not INSTALLED, reason="no Python 3.8 or 3.13 on this machine")
@pytest.mark.parametrize("runtime", INSTALLED)
def test_the_function_runs_on_the_declared_python(lab, runtime):
    _, client = lab
    assert tuple(reported(client, runtime)["version"]) == declared_version(runtime)


@pytest.mark.slow
def test_a_runtime_not_installed_falls_back_to_the_emulators_python(lab):
    _, client = lab
    assert tuple(reported(client, MISSING)["version"]) == sys.version_info[:2]


@pytest.mark.slow
def test_the_fallback_is_warned_about_by_serve_and_by_check(lab, tmp_path):
    manifest, _ = lab
    warning = f"warning: function {MISSING.replace('.', '')}: {MISSING} needs Python 3.14"
    serve = subprocess.Popen(
        [sys.executable, "-m", "emulator", "serve", "--manifest", str(manifest)]
        + ["--data", str(tmp_path / "data"), "--port", "0"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        while not (tmp_path / "data" / "credentials.json").exists():
            assert serve.poll() is None and time.monotonic() < deadline, "serve did not start"
            time.sleep(0.05)
    finally:
        serve.terminate()
        printed = serve.communicate(timeout=60)[0]
    assert warning in printed
    checked = subprocess.run(
        [sys.executable, "-m", "emulator", "check", "--manifest", str(manifest)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert warning in checked.stdout
    assert checked.stdout.count("warning: ") == 1  # the installed runtimes are not warned about


@pytest.mark.slow
@pytest.mark.parametrize("runtime", [*INSTALLED, MISSING])
def test_the_clock_moves_on_every_interpreter_and_time_machine_is_not_the_functions(lab, runtime):
    _, client = lab
    # The emulator's helper is not the function's to import (until the clock first moves).
    assert reported(client, runtime)["time_machine"] is False
    moment = dt.datetime(2031, 5, 4, 3, 2, 1, tzinfo=dt.UTC)
    execution = client.run_schedule(runtime.replace(".", ""), moment)
    seen = json.loads(execution["responseBody"])
    assert execution["responseStatusCode"] == 200, execution["errors"]
    assert abs(dt.datetime.fromisoformat(seen["now"]) - moment) < dt.timedelta(minutes=1)
    assert execution["errors"] == ""
