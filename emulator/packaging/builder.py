"""The effect of a function's build `commands`, as open-runtimes' build step has it.

open-runtimes creates a venv `runtime-env` in the deployment root (build-prepare
hook), then runs `commands` with `bash -c` in that root with the venv active; any
failing command fails the deployment (reference: appwrite-runtime.md §2.1).

Offline: with a wheelhouse (argument or `NEWSROOM_WHEELHOUSE`), pip may install
from that directory only, and the machine's pip configuration is not read.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

from .errors import BuildError

ENV_DIR = "runtime-env"
WHEELHOUSE_VARIABLE = "NEWSROOM_WHEELHOUSE"
BUILD_TIMEOUT = 900  # seconds; Appwrite's default build timeout


def build(
    deployment_dir: str | os.PathLike[str],
    commands: str,
    python: str | os.PathLike[str] = sys.executable,
    *,
    wheelhouse: str | os.PathLike[str] | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = BUILD_TIMEOUT,
) -> Path:
    """Build a deployment in place; returns the python of its `runtime-env`.

    `env` adds build-time variables (Appwrite passes e.g. APPWRITE_FUNCTION_ID).
    Raises `BuildError` with the commands' output when the venv or a command fails.
    """
    root = Path(deployment_dir).resolve()
    if not root.is_dir():
        raise BuildError(f"Deployment folder does not exist: {root}")
    venv = root / ENV_DIR
    _create_venv(os.fspath(python), venv, root, timeout)
    if commands.strip():
        _run(
            ["bash", "-c", commands],
            root,
            _build_environment(venv, wheelhouse, env),
            timeout,
            f"Build commands failed: {commands!r}",
        )
    return venv / "bin" / "python"


class BuildCache:
    """Builds deployments, one environment per distinct (commands, requirements.txt).

    When the commands install from requirements.txt, the venv they produce depends on
    those two only, so deployments that share them can share it. On a miss the
    deployment is copied to `directory/<key>` and built there; every deployment with
    that key gets that environment's python.
    """

    def __init__(
        self,
        directory: str | os.PathLike[str],
        python: str | os.PathLike[str] = sys.executable,
        wheelhouse: str | os.PathLike[str] | None = None,
    ):
        self.directory = Path(directory)
        self.python = python
        self.wheelhouse = wheelhouse

    def build(self, deployment_dir: str | os.PathLike[str], commands: str) -> Path:
        place = self.directory / build_key(deployment_dir, commands)[:16]
        python = place / ENV_DIR / "bin" / "python"
        if not python.exists():
            shutil.rmtree(place, ignore_errors=True)  # a build that failed half-way
            shutil.copytree(deployment_dir, place, ignore=shutil.ignore_patterns(ENV_DIR))
            build(place, commands, self.python, wheelhouse=self.wheelhouse)
        return python


def _create_venv(python: str, venv: Path, root: Path, timeout: float) -> None:
    """`python -m venv runtime-env` with pip in it (and, as on Python 3.12+, nothing else).

    Fast path: a venv without pip, then pip from the interpreter's own bundled wheel
    installed by its pip (seconds faster than ensurepip). Falls back to plain venv.
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
            [python, "-c", _INSTALL_BUNDLED_PIP, os.fspath(venv / "bin" / "python")],
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


# Run by the base interpreter: its pip installs its ensurepip-bundled pip wheel into the venv.
_INSTALL_BUNDLED_PIP = """
import glob, os, subprocess, sys, ensurepip
wheels = glob.glob(os.path.join(os.path.dirname(ensurepip.__file__), "_bundled", "pip-*.whl"))
if not wheels:
    sys.exit("no bundled pip wheel")
sys.exit(subprocess.call([sys.executable, "-m", "pip", "--python", sys.argv[1], "install",
                          "--quiet", "--no-index", "--no-deps", "--no-compile",
                          "--disable-pip-version-check", wheels[0]]))
"""


def build_key(deployment_dir: str | os.PathLike[str], commands: str) -> str:
    """A digest of the commands and the deployment's requirements.txt (absent = empty)."""
    requirements = Path(deployment_dir) / "requirements.txt"
    content = requirements.read_bytes() if requirements.is_file() else b""
    digest = hashlib.sha256(commands.encode())
    digest.update(b"\0")
    digest.update(content)
    return digest.hexdigest()


def _build_environment(
    venv: Path, wheelhouse: str | os.PathLike[str] | None, extra: Mapping[str, str] | None
) -> dict[str, str]:
    environment = {k: v for k, v in os.environ.items() if k not in ("PYTHONHOME", "PYTHONPATH")}
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
