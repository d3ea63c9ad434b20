"""A private copy of the project for the cron functions' tests.

The cron functions act on every row of a table (publish everything due, purge everything
old), so their tests run them in a project of their own — the same tables, the same code,
copied to a temporary folder — where nothing else lives. The copy also lets a test give a
function its variables, as `vars` in appwrite.json, the way they reach the runtime's env.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from emulator.stack import Stack
from emulator.testclient import AppwriteTestClient

ROOT = Path(__file__).resolve().parents[2]
_IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc")


def function_entry(
    function_id: str,
    *,
    as_id: str | None = None,
    vars: dict[str, str] | None = None,
    **overrides: Any,
) -> dict:
    """The function's appwrite.json entry, optionally under another id and with variables."""
    manifest = json.loads((ROOT / "appwrite.json").read_text())
    entry = next(f for f in manifest["functions"] if f["$id"] == function_id)
    return {**entry, "$id": as_id or function_id, "vars": dict(vars or {}), **overrides}


def private_project(folder: Path, functions: list[dict]) -> Path:
    """appwrite.json's tables and these function entries, with their code, in `folder`."""
    manifest = json.loads((ROOT / "appwrite.json").read_text())
    manifest["functions"] = functions
    shutil.copytree(ROOT / "shared", folder / "shared", ignore=_IGNORE)
    shutil.copy(ROOT / "pyproject.toml", folder / "pyproject.toml")
    for path in {f["path"] for f in functions}:
        shutil.copytree(ROOT / path, folder / path, symlinks=True, ignore=_IGNORE)
    target = folder / "appwrite.json"
    target.write_text(json.dumps(manifest, indent=2))
    return target


def start(folder: Path, functions: list[dict]) -> AppwriteTestClient:
    """A fresh emulator for a private project (close it with `client.stack.close()`)."""
    manifest = private_project(folder / "project", functions)
    return AppwriteTestClient(Stack.start(manifest, data_dir=folder / "data", realtime_cron=False))
