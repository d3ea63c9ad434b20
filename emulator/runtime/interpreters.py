"""Which Python runs a function: the interpreter of its declared runtime.

On Appwrite, `"runtime": "python-3.12"` means the `openruntimes/python:v5-3.12` image,
whose `python3` is CPython 3.12. Here the same version is looked up on this machine —
`python3.12` on PATH, then pyenv's versions (newest patch release first) — and checked
by running it. When none is installed the function falls back to the Python that runs
the emulator, with a warning (`serve` and `python -m emulator check` print it), because
code that works on one minor version may not work on another.

    find_interpreter("python-3.12")  # Interpreter(path=…/3.12.1/bin/python3.12, version="3.12.1")
"""

from __future__ import annotations

import dataclasses
import functools
import os
import pathlib
import re
import shutil
import subprocess
import sys
from collections.abc import Iterable

# python-3.12, python-ml-3.12 (Appwrite's runtime ids, reference appwrite-runtime.md §5.3).
_HOST = ".".join(str(part) for part in sys.version_info[:3])
_RUNTIME = re.compile(r"^python(?:-ml)?-(\d+)\.(\d+)$")
# Prints what a candidate really is (a pyenv shim resolves to the real executable) and
# fails when it cannot create the runtime-env venv with pip, as the build step needs
# (without importing those modules: that alone takes longer than starting Python).
_PROBE = (
    "import sys, importlib.util as u; "
    "assert u.find_spec('venv') and u.find_spec('ensurepip'); "
    "print(sys.executable); print('%d.%d.%d' % sys.version_info[:3])"
)


@dataclasses.dataclass(frozen=True)
class Interpreter:
    """The Python a function's environment is built with and its worker runs on."""

    runtime: str  # as declared, e.g. "python-3.12"
    path: pathlib.Path  # the executable
    version: str  # what it reports, e.g. "3.12.1"
    fallback: bool = False  # True: the declared version is not installed here
    warning: str = ""  # why it fell back (empty when it did not)

    @property
    def minor(self) -> str:
        return ".".join(self.version.split(".")[:2])


def declared_version(runtime: str) -> tuple[int, int] | None:
    """(3, 12) for `python-3.12` / `python-ml-3.12`; None for anything else."""
    match = _RUNTIME.match(runtime.strip())
    return (int(match.group(1)), int(match.group(2))) if match else None


def host_interpreter(runtime: str = "", warning: str = "") -> Interpreter:
    """The Python that runs the emulator."""
    version = _HOST
    return Interpreter(runtime, pathlib.Path(sys.executable), version, bool(warning), warning)


@functools.cache
def find_interpreter(runtime: str) -> Interpreter:
    """The interpreter for a declared runtime, or the host's with a warning."""
    wanted = declared_version(runtime)
    host = _HOST
    if wanted is None:
        return host_interpreter(
            runtime,
            f"runtime {runtime!r} is not a Python runtime the emulator knows; "
            f"running on the emulator's Python {host}",
        )
    minor = f"{wanted[0]}.{wanted[1]}"
    for candidate in _candidates(minor):
        found = _probe(candidate, minor)
        if found is not None:
            path, version = found
            return Interpreter(runtime, path, version)
    return host_interpreter(
        runtime,
        f"{runtime} needs Python {minor}, which is not installed here (no python{minor} on "
        f"PATH, none in pyenv); running on the emulator's Python {host} instead. Install "
        f"Python {minor} (e.g. `pyenv install {minor}`) to run it as Appwrite does.",
    )


def runtime_warnings(functions: Iterable[tuple[str, str]]) -> list[str]:
    """One line per function whose runtime falls back: `functions` is (id, runtime) pairs."""
    return [
        f"function {function_id}: {interpreter.warning}"
        for function_id, runtime in functions
        if (interpreter := find_interpreter(runtime)).fallback
    ]


def _candidates(minor: str) -> list[str]:
    found = []
    root = pathlib.Path(os.environ.get("PYENV_ROOT") or pathlib.Path.home() / ".pyenv")
    on_path = shutil.which(f"python{minor}")
    # pyenv's shims are skipped (slow, and they fail for versions not selected): pyenv's
    # versions are searched directly below.
    if on_path and pathlib.Path(on_path).parent != root / "shims":
        found.append(on_path)
    versions = root / "versions"
    if versions.is_dir():
        patch = re.compile(rf"^{re.escape(minor)}\.(\d+)$")  # plain releases, no -dev/rc
        releases = sorted(
            (int(m.group(1)), d) for d in versions.iterdir() if (m := patch.match(d.name))
        )
        for _, folder in reversed(releases):
            found.append(str(folder / "bin" / f"python{minor}"))
    return found


def _probe(executable: str, minor: str) -> tuple[pathlib.Path, str] | None:
    try:
        completed = subprocess.run(
            [executable, "-I", "-c", _PROBE],
            capture_output=True,
            text=True,
            timeout=30,
            stdin=subprocess.DEVNULL,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    lines = completed.stdout.split()
    if completed.returncode != 0 or len(lines) != 2:
        return None
    path, version = lines
    if ".".join(version.split(".")[:2]) != minor:
        return None
    return pathlib.Path(path), version
