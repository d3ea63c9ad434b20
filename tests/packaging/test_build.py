"""The build step: a `runtime-env` venv in the deployment root, `commands` run inside it."""

from __future__ import annotations

import pathlib
import subprocess

import pytest

from emulator.packaging import BuildError, build, environment_key
from emulator.packaging.environments import PIP_DIR, cache_dir
from emulator.runtime.interpreters import Interpreter, host_interpreter

ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture
def pip_cache() -> pathlib.Path:
    """The suite's own cache of the bundled pip (`$APPWRITE_EMULATOR_CACHE`), as the
    environment cache passes it; a test without it runs pip from its wheel."""
    return cache_dir(ROOT) / PIP_DIR


def test_commands_run_in_the_root_with_runtime_env_active_and_fail_loudly(tmp_path):
    root = tmp_path / "deployment"
    root.mkdir()
    (root / "requirements.txt").write_text("appwrite==15.3.0\n")
    empty_wheelhouse = tmp_path / "wheels"
    empty_wheelhouse.mkdir()
    commands = (
        "pwd > cwd.txt && echo $VIRTUAL_ENV > venv.txt && "
        "python -c 'import sys; print(sys.prefix)' > prefix.txt && "
        "pip install -r requirements.txt"
    )
    with pytest.raises(BuildError) as failure:
        build(root, commands, wheelhouse=empty_wheelhouse)
    env = root / "runtime-env"
    assert (root / "cwd.txt").read_text().strip() == str(root.resolve())
    assert (root / "venv.txt").read_text().strip() == str(env.resolve())
    assert (root / "prefix.txt").read_text().strip() == str(env.resolve())
    # Offline: pip looked in the (empty) wheelhouse only, and says what it missed.
    assert "exit code 1" in str(failure.value)
    assert "appwrite==15.3.0" in failure.value.output
    assert "No matching distribution" in failure.value.output


def test_the_environment_key_follows_commands_requirements_and_interpreter(tmp_path):
    one, two = tmp_path / "one", tmp_path / "two"
    for root in (one, two):
        root.mkdir()
        (root / "requirements.txt").write_text("jsonschema==4.26.0\n")
        (root / "main.py").write_text("print(1)\n")
    command = "pip install -r requirements.txt"
    host = host_interpreter()
    other = Interpreter("python-3.0", host.path, "3.0.1")

    def key(root, commands=command, interpreter=host):
        return environment_key(root, commands, interpreter)[0]

    assert key(one) == key(two)
    assert key(one) != key(one, command + " --quiet")
    assert key(one) != key(one, interpreter=other)
    (two / "main.py").write_text("print(2)\n")  # plain commands: other files do not count
    assert key(one) == key(two)
    (two / "requirements.txt").write_text("jsonschema==4.25.0\n")
    assert key(one) != key(two)
    assert key(tmp_path) != key(one)  # no requirements.txt


def test_other_commands_depend_on_every_file(tmp_path):
    (tmp_path / "requirements.txt").write_text("jsonschema==4.26.0\n")
    (tmp_path / "main.py").write_text("print(1)\n")
    host = host_interpreter()
    command = "pip install -r requirements.txt && python make_data.py"
    before, plain = environment_key(tmp_path, command, host)
    assert not plain
    (tmp_path / "main.py").write_text("print(2)\n")
    assert environment_key(tmp_path, command, host)[0] != before
    # A requirements.txt that reads local files makes plain commands depend on them too.
    (tmp_path / "requirements.txt").write_text("-r base.txt\n")
    assert not environment_key(tmp_path, "pip install -r requirements.txt", host)[1]


def test_a_wheelhouse_makes_builds_offline(tmp_path, monkeypatch, pip_cache):
    """prepare_wheelhouse once (here from a local wheel), then builds install from it
    alone: no index is asked, the machine's pip configuration is not read (and what the
    wheelhouse lacks fails, as the first test shows)."""
    from emulator.packaging import WHEELHOUSE_VARIABLE, prepare_wheelhouse
    from tests.packaging.test_environments import offline_requirements, write_wheel

    source = tmp_path / "source-wheels"
    write_wheel(source, "tinypkg", "1.0")
    wanted = tmp_path / "wanted.txt"
    wanted.write_text(offline_requirements(source, "tinypkg==1.0"))
    wheelhouse = prepare_wheelhouse([wanted], tmp_path / "wheelhouse")
    assert [p.name for p in wheelhouse.glob("*.whl")] == ["tinypkg-1.0-py3-none-any.whl"]

    root = tmp_path / "deployment"
    root.mkdir()
    (root / "requirements.txt").write_text("tinypkg==1.0\n")
    monkeypatch.setenv(WHEELHOUSE_VARIABLE, str(wheelhouse))
    monkeypatch.setenv("PIP_INDEX_URL", "http://127.0.0.1:9/simple")  # ignored: no index
    python = build(root, "pip install -r requirements.txt", pip_cache=pip_cache)
    probe = [str(python), "-I", "-c", "import tinypkg; print(tinypkg.VERSION)"]
    assert subprocess.run(probe, capture_output=True, text=True).stdout == "1.0\n"


