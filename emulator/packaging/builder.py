"""The effect of a function's build `commands`, as open-runtimes' build step has it.

open-runtimes creates a venv `runtime-env` in the deployment root (build-prepare
hook), then runs `commands` with `bash -c` in that root with the venv active; any
failing command fails the deployment (reference: appwrite-runtime.md §2.1).

Offline: with a wheelhouse (argument or `APPWRITE_EMULATOR_WHEELHOUSE`), pip may
install from that directory only, and the machine's pip configuration is not read.
`environments.EnvironmentCache` builds each function once per distinct environment.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

from .errors import BuildError

ENV_DIR = "runtime-env"
WHEELHOUSE_VARIABLE = "APPWRITE_EMULATOR_WHEELHOUSE"
BUILD_TIMEOUT = 900  # seconds; Appwrite's default build timeout
_HOST_PYTHON_SETTINGS = (
    "PYTHONHOME",
    "PYTHONPATH",
    "PYTHONPYCACHEPREFIX",
    "PYTHONDONTWRITEBYTECODE",
)


def build(
    deployment_dir: str | os.PathLike[str],
    commands: str,
    python: str | os.PathLike[str] = sys.executable,
    *,
    wheelhouse: str | os.PathLike[str] | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = BUILD_TIMEOUT,
    pip_cache: str | os.PathLike[str] | None = None,
) -> Path:
    """Build a deployment in place; returns the python of its `runtime-env`.

    `env` adds build-time variables (Appwrite passes e.g. APPWRITE_FUNCTION_ID).
    `pip_cache`: a folder where the bundled pip that installs pip into the venv is kept
    unpacked and byte-compiled (`_create_venv`); without it, pip runs from its wheel.
    Raises `BuildError` with the commands' output when the venv or a command fails.
    """
    root = Path(deployment_dir).resolve()
    if not root.is_dir():
        raise BuildError(f"Deployment folder does not exist: {root}")
    venv = root / ENV_DIR
    _create_venv(os.fspath(python), venv, root, timeout, pip_cache)
    if commands.strip():
        _run(
            ["bash", "-c", commands],
            root,
            build_environment(venv, wheelhouse, env),
            timeout,
            f"Build commands failed: {commands!r}",
        )
    return venv / "bin" / "python"


def run_in_environment(
    deployment_dir: str | os.PathLike[str],
    commands: str,
    venv: str | os.PathLike[str],
    *,
    wheelhouse: str | os.PathLike[str] | None = None,
    timeout: float = BUILD_TIMEOUT,
) -> None:
    """Run `commands` in a deployment root with an already built `runtime-env` active (as
    the build step runs them). Raises `BuildError` with their output when they fail."""
    _run(
        ["bash", "-c", commands],
        Path(deployment_dir).resolve(),
        build_environment(Path(venv), wheelhouse),
        timeout,
        f"Build commands failed: {commands!r}",
    )


def _create_venv(
    python: str,
    venv: Path,
    root: Path,
    timeout: float,
    pip_cache: str | os.PathLike[str] | None = None,
) -> None:
    """`python -m venv runtime-env`: the venv with what that command puts in it (pip, and
    setuptools before Python 3.12), from the interpreter's own bundled wheels.

    Fast path: a venv without pip, then the bundled wheels installed by the venv's python
    running the bundled pip, without byte-compiling (what makes `-m venv` slow). Falls
    back to plain `-m venv`.

    Run from its wheel (a zip), pip's own modules are compiled from source on every
    import: some 2.5 s of CPU per venv. With `pip_cache`, the pip that runs is the same
    wheel's `pip/` package unpacked once into that folder, where its bytecode is written on
    first use and read after. The installed venv is the same: the wheels installed are the
    same files (the unpacked copy leaves out pip's metadata, so pip does not take itself
    for already installed).
    """
    environment = dict(os.environ)
    _run(
        [python, "-m", "venv", "--without-pip", os.fspath(venv)],
        root,
        environment,
        timeout,
        "Creating the runtime-env venv failed",
    )
    try:
        _run(
            [os.fspath(venv / "bin" / "python"), "-I", "-c", _INSTALL_BUNDLED]
            + ([os.fspath(Path(pip_cache).resolve())] if pip_cache is not None else []),
            root,
            environment,
            timeout,
            "Installing pip into runtime-env failed",
        )
    except BuildError:
        _run(
            [python, "-m", "venv", "--clear", os.fspath(venv)],
            root,
            environment,
            timeout,
            "Creating the runtime-env venv failed",
        )


# Run by the venv's python: what ensurepip installs (its pip version, plus setuptools where
# bundled), without byte-compiling. Works from Python 3.8 on. Its argument, if any, is the
# folder where the running pip is kept unpacked (`_create_venv`).
_INSTALL_BUNDLED = """
import ensurepip, glob, os, shutil, sys, zipfile
bundled = os.path.join(os.path.dirname(ensurepip.__file__), "_bundled")
wheels = {}
for path in sorted(glob.glob(os.path.join(bundled, "*.whl"))):
    name, version = os.path.basename(path).split("-")[:2]
    if name == "pip" and version != ensurepip.version():
        continue
    wheels[name] = path
