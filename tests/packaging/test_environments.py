"""Functions run on environments built from their own requirements.txt, as on Appwrite
(issue 10 item 1), through the emulator's `Stack` and test client:

* a package the function never declared is missing, even if the emulator has it;
* a changed requirements.txt is rebuilt and the worker restarts on the new environment;
* a failed build fails that function's executions with the build log; others run;
* a restart with nothing changed builds nothing (so it needs no network).

Packages come from wheels these tests write themselves, so no test needs an index. The
wheels live at a fixed place in the build cache, so the environments they give are the
same from one run to the next (cached, not piling up).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import textwrap
import time
import zipfile
from pathlib import Path

import pytest

from emulator.stack import Stack
from emulator.testing import AppwriteTestClient

# On a fresh checkout these build environments of their own (a venv per interpreter or
# per requirements): minutes on a loaded machine, once.
pytestmark = pytest.mark.timeout(600)

REPORTS_VERSION = """
import importlib.util


def main(context):
    if importlib.util.find_spec("tinypkg") is None:
        return context.res.json({"tinypkg": None})
    import tinypkg

    return context.res.json({"tinypkg": tinypkg.VERSION})
"""


def write_wheel(folder: Path, name: str, version: str) -> Path:
    """A minimal pure-Python wheel of `name` whose module says its VERSION."""
    folder.mkdir(parents=True, exist_ok=True)
    info = f"{name}-{version}.dist-info"
    files = {
        f"{name}/__init__.py": f"VERSION = {version!r}\n",
        f"{info}/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n",
        f"{info}/WHEEL": "Wheel-Version: 1.0\nGenerator: tests\nRoot-Is-Purelib: true\n"
        "Tag: py3-none-any\n",
    }
    record = []
    for path, text in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=")
        record.append(f"{path},sha256={digest.decode()},{len(text.encode())}")
    files[f"{info}/RECORD"] = "\n".join([*record, f"{info}/RECORD,,"]) + "\n"
    wheel = folder / f"{name}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for path, text in files.items():
            archive.writestr(path, text)
    return wheel


def wheels_for(test: str, tmp_path: Path) -> Path:
    cache = os.environ.get("APPWRITE_EMULATOR_CACHE")
    return Path(cache) / "test-wheels" / test if cache else tmp_path / "wheels"


def offline_requirements(wheels: Path, *requirements: str) -> str:
    return "\n".join(["--no-index", f"--find-links {wheels}", *requirements]) + "\n"


def make_project(folder: Path, functions: dict[str, dict]) -> Path:
    """An unrelated project: functions/<id>/src/main.py (+ requirements.txt), appwrite.json."""
    entries = []
    for function_id, spec in functions.items():
        source = folder / "functions" / function_id
        (source / "src").mkdir(parents=True)
        (source / "src" / "main.py").write_text(textwrap.dedent(spec["main"]))
        if "requirements" in spec:
            (source / "requirements.txt").write_text(spec["requirements"])
        entries.append(
            {
                "$id": function_id,
                "name": function_id,
                "runtime": "python-3.12",
                "path": f"functions/{function_id}",
                "entrypoint": "src/main.py",
                "commands": spec.get("commands", "pip install -r requirements.txt"),
                "execute": ["any"],
                "timeout": 15,
            }
        )
    manifest = folder / "appwrite.json"
    manifest.write_text(json.dumps({"projectId": "envs-lab", "functions": entries}, indent=2))
    return manifest


def start(manifest: Path, data: Path) -> AppwriteTestClient:
    return AppwriteTestClient(Stack.start(manifest, data_dir=data, realtime_cron=False))


COMPILING = "pip install -r requirements.txt && python -m compileall -q ."


def compiled_project(tmp_path: Path, function_id: str, main: str) -> Path:
    """A project of one function whose commands end with a compile step, on the same
    environment in every test that uses it (built once, then cached)."""
    wheels = wheels_for("bytecode", tmp_path)
    write_wheel(wheels, "tinypkg", "1.0")
    requirements = offline_requirements(wheels, "tinypkg==1.0")
    return make_project(
        tmp_path / "project",
        {function_id: {"main": main, "requirements": requirements, "commands": COMPILING}},
    )


@pytest.mark.slow
def test_an_import_the_function_never_declared_fails_as_on_appwrite(tmp_path):
    """httpx is in the emulator's own venv; the function's environment does not have it."""
    import httpx  # noqa: F401 - the emulator's environment has it

    manifest = make_project(
        tmp_path / "project",
        {
            "at-import": {
                "main": "import httpx\n\ndef main(context):\n    return context.res.empty()\n",
                "commands": "",
            },
            "in-handler": {
                "main": "def main(context):\n    import httpx\n    return context.res.empty()\n",
                "commands": "",
            },
        },
    )
    client = start(manifest, tmp_path / "data")
    try:
        at_import = client.execute("at-import", method="GET")
        in_handler = client.execute("in-handler", method="GET")
    finally:
        client.stack.close()
    assert (at_import["status"], at_import["responseStatusCode"]) == ("failed", 503)
    assert "Module not found: httpx" in at_import["errors"]
    assert (in_handler["status"], in_handler["responseStatusCode"]) == ("failed", 500)
    assert "ModuleNotFoundError: No module named 'httpx'" in in_handler["errors"]


@pytest.mark.slow
def test_a_changed_requirements_txt_is_rebuilt_and_the_worker_restarts_on_it(tmp_path):
    wheels = wheels_for("rebuild", tmp_path)
    write_wheel(wheels, "tinypkg", "1.0")
    write_wheel(wheels, "tinypkg", "2.0")
    manifest = make_project(
        tmp_path / "project",
        {"versions": {"main": REPORTS_VERSION, "requirements": offline_requirements(wheels)}},
    )
    requirements = tmp_path / "project" / "functions" / "versions" / "requirements.txt"
    client = start(manifest, tmp_path / "data")
    executor = client.stack.executions.runner.executor
    try:
        seen = []
        pids = []
        for pin in (None, "tinypkg==1.0", "tinypkg==2.0"):
            if pin:
                time.sleep(0.01)  # a new mtime for the change detector
                requirements.write_text(offline_requirements(wheels, pin))
            execution = client.execute("versions", method="GET")
            assert execution["responseStatusCode"] == 200, execution["errors"]
            seen.append(json.loads(execution["responseBody"])["tinypkg"])
            pids.append(executor.worker_pid("versions"))
    finally:
        client.stack.close()
    assert seen == [None, "1.0", "2.0"]
    assert len(set(pids)) == 3  # a new worker on each new environment


@pytest.mark.slow
def test_a_failed_build_fails_its_executions_with_the_log_and_the_others_still_run(tmp_path, capfd):
    manifest = make_project(
        tmp_path / "project",
        {
            "broken": {
                "main": REPORTS_VERSION,
                "requirements": "--no-index\nthis-package-does-not-exist==1.0\n",
            },
            "fine": {"main": REPORTS_VERSION, "commands": ""},
        },
    )
    client = start(manifest, tmp_path / "data")
    try:
        printed = capfd.readouterr().err
        broken = client.execute("broken", method="GET")
        fine = client.execute("fine", method="GET")
    finally:
        client.stack.close()
    assert "build broken: FAILED" in printed and "this-package-does-not-exist" in printed
    assert (broken["status"], broken["responseStatusCode"]) == ("failed", 500)
    assert "The build of this deployment failed" in broken["errors"]
    assert "No matching distribution found for this-package-does-not-exist==1.0" in broken["errors"]
    assert (fine["status"], json.loads(fine["responseBody"])) == ("completed", {"tinypkg": None})


@pytest.mark.slow
def test_a_restart_with_nothing_changed_builds_nothing(tmp_path, capfd):
    wheels = wheels_for("restart", tmp_path)
    write_wheel(wheels, "tinypkg", "1.0")
    manifest = make_project(
        tmp_path / "project",
        {
            "versions": {
                "main": REPORTS_VERSION,
                "requirements": offline_requirements(wheels, "tinypkg==1.0"),
            }
        },
    )
    first = start(manifest, tmp_path / "data")
    assert first.execute("versions", method="GET")["responseStatusCode"] == 200
    first.stack.close()
    capfd.readouterr()
    shutil.rmtree(wheels)  # a build now could not find tinypkg: there must be none
    client = start(manifest, tmp_path / "data")
    try:
        execution = client.execute("versions", method="GET")
    finally:
        client.stack.close()
    assert "build versions" not in capfd.readouterr().err
    assert json.loads(execution["responseBody"]) == {"tinypkg": "1.0"}


REPORTS_BYTECODE = """
import os
import sys


