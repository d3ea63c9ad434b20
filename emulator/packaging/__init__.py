"""Deployments as the Appwrite CLI packs them and open-runtimes builds them.

    files = collect(project_root, "functions/accounts", ignore=["tests"])
    archive = pack(files)                      # tar.gz bytes, what `appwrite push` uploads
    root = extract(archive, tmp / "accounts")  # what the build step unpacks
    python = build(root, "pip install -r requirements.txt")   # runtime-env/bin/python

`deploy_dir(function, dest)` does collect + pack + extract for a function from
appwrite.json. `EnvironmentCache` builds each distinct (commands, requirements.txt,
interpreter) once, on the declared runtime's Python, and keeps it
(`<project>/.emulator-cache/`); the emulator runs every function on its environment.
Offline builds: `prepare_wheelhouse(requirement_files, dir)` once, then
`build(..., wheelhouse=dir)` (or `$APPWRITE_EMULATOR_WHEELHOUSE`).
`python -m emulator.packaging` lists what a push would upload. Why `shared/` reaches
every deployment through a symlink: docs/decisions/0001-shared-code-in-deployments.md.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Protocol

from emulator.manifest.loader import find_manifest

from .archive import extract, pack
from .builder import ENV_DIR, WHEELHOUSE_VARIABLE, build
from .environments import (
    CACHE_VARIABLE,
    BuiltEnvironment,
    EnvironmentCache,
    build_project,
    cache_dir,
    environment_key,
)
from .errors import (
    BuildError,
    NoDeployableFiles,
    PackagingError,
    SkippedSymlinkWarning,
    UnsafeArchiveEntry,
)
from .walk import PackedFile, collect
from .wheelhouse import prepare_wheelhouse

__all__ = [
    "CACHE_VARIABLE",
    "ENV_DIR",
    "WHEELHOUSE_VARIABLE",
    "BuildError",
    "BuiltEnvironment",
    "EnvironmentCache",
    "NoDeployableFiles",
    "PackagedFunction",
    "PackagingError",
    "PackedFile",
    "SkippedSymlinkWarning",
    "UnsafeArchiveEntry",
    "build",
    "build_project",
    "cache_dir",
    "collect",
    "deploy_dir",
    "environment_key",
    "extract",
    "pack",
    "prepare_wheelhouse",
]


class PackagedFunction(Protocol):
    """What packing needs of a function: its `path` and `ignore` from appwrite.json."""

    path: str | os.PathLike[str]
    ignore: str | list[str] | None


def deploy_dir(
    function: PackagedFunction,
    dest: str | os.PathLike[str],
    project_root: str | os.PathLike[str] | None = None,
) -> Path:
    """Pack `function` as the CLI would and unpack it into `dest`; returns `dest`.

    `project_root` bounds symlinks; by default, as in the CLI, the folder of the
    appwrite.config.json / appwrite.json found from the function's path upwards.
    """
    if project_root is None:
        manifest = find_manifest(function.path)
        project_root = manifest.parent if manifest else function.path
    # Unpacked at once, its size never shown: the fastest level (a start re-packs every
    # function; level 9 took 150 ms of CPU for Newsroom's eight, level 1 60 ms).
    return extract(pack(collect(project_root, function.path, function.ignore), level=1), dest)
