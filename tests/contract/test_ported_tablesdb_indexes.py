"""TablesDB indexes, index-related column rules and the string column types, server side.

Ported from appwrite/appwrite `tests/e2e/Services/Databases/DatabasesBase.php` (1.9.6, legacy
routes → TablesDB routes; its Movies table without the relationship column) and
`TablesDB/DatabasesStringTypesTest.php` (commit 60a0b66). Split from
`test_ported_tablesdb_schema.py` so the two files run in parallel.
"""

from __future__ import annotations

import pytest

from tests.contract.conftest import appwrite, deliberate, raw_only
from tests.contract.harness import Q

BASE = "Databases/DatabasesBase.php"
STRINGS = "Databases/TablesDB/DatabasesStringTypesTest.php"
V_STRINGS = "60a0b663b9"


# ------------------------------------------------------------------ columns and indexes (1.9.6)


@pytest.fixture
def movies(api, table):
    """The 1.9.6 suite's Movies table (without its relationship column), with its indexes."""
    database, table_id = table(
        name="Movies",
        permissions=['create("user:someone")'],
        columns=[
            ("string", {"key": "title", "size": 256, "required": True}),
            ("string", {"key": "description", "size": 512, "required": False, "default": ""}),
            ("string", {"key": "tagline", "size": 512, "required": False, "default": ""}),
            ("integer", {"key": "releaseYear", "required": True, "min": 1900, "max": 2200}),
            ("integer", {"key": "duration", "required": False, "min": 60}),
            ("string", {"key": "actors", "size": 256, "required": False, "array": True}),
            ("datetime", {"key": "birthDay", "required": False}),
            (
                "integer",
                {"key": "integers", "required": False, "array": True, "min": 10, "max": 99},
            ),
        ],
    )
    return database, table_id


@appwrite(f"{BASE}::testListAttributes")
def test_list_columns(api, movies):
    database, table_id = movies
    base = f"/tablesdb/{database}/tables/{table_id}/columns"
    r = api.get(base, {"queries": [Q.equal("type", ["string"]), Q.limit(2)]})
    assert r.status == 200
    assert len(r["columns"]) == 2
    r = api.get(
        base, {"queries": [Q.equal("type", ["string"]), Q.limit(2), Q.cursor_after("title")]}
    )
    assert r.status == 200
    assert len(r["columns"]) == 2


@appwrite(f"{BASE}::testListAttributes")
def test_list_columns_select_rejected(api, movies):
    database, table_id = movies
    r = api.get(f"/tablesdb/{database}/tables/{table_id}/columns", {"queries": [Q.select(["key"])]})
    assert r.status == 400
    assert r.type == "general_argument_invalid"


@appwrite(f"{BASE}::testCreateIndexes")
def test_create_indexes(api, movies):
    database, table_id = movies
    base = f"/tablesdb/{database}/tables/{table_id}/indexes"
    r = api.post(base, {"key": "titleIndex", "type": "fulltext", "columns": ["title"]})
    assert r.status == 202
    assert r["type"] == "fulltext"
    assert r["columns"] == ["title"]
    r = api.post(base, {"key": "releaseYear", "type": "key", "columns": ["releaseYear"]})
    assert r.status == 202
    r = api.post(
        base,
        {
            "key": "releaseYearDated",
            "type": "key",
            "columns": ["releaseYear", "$createdAt", "$updatedAt"],
        },
    )
    assert r.status == 202
    assert r["columns"] == ["releaseYear", "$createdAt", "$updatedAt"]
    r = api.post(base, {"key": "birthDay", "type": "key", "columns": ["birthDay"]})
    assert r.status == 202
    assert r["columns"] == ["birthDay"]
    r = api.post(base, {"key": "releaseYearDated2", "type": "fulltext", "columns": ["releaseYear"]})
    assert r.status == 400
    assert r.message == (
        'Attribute "releaseYear" cannot be part of a fulltext index, must be of type string'
    )
    r = api.post(base, {"key": "none", "type": "key", "columns": []})
    assert r.status == 400
    assert r.message == "No attributes provided for index"
    r = api.post(
        base, {"key": "duplicate", "type": "fulltext", "columns": ["releaseYear", "releaseYear"]}
    )
    assert r.status == 400
    assert r.message == "Duplicate attributes provided"


@appwrite(f"{BASE}::testCreateIndexes")
def test_create_index_too_long(api, movies):
    database, table_id = movies
    r = api.post(
        f"/tablesdb/{database}/tables/{table_id}/indexes",
        {"key": "tooLong", "type": "key", "columns": ["description", "tagline"]},
    )
    assert r.status == 400
    assert "Index length is longer than the maximum" in r.message


