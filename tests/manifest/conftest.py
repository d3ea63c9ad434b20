"""Fixtures for the manifest tests: the real appwrite.json, and throw-away project copies."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
REAL_MANIFEST = REPO / "appwrite.json"


@pytest.fixture(scope="session")
def real_data() -> dict[str, Any]:
    """The parsed real appwrite.json (do not mutate; copy it)."""
    return json.loads(REAL_MANIFEST.read_text(encoding="utf-8"))


@pytest.fixture
def make_project(tmp_path: Path, real_data: dict[str, Any]) -> Callable[..., Path]:
    """Write a project into tmp_path: a manifest (a deep copy of the real one, changed by
    `mutate`) and an entrypoint file for every function; returns the manifest path."""

    def make(
        mutate: Callable[[dict[str, Any]], Any] | None = None, name: str = "appwrite.json"
    ) -> Path:
        data = copy.deepcopy(real_data)
        for function in data["functions"]:
            entrypoint = tmp_path / function["path"] / function["entrypoint"]
            entrypoint.parent.mkdir(parents=True, exist_ok=True)
            entrypoint.write_text("def main(context):\n    return context.res.empty()\n")
        if mutate is not None:
            mutate(data)
        path = tmp_path / name
        path.write_text(json.dumps(data, indent=2), encoding="utf-8")
        return path

    return make
