"""Provisioning TablesDB from appwrite.json: everything the manifest declares, idempotent,
additive."""

from __future__ import annotations

import json
import pathlib

from appwrite.query import Query
from appwrite.services.tables_db import TablesDB

from emulator.core.state import EmulatorState
from emulator.services.tablesdb.provision import provision
from emulator.services.tablesdb.registry import Registry
from tests.emulator.conftest import MANIFEST
from tests.emulator.tablesdb_support import fails, ids, plain


def test_the_session_emulator_has_the_manifest_schema(admin_client):
    manifest = json.loads(MANIFEST.read_text())
    tdb = TablesDB(admin_client)
    for spec in manifest["tables"]:
        table = plain(tdb.get_table(spec["databaseId"], spec["$id"]))
        assert table["rowSecurity"] == spec["rowSecurity"]
        assert [c["key"] for c in table["columns"]] == [c["key"] for c in spec["columns"]]
        assert [i["key"] for i in table["indexes"]] == [i["key"] for i in spec["indexes"]]
    articles = plain(tdb.get_table("newsroom", "articles"))
    status = next(c for c in articles["columns"] if c["key"] == "status")
    assert (status["type"], status["format"], status["elements"]) == (
        "string",
        "enum",
        ["draft", "scheduled", "published", "archived"],
    )
    # the fulltext index makes search work, the unique index holds
    tdb.create_row(
        "newsroom",
        "articles",
        "prov1",
        {
            "title": "Provisioned search works",
            "body": "b",
            "authorId": "u1",
            "status": "draft",
            "slug": "prov-1",
        },
    )
    assert ids(tdb.list_rows("newsroom", "articles", [Query.search("title", "provision")])) == [
        "prov1"
    ]
    error = fails(
        tdb.create_row,
        "newsroom",
        "articles",
        "prov2",
        {"title": "t", "body": "b", "authorId": "u1", "status": "draft", "slug": "prov-1"},
    )
    assert error.type == "row_unique_constraint_violation"
    tdb.delete_row("newsroom", "articles", "prov1")


def _manifest(tmp_path: pathlib.Path, tables: list[dict]) -> pathlib.Path:
    data = json.loads(MANIFEST.read_text())
    path = tmp_path / "appwrite.json"
    path.write_text(
        json.dumps({"projectId": data["projectId"], "tablesDB": data["tablesDB"], "tables": tables})
    )
    return path


def test_rerun_is_idempotent_and_adds_new_columns_and_indexes(tmp_path):
    data = json.loads(MANIFEST.read_text())
    profiles = next(t for t in data["tables"] if t["$id"] == "profiles")
    state = EmulatorState.open(tmp_path / "data", "newsroom")
    try:
        first = provision(state, _manifest(tmp_path, [profiles]))
        assert first.databases == ["newsroom"] and first.tables == ["newsroom/profiles"]
        assert len(first.columns) == len(profiles["columns"])
        again = provision(state, _manifest(tmp_path, [profiles]))
        assert (again.databases, again.tables, again.columns, again.indexes) == ([], [], [], [])
        grown = dict(
            profiles,
            columns=profiles["columns"]
            + [
                {
                    "key": "website",
                    "type": "string",
                    "format": "url",
                    "size": 2000,
                    "required": False,
                }
            ],
            indexes=[
                {"key": "by_name", "type": "key", "columns": ["displayName"], "orders": ["ASC"]}
            ],
            **{"$permissions": ['read("users")']},
        )
        third = provision(state, _manifest(tmp_path, [grown]))
        assert third.columns == ["newsroom/profiles/website"] and third.indexes == [
            "newsroom/profiles/by_name"
        ]
        meta = Registry(state.db).get_table("newsroom", "profiles")
        assert meta.column("website")["format"] == "url"
        assert meta.permissions == ['read("users")']
    finally:
        state.db.close()
