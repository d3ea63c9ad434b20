"""A local directory of wheels so that builds can install without an index.

Made once from the functions' requirements files (`pip wheel`, which reuses pip's
own cache); kept while the requirements it was made from are unchanged.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

from .errors import BuildError

STAMP = ".requirements.sha256"


def prepare_wheelhouse(
    requirements_files: Iterable[str | os.PathLike[str]],
    dest: str | os.PathLike[str],
    python: str | os.PathLike[str] = sys.executable,
) -> Path:
    """Fill `dest` with wheels for every requirement in the files (and their dependencies)."""
    target = Path(dest)
    files = sorted({Path(f).resolve() for f in requirements_files})
    lines = sorted(
        {
            line.strip()
            for f in files
            for line in f.read_text().splitlines()
            if line.strip() and not line.lstrip().startswith("#")
        }
    )
    digest = hashlib.sha256("\n".join(lines).encode()).hexdigest()
    stamp = target / STAMP
    target.mkdir(parents=True, exist_ok=True)
    with open(target / ".lock", "w") as lock:  # parallel test workers prepare it once
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (stamp.is_file() and stamp.read_text().strip() == digest):
            if lines:
                _pip_wheel(target, files, python)
            stamp.write_text(digest + "\n")
    return target


def _pip_wheel(target: Path, files: list[Path], python: str | os.PathLike[str]) -> None:
    argv = [os.fspath(python), "-m", "pip", "wheel", "--quiet", "--wheel-dir", os.fspath(target)]
    for file in files:
        argv += ["-r", os.fspath(file)]
    completed = subprocess.run(
        argv,
        check=False,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    if completed.returncode != 0:
        raise BuildError("Preparing the wheelhouse failed", completed.stdout)
