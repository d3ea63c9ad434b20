"""Finding and reading the manifest file: the I/O shell around `check_manifest`."""

from __future__ import annotations

import json
from pathlib import Path

from .checks import check_manifest
from .model import Manifest, build_manifest
from .problems import ManifestError, Problem

# The Appwrite CLI reads appwrite.config.json and falls back to the legacy appwrite.json.
FILE_NAMES = ("appwrite.config.json", "appwrite.json")


def find_manifest(start: Path | str = ".") -> Path | None:
    """The manifest the Appwrite CLI would use from `start`: each name searched upwards, in turn."""
    start = Path(start).resolve()
    for name in FILE_NAMES:
        for folder in (start, *start.parents):
            if (folder / name).is_file():
                return folder / name
    return None


def read_manifest(path: Path | str) -> object:
    """The parsed JSON of `path`; ManifestError if it is missing or not JSON."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ManifestError(
            path.name, [Problem("", f"cannot read {path}: {error.strerror or error}")]
        ) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        problem = Problem(
            "", f"not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})"
        )
        raise ManifestError(path.name, [problem]) from None


def load_manifest(path: Path | str) -> Manifest:
    """Read, check and type the manifest at `path`; ManifestError lists every problem."""
    source = Path(path).resolve()
    data = read_manifest(source)
    problems = check_manifest(data, source.parent)
    if problems:
        raise ManifestError(source.name, problems)
    assert isinstance(data, dict)  # guaranteed by an empty check
    return build_manifest(data, source)