def main(context):
    here = sys.modules[__name__]
    cached = here.__spec__.cached
    stat = os.stat(cached) if cached and os.path.exists(cached) else None
    return context.res.json({"pyc": None if stat is None else stat.st_mtime_ns})
"""


@pytest.mark.slow
def test_bytecode_compiled_in_commands_is_served_and_used_and_an_edit_needs_no_reinstall(
    tmp_path, capfd
):
    """`… && python -m compileall -q .` after the install: the worker finds its module's
    bytecode already there and uses it (a stale or ignored .pyc would be rewritten on
    import: its time would change); an edited source is compiled again, and the
    environment is not rebuilt for it (the install part did not change)."""
    manifest = compiled_project(tmp_path, "compiled", REPORTS_BYTECODE)
    source = tmp_path / "project" / "functions" / "compiled" / "src" / "main.py"
    client = start(manifest, tmp_path / "data")
    try:
        runner = client.stack.executions.runner
        served = Path(runner.deployment(runner.spec("compiled")).root)
        built = next((served / "src" / "__pycache__").glob("main.*.pyc")).stat().st_mtime_ns
        first = json.loads(client.execute("compiled", method="GET")["responseBody"])
        assert first["pyc"] == built  # written by the build before any worker, not rewritten
        capfd.readouterr()
        time.sleep(1.1)  # a source time the old .pyc cannot match
        source.write_text(REPORTS_BYTECODE + "\n# edited\n")
        second = json.loads(client.execute("compiled", method="GET")["responseBody"])
        pyc = next((served / "src" / "__pycache__").glob("main.*.pyc"))
        assert second["pyc"] == pyc.stat().st_mtime_ns
        assert second["pyc"] != first["pyc"]
    finally:
        client.stack.close()
    assert "build compiled:" not in capfd.readouterr().err  # no reinstall for an edit


def test_warming_the_cache_alone_skips_the_compile_step(tmp_path):
    """`build_project(..., environments_only=True)` (the suite's pre-build, conftest.py)
    builds or finds each environment without running the commands' compile step in its
    throw-away deployment: a source that does not compile fails the full build (the step
    runs there, as in every deployment served), not the cache warm-up."""
    from emulator.packaging import build_project

    manifest = compiled_project(tmp_path, "broken", "def main(context) return 1\n")
    assert build_project(manifest, report=None, environments_only=True) == 0
    assert build_project(manifest, report=None) == 1


ANSWERS_ONE = "def main(context):\n    return context.res.text('one')\n"


def test_the_compile_steps_bytecode_is_put_back_for_the_same_files_and_compiled_for_others(
    tmp_path,
):
    """A deployment re-packed unchanged (a restart, each `Stack` of a test run) gets the
    bytecode its compile step wrote before, without running the step: the very files, valid
    for their sources as the interpreter checks them, and imported as they are. A source
    with other bytes (same size, same time) is compiled again, and a step that fails is not
    kept: it fails again."""
    import subprocess

    from emulator.manifest import load_manifest
    from emulator.packaging import BuildError, EnvironmentCache, deploy_dir

    manifest = compiled_project(tmp_path, "kept", ANSWERS_ONE)
    spec = load_manifest(manifest).functions[0]
    cache = EnvironmentCache.for_project(manifest.parent, report=None)

    def build(name: str, edit=None):
        root = deploy_dir(spec, tmp_path / name, manifest.parent)
        if edit:
            edit(root / "src" / "main.py")
        return root, cache.build(root, spec.commands, spec.runtime)

    def imported(built, root: Path) -> str:
        """The function's interpreter imports the module: its text constant, and the .pyc."""
        code = "import src.main as m; print(m.main.__code__.co_consts)"
        answer = subprocess.run(
            [str(built.python), "-c", code], cwd=root, capture_output=True, text=True, check=True
        )
        return answer.stdout

    def pyc(root: Path) -> Path:
        return next((root / "src" / "__pycache__").glob("main.*.pyc"))

    first_root, first = build("first")
    assert not first.bytecode_cached
    second_root, second = build("second")
    assert second.bytecode_cached
    assert pyc(second_root).read_bytes() == pyc(first_root).read_bytes()
    source = (second_root / "src" / "main.py").stat()
    header = pyc(second_root).read_bytes()[:16]  # magic, flags, source time, source size
    assert header[4:8] == bytes(4)  # checked by time and size
    assert int.from_bytes(header[8:12], "little") == int(source.st_mtime)
    assert int.from_bytes(header[12:16], "little") == source.st_size
    written = pyc(second_root).stat().st_mtime_ns
    assert "'one'" in imported(second, second_root)
    assert pyc(second_root).stat().st_mtime_ns == written  # valid: not compiled again on import

    def same_size_and_time(main: Path) -> None:
        stat = main.stat()
        main.write_text(ANSWERS_ONE.replace("'one'", "'two'"))
        os.utime(main, ns=(stat.st_atime_ns, stat.st_mtime_ns))

    other_root, other = build("other", same_size_and_time)
    assert not other.bytecode_cached
    assert "'two'" in imported(other, other_root)

    def broken(main: Path) -> None:
        main.write_text("def main(context) return 1\n")

    for attempt in ("broken", "broken-again"):
        with pytest.raises(BuildError):
            build(attempt, broken)


def test_only_the_most_recently_used_bytecode_entries_are_kept(tmp_path):
    from emulator.packaging.environments import _prune, _restore, _save

    root = tmp_path / "root"
    (root / "__pycache__").mkdir(parents=True)
    (root / "__pycache__" / "m.cpython-312.pyc").write_bytes(b"bytecode")
    folder = tmp_path / "bytecode"
    for age, name in enumerate("abc"):
        _save(folder / name, root, ["__pycache__/m.cpython-312.pyc"])
        os.utime(folder / name / ".built.json", (age, age))
    elsewhere = tmp_path / "elsewhere"
    assert _restore(folder / "a", elsewhere)  # the oldest, used now: the newest
    assert (elsewhere / "__pycache__" / "m.cpython-312.pyc").read_bytes() == b"bytecode"
    _prune(folder, 2)
    assert sorted(entry.name for entry in folder.iterdir()) == ["a", "c"]
    assert not _restore(folder / "b", elsewhere)
