"""Helpers shared by the TablesDB contract tests (work with SDK 15.x dicts and 27.x models)."""

from __future__ import annotations

import secrets
from typing import Any

import pytest
from appwrite.exception import AppwriteException

from tests.emulator.conftest import as_dict


def plain(obj: Any) -> Any:
    """An SDK answer as Appwrite's JSON: SDK 27 rows keep their columns under `data`;
    flatten them."""
    data = as_dict(obj)
    if isinstance(data, dict):
        if "data" in data and isinstance(data["data"], dict) and "$id" in data:
            flat = {k: v for k, v in data.items() if k != "data"}
            flat.update(data["data"])
            data = flat
        return {k: plain(v) if isinstance(v, (dict, list)) else v for k, v in data.items()}
    if isinstance(data, list):
        return [plain(item) for item in data]
    return data


def total(obj: Any) -> int:
    return int(plain(obj)["total"])


def ids(obj: Any) -> list[str]:
    return [row["$id"] for row in plain(obj)["rows"]]


def fails(call, *args, **kwargs) -> AppwriteException:
    """Run an SDK call that must fail with an AppwriteException; return it."""
    with pytest.raises(AppwriteException) as info:
        call(*args, **kwargs)
    return info.value


def new_id(prefix: str) -> str:
    return f"{prefix}{secrets.token_hex(4)}"


def new_database(emulator, prefix: str, name: str) -> str:
    """A new database made with the admin key; its (random) id."""
    from appwrite.services.tables_db import TablesDB

    database_id = new_id(prefix)
    TablesDB(emulator.client().set_key(emulator.api_key)).create(database_id, name)
    return database_id