@appwrite(f"{BASE}::testCreateIndexes")
def test_create_index_on_array_column(api, movies):
    database, table_id = movies
    base = f"/tablesdb/{database}/tables/{table_id}/indexes"
    for body in (
        {"key": "index-actors", "type": "key", "columns": ["actors"]},
        {
            "key": "index-ip-actors",
            "type": "key",
            "columns": ["releaseYear", "actors"],
            "orders": ["DESC", "DESC"],
        },
    ):
        r = api.post(base, body)
        assert r.status == 400
        assert r.message == "Creating indexes on array attributes is not currently supported."


@appwrite(f"{BASE}::testCreateIndexes")
def test_create_fulltext_index_on_array_column(api, movies):
    database, table_id = movies
    r = api.post(
        f"/tablesdb/{database}/tables/{table_id}/indexes",
        {"key": "ft", "type": "fulltext", "columns": ["actors"]},
    )
    assert r.status == 400
    assert r.message == "Creating indexes on array attributes is not currently supported."


@appwrite(f"{BASE}::testGetIndexByKeyWithLengths")
def test_get_index_by_key_with_lengths(api, movies):
    database, table_id = movies
    base = f"/tablesdb/{database}/tables/{table_id}/indexes"
    r = api.post(
        base,
        {
            "key": "lengthTestIndex",
            "type": "key",
            "columns": ["title", "description"],
            "lengths": [128, 200],
        },
    )
    assert r.status == 202
    r = api.get(f"{base}/lengthTestIndex")
    assert r.status == 200
    assert r["key"] == "lengthTestIndex"
    assert r["lengths"] == [128, 200]
    r = api.post(
        base, {"key": "lengthOverride", "type": "key", "columns": ["actors"], "lengths": [120]}
    )
    assert r.status == 400
    assert r.message == "Creating indexes on array attributes is not currently supported."
    r = api.post(base, {"key": "negative", "type": "key", "columns": ["title"], "lengths": [-1]})
    assert r.status == 400


@appwrite(f"{BASE}::testGetIndexByKeyWithLengths")
def test_index_more_lengths_than_columns(api, movies):
    database, table_id = movies
    r = api.post(
        f"/tablesdb/{database}/tables/{table_id}/indexes",
        {"key": "lengthCount", "type": "key", "columns": ["title"], "lengths": [128, 128]},
    )
    assert r.status == 400


@appwrite(f"{BASE}::testGetIndexByKeyWithLengths")
def test_index_lengths_too_large(api, movies):
    database, table_id = movies
    r = api.post(
        f"/tablesdb/{database}/tables/{table_id}/indexes",
        {
            "key": "lengthTooLarge",
            "type": "key",
            "columns": ["title", "description", "tagline", "actors"],
            "lengths": [256, 256, 256, 20],
        },
    )
    assert r.status == 400


@appwrite(f"{BASE}::testListIndexes")
def test_list_indexes(api, movies):
    database, table_id = movies
    base = f"/tablesdb/{database}/tables/{table_id}/indexes"
    for key in ("releaseYear", "birthDay"):
        api.post(base, {"key": key, "type": "key", "columns": [key]})
    api.post(base, {"key": "titleIndex", "type": "fulltext", "columns": ["title"]})
    r = api.get(base, {"queries": [Q.equal("type", ["key"]), Q.limit(2)]})
    assert r.status == 200
    assert len(r["indexes"]) == 2


@appwrite(f"{BASE}::testListIndexes")
def test_list_indexes_select_rejected(api, movies):
    database, table_id = movies
    r = api.get(f"/tablesdb/{database}/tables/{table_id}/indexes", {"queries": [Q.select(["key"])]})
    assert r.status == 400
    assert r.type == "general_argument_invalid"


@appwrite(f"{BASE}::testCreateIndexes")
def test_index_on_unknown_column(api, movies):
    database, table_id = movies
    r = api.post(
        f"/tablesdb/{database}/tables/{table_id}/indexes",
        {"key": "ghost", "type": "key", "columns": ["ghost"]},
    )
    assert r.status == 400
    assert r.type == "column_unknown"
    assert r.message == (
        "The column 'ghost' required for the index could not be found. Please confirm all your "
        "columns are in the available state."
    )


# ------------------------------------------------------------------ string types


STRING_TABLE = [
    ("varchar", {"key": "varchar_field", "size": 255, "required": False}),
    ("varchar", {"key": "varchar_with_default", "size": 100, "required": False, "default": "hi"}),
    ("text", {"key": "text_field", "required": False}),
    ("mediumtext", {"key": "mediumtext_field", "required": False}),
    ("longtext", {"key": "longtext_field", "required": False}),
]


