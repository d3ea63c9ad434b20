"""Which files of a function's `path` the Appwrite CLI puts into the deployment.

Walk `path` in name order; drop what the ignore rules drop (see `ignore.py`);
follow symlinks (a linked directory is walked, a linked file is packed as the file
it points at) unless they resolve outside the project root (the directory of
appwrite.json), which are skipped with a `SkippedSymlinkWarning`; broken symlinks,
sockets and the like are skipped silently; a symlink cycle is walked once per
branch. Only regular files are listed; directories appear through their files.
"""

from __future__ import annotations

import os
import stat
import warnings
from dataclasses import dataclass
from pathlib import Path

from .errors import NoDeployableFiles, PackagingError, SkippedSymlinkWarning
from .ignore import RuleSet, is_ignored, root_rule_sets


@dataclass(frozen=True)
class PackedFile:
    """One file of a deployment: `path` inside it (`/`-separated) and where to read it."""

    path: str
    source: Path


def collect(
    project_root: str | os.PathLike[str],
    function_path: str | os.PathLike[str],
    ignore: str | list[str] | None = None,
) -> list[PackedFile]:
    """The files the CLI would pack for a function (`function_path` may be relative to the root)."""
    project = Path(project_root)
    root = project / function_path
    if not root.is_dir():
        raise PackagingError(f"Function path is not a directory: {root}")
    walker = _Walker(root, _symlink_boundary(root, project))
    walker.walk("", root_rule_sets(ignore, _read_gitignore(root)))
    if walker.skipped:
        warnings.warn(
            SkippedSymlinkWarning(
                f"Left {len(walker.skipped)} symlink(s) resolving outside the project out of the "
                f"deployment of {root}: {', '.join(walker.skipped)}"
            ),
            stacklevel=2,
        )
    if not walker.files:
        raise NoDeployableFiles(
            f"No deployable files found at path: {root}. Check your .gitignore and ignore rules."
        )
    return walker.files


def _symlink_boundary(root: Path, project: Path) -> str:
    """How far a symlink may reach: the project when `root` is inside it, else `root` itself."""
    real_root = os.path.realpath(root)
    real_project = os.path.realpath(project)
    return real_project if _is_inside(real_project, real_root) else real_root


def _is_inside(parent: str, child: str) -> bool:
    return child == parent or child.startswith(parent.rstrip(os.sep) + os.sep)


def _read_gitignore(directory: Path) -> str | None:
    try:
        return (directory / ".gitignore").read_text(encoding="utf-8", errors="replace")
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return None


class _Walker:
    def __init__(self, root: Path, boundary: str):
        self.root = root
        self.boundary = boundary
        self.files: list[PackedFile] = []
        self.skipped: list[str] = []
        self._branch: set[str] = set()  # real paths of the directories being walked

    def walk(self, relative_dir: str, inherited: list[RuleSet]) -> None:
        directory = self.root / relative_dir if relative_dir else self.root
        real = os.path.realpath(directory)
        if real in self._branch:
            return
        self._branch.add(real)
        try:
            rule_sets = inherited
            if relative_dir:
                nested = _read_gitignore(directory)
                if nested is not None:
                    rule_sets = [*inherited, RuleSet.from_lines(relative_dir, nested.splitlines())]
            for name in sorted(os.listdir(directory)):
                self._visit(f"{relative_dir}/{name}" if relative_dir else name, rule_sets)
        finally:
            self._branch.discard(real)

    def _visit(self, relative: str, rule_sets: list[RuleSet]) -> None:
        source = self.root / relative
        try:
            mode = os.stat(source).st_mode  # follows symlinks; a broken one is skipped
        except OSError:
            return
        is_dir = stat.S_ISDIR(mode)
        if is_ignored(relative, rule_sets, is_dir):
            return
        if not _is_inside(self.boundary, os.path.realpath(source)):
            self.skipped.append(relative)
            return
        if is_dir:
            self.walk(relative, rule_sets)
        elif stat.S_ISREG(mode):
            self.files.append(PackedFile(relative, source))