def test_bytecode_compiled_by_the_commands_lands_beside_the_sources(
    tmp_path, monkeypatch, pip_cache
):
    """`python -m compileall` in `commands` writes where the worker reads (open-runtimes
    serves the build output), even when this machine redirects or disables bytecode."""
    monkeypatch.setenv("PYTHONPYCACHEPREFIX", str(tmp_path / "elsewhere"))
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    root = tmp_path / "deployment"
    (root / "src").mkdir(parents=True)
    (root / "src" / "main.py").write_text("def main(context):\n    return None\n")
    commands = "python -m compileall -q src && pip --version > pip.txt"
    python = build(root, commands, pip_cache=pip_cache)
    tag = subprocess.run(
        [str(python), "-c", "import sys; print(sys.implementation.cache_tag)"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert (root / "src" / "__pycache__" / f"main.{tag}.pyc").is_file()
    assert not (tmp_path / "elsewhere").exists()


def test_a_trailing_compile_step_is_told_apart_from_the_install():
    from emulator.packaging.environments import split_compile_step

    install = "pip install -r requirements.txt"
    assert split_compile_step(f"{install} && python -m compileall -q .") == (
        install,
        "python -m compileall -q .",
    )
    assert split_compile_step(f"{install} &&\n  python3 -m compileall -q src shared")[1] == (
        "python3 -m compileall -q src shared"
    )
    assert split_compile_step(install) == (install, "")
    # Anything that could do more than compile stays part of the whole build.
    for other in (
        f"{install} && python -m compileall -q . ; rm -rf src",
        f"{install} && python -m compileall $(cat dirs)",
        f"python -m compileall -q . && {install}",
    ):
        assert split_compile_step(other) == (other, "")


def _installed_as_recorded(venv) -> list[str]:
    """Each file of the venv's pip and setuptools as their RECORD lists it (path, sha256):
    the files pip installed from the bundled wheels, checked against the wheels' hashes."""
    import base64
    import hashlib

    site = next((venv / "lib").glob("python3*/site-packages"))
    checked = []
    for record in sorted(site.glob("*.dist-info/RECORD")):
        for line in record.read_text().splitlines():
            path, digest, _ = line.rsplit(",", 2)
            if not digest:
                continue  # RECORD itself, and files pip wrote (INSTALLER, scripts' bytecode)
            algorithm, expected = digest.split("=", 1)
            data = (site / path).read_bytes()
            actual = base64.urlsafe_b64encode(hashlib.new(algorithm, data).digest()).rstrip(b"=")
            assert actual.decode() == expected, path
            checked.append(path)
    return checked


def test_the_pip_that_installs_pip_is_kept_unpacked_and_compiled(tmp_path):
    """`build(pip_cache=…)`: the bundled pip runs from a folder unpacked once and
    byte-compiled on first use (from its wheel, every import compiles pip's source), and
    installs the same wheels: the venv's files are those the wheels record."""
    cache = tmp_path / "pip"
    venvs, compiled = [], []
    for name in ("one", "two"):
        root = tmp_path / name
        root.mkdir()
        python = build(root, "", pip_cache=cache)
        venvs.append(python.parent.parent)
        (unpacked,) = cache.iterdir()
        compiled.append({p: p.stat().st_mtime_ns for p in unpacked.rglob("__pycache__/*.pyc")})
    assert unpacked.name.startswith("pip-") and ".partial-" not in unpacked.name
    assert [p.name for p in unpacked.iterdir()] == ["pip"]  # no metadata: pip installs itself
    assert len(compiled[0]) > 100  # written by the first build's pip …
    assert compiled[1] == compiled[0]  # … and read, not written again, by the second's

    first, second = (sorted(_installed_as_recorded(venv)) for venv in venvs)
    assert first == second and any(p.startswith("pip/") for p in first)
    files = [sorted(str(p.relative_to(venv)) for p in venv.rglob("*")) for venv in venvs]
    assert files[0] == files[1]
    version = subprocess.run(
        [venvs[1] / "bin" / "pip", "--version"], capture_output=True, text=True, check=True
    )
    assert str(venvs[1] / "lib") in version.stdout  # the venv's own pip answers