if "pip" not in wheels:
    sys.exit("no bundled pip wheel")
runner = wheels["pip"]
if len(sys.argv) > 1:
    try:
        unpacked = os.path.join(
            sys.argv[1], "%s-%d" % (os.path.basename(runner), os.stat(runner).st_size)
        )
        if not os.path.isdir(unpacked):
            partial = "%s.partial-%d" % (unpacked, os.getpid())
            with zipfile.ZipFile(runner) as wheel:
                wheel.extractall(partial, [n for n in wheel.namelist() if n.startswith("pip/")])
            try:
                os.rename(partial, unpacked)
            except OSError:  # another build unpacked it meanwhile
                shutil.rmtree(partial, ignore_errors=True)
        if os.path.isdir(os.path.join(unpacked, "pip")):
            runner = unpacked
    except (OSError, zipfile.BadZipFile):
        pass  # run pip from its wheel, as without the folder
sys.path[:0] = [runner]
from pip._internal.cli.main import main
sys.exit(main(["install", "--quiet", "--no-index", "--no-deps", "--no-compile",
               "--disable-pip-version-check", *wheels.values()]))
"""


def build_environment(
    venv: Path,
    wheelhouse: str | os.PathLike[str] | None = None,
    extra: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """The environment the build commands run in: the venv active, and with a wheelhouse
    (argument or $APPWRITE_EMULATOR_WHEELHOUSE) pip limited to it."""
    # Nothing of this machine's Python set-up leaks into the build: Appwrite's build
    # container has none of it. PYTHONPYCACHEPREFIX in particular (the Makefile sets it)
    # would send the bytecode that pip and `python -m compileall` write to a folder the
    # worker never reads, instead of beside the sources it serves.
    environment = {k: v for k, v in os.environ.items() if k not in _HOST_PYTHON_SETTINGS}
    environment["VIRTUAL_ENV"] = os.fspath(venv)
    environment["PATH"] = os.pathsep.join([os.fspath(venv / "bin"), environment.get("PATH", "")])
    environment["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    wheelhouse = wheelhouse or os.environ.get(WHEELHOUSE_VARIABLE) or None
    if wheelhouse:
        environment.update(
            PIP_CONFIG_FILE=os.devnull,
            PIP_NO_INDEX="1",
            PIP_FIND_LINKS=os.fspath(Path(wheelhouse).resolve()),
        )
        environment.pop("PIP_EXTRA_INDEX_URL", None)
        environment.pop("PIP_INDEX_URL", None)
        environment.pop("PIP_CONSTRAINT", None)
    environment.update(extra or {})
    return environment


def _run(
    argv: list[str], cwd: Path, environment: dict[str, str], timeout: float, failure: str
) -> None:
    try:
        completed = subprocess.run(
            argv,
            cwd=cwd,
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        output = error.output
        if isinstance(output, bytes):
            output = output.decode(errors="replace")
        raise BuildError(f"{failure}: timed out after {timeout:g} s", output or "") from error
    if completed.returncode != 0:
        raise BuildError(f"{failure} (exit code {completed.returncode})", completed.stdout)