@appwrite(f"{STRINGS}::testCreateVarcharColumn", V_STRINGS)
def test_create_varchar_column(api, table):
    database, table_id = table()
    base = f"/tablesdb/{database}/tables/{table_id}/columns/varchar"
    r = api.post(base, {"key": "varchar_field", "size": 255, "required": False})
    assert r.status == 202
    assert (r["key"], r["type"], r["size"], r["required"]) == (
        "varchar_field",
        "varchar",
        255,
        False,
    )
    assert r["default"] is None
    r = api.post(
        base, {"key": "with_default", "size": 100, "required": False, "default": "hello world"}
    )
    assert r.status == 202
    assert r["default"] == "hello world"
    r = api.post(base, {"key": "varchar_required", "size": 50, "required": True})
    assert r["required"] is True
    r = api.post(base, {"key": "varchar_array", "size": 64, "required": False, "array": True})
    assert r["array"] is True
    r = api.post(base, {"key": "varchar_min", "size": 1, "required": False})
    assert r.status == 202
    assert r["size"] == 1


@appwrite(f"{STRINGS}::testCreateVarcharColumnFailures", V_STRINGS)
def test_create_varchar_column_failures(api, table):
    database, table_id = table(
        columns=[("varchar", {"key": "varchar_field", "size": 9, "required": False})]
    )
    base = f"/tablesdb/{database}/tables/{table_id}/columns/varchar"
    for body in (
        {"key": "varchar_zero", "size": 0, "required": False},
        {"key": "varchar_negative", "size": -10, "required": False},
        {"key": "varchar_too_large", "size": 16382, "required": False},
        {"key": "varchar_default", "size": 5, "required": False, "default": "far too long"},
    ):
        assert api.post(base, body).status == 400, body
    assert api.post(base, {"key": "varchar_field", "size": 100, "required": False}).status == 409


@appwrite(f"{STRINGS}::testCreateVarcharColumnFailures", V_STRINGS)
@raw_only("the SDK refuses to send a call without the required size")
def test_create_varchar_column_without_size(api, table):
    database, table_id = table()
    r = api.post(
        f"/tablesdb/{database}/tables/{table_id}/columns/varchar",
        {"key": "varchar_no_size", "required": False},
    )
    assert r.status == 400


@appwrite(f"{STRINGS}::testCreateTextColumn", V_STRINGS)
@pytest.mark.parametrize("kind", ["text", "mediumtext", "longtext"])
def test_create_text_columns(api, table, kind):
    database, table_id = table()
    base = f"/tablesdb/{database}/tables/{table_id}/columns/{kind}"
    r = api.post(base, {"key": f"{kind}_field", "required": False})
    assert r.status == 202
    assert (r["key"], r["type"], r["required"]) == (f"{kind}_field", kind, False)
    r = api.post(base, {"key": f"{kind}_default", "required": False, "default": "Default content"})
    assert r.status == 202
    assert r["default"] == "Default content"
    assert api.post(base, {"key": f"{kind}_required", "required": True})["required"] is True
    r = api.post(base, {"key": f"{kind}_array", "required": False, "array": True})
    assert r["array"] is True


@appwrite(f"{STRINGS}::testUpdateVarcharColumn", V_STRINGS)
def test_update_varchar_column(api, table):
    database, table_id = table(columns=STRING_TABLE)
    base = f"/tablesdb/{database}/tables/{table_id}/columns/varchar"
    r = api.patch(f"{base}/varchar_with_default", {"required": False, "default": "updated default"})
    assert r.status == 200
    assert r["default"] == "updated default"
    r = api.patch(f"{base}/varchar_field", {"required": True, "default": None})
    assert r.status == 200
    assert r["required"] is True


@appwrite(f"{STRINGS}::testCreateRowWithStringTypes", V_STRINGS)
def test_create_row_with_string_types(api, table):
    database, table_id = table(columns=STRING_TABLE)
    data = {
        "varchar_field": "v" * 255,
        "text_field": "t" * 5000,
        "mediumtext_field": "m" * 70000,
        "longtext_field": "l" * 100000,
    }
    r = api.post(
        f"/tablesdb/{database}/tables/{table_id}/rows", {"rowId": "unique()", "data": data}
    )
    assert r.status == 201
    for key, value in data.items():
        assert r[key] == value
    assert r["varchar_with_default"] == "hi"
    r = api.post(
        f"/tablesdb/{database}/tables/{table_id}/rows",
        {"rowId": "unique()", "data": {"varchar_field": "v" * 256}},
    )
    assert r.status == 400
    assert r.type == "row_invalid_structure"


@appwrite("src: Databases/Http/TablesDB/Tables/Columns (routes per type)")
@deliberate("relationship and spatial columns are not supported (docs/emulator.md)")
def test_relationship_and_spatial_columns(api):
    raise AssertionError("relationship/spatial columns")
