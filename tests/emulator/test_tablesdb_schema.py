"""TablesDB databases, tables, columns and indexes through the real SDK."""

from __future__ import annotations

import pytest
from appwrite.id import ID
from appwrite.permission import Permission
from appwrite.query import Query
from appwrite.role import Role
from appwrite.services.tables_db import TablesDB

from tests.emulator.tablesdb_support import fails, new_database, new_id, plain


def _deprecated(call, *args):
    """Call an SDK method that warns it is deprecated (the legacy `string` column)."""
    with pytest.warns(DeprecationWarning):
        return call(*args)


@pytest.fixture(scope="module")
def db_id(emulator):
    return new_database(emulator, "schema", "Schema tests")


@pytest.fixture
def table_id(tdb, db_id):
    table_id = new_id("t")
    tdb.create_table(db_id, table_id, "T")
    return table_id


def test_database_lifecycle(tdb):
    database_id = new_id("db")
    created = plain(tdb.create(database_id, "Main"))
    assert (
        created["$id"] == database_id
        and created["type"] == "tablesdb"
        and created["enabled"] is True
    )
    assert created["$createdAt"].endswith("+00:00") and len(created["$createdAt"]) == 29
    assert plain(tdb.get(database_id))["name"] == "Main"
    listed = plain(tdb.list(queries=[Query.equal("name", "Main")]))
    assert database_id in [d["$id"] for d in listed["databases"]]
    assert plain(tdb.update(database_id, "Renamed"))["name"] == "Renamed"
    error = fails(tdb.create, database_id, "Again")
    assert (error.code, error.type) == (409, "database_already_exists")
    tdb.delete(database_id)
    error = fails(tdb.get, database_id)
    assert (error.code, error.type) == (404, "database_not_found")
    assert error.message == f"Database with the requested ID '{database_id}' could not be found."


def test_unique_ids_and_invalid_ids(tdb):
    created = plain(tdb.create(ID.unique(), "Generated"))
    assert len(created["$id"]) == 20
    for bad in ("x" * 37, "_leading", "has space", "a$b"):
        error = fails(tdb.create, bad, "Bad")
        assert (error.code, error.type) == (400, "general_argument_invalid")
        assert error.message.startswith(
            "Invalid `databaseId` param: Parameter must contain at most 36 chars."
        )


def test_table_lifecycle(tdb, db_id):
    table_id = new_id("t")
    table = plain(
        tdb.create_table(
            db_id,
            table_id,
            "Tasks",
            permissions=[Permission.write(Role.users())],
            row_security=True,
        )
    )
    assert table["$permissions"] == ['create("users")', 'update("users")', 'delete("users")']
    assert (table["rowSecurity"], table["enabled"], table["databaseId"]) == (True, True, db_id)
    assert (table["bytesMax"], table["bytesUsed"], table["columns"], table["indexes"]) == (
        65535,
        1067,
        [],
        [],
    )
    assert table_id in [t["$id"] for t in plain(tdb.list_tables(db_id))["tables"]]
    updated = plain(tdb.update_table(db_id, table_id, "Renamed"))
    assert (
        updated["name"] == "Renamed" and updated["rowSecurity"] is False
    )  # Appwrite resets it when omitted
    assert updated["$permissions"] == table["$permissions"]  # kept when omitted
    error = fails(tdb.create_table, db_id, table_id, "Again")
    assert (error.code, error.type) == (409, "table_already_exists")
    tdb.delete_table(db_id, table_id)
    error = fails(tdb.get_table, db_id, table_id)
    assert (error.code, error.type) == (404, "table_not_found")
    error = fails(tdb.create_table, db_id, "t2", "X", permissions=['create("role:all")'])
    assert error.type == "general_argument_invalid" and "role:" in error.message


def test_every_column_type_has_its_model(tdb, db_id, table_id):
    t = (db_id, table_id)
    models = [
        tdb.create_varchar_column(*t, "v", 100, False, default="x"),
        tdb.create_text_column(*t, "tx", False),
        tdb.create_mediumtext_column(*t, "mt", False),
        tdb.create_longtext_column(*t, "lt", False),
        _deprecated(tdb.create_string_column, *t, "s", 50, False),
        tdb.create_integer_column(*t, "i", False, min=0, max=100, default=5),
        tdb.create_float_column(*t, "f", False, min=0.5, max=9.5),
        tdb.create_boolean_column(*t, "b", False, default=True),
        tdb.create_datetime_column(*t, "d", False, default="2026-01-01T10:00:00+02:00"),
        tdb.create_email_column(*t, "e", False),
        tdb.create_url_column(*t, "u", False),
        tdb.create_ip_column(*t, "ip", False),
        tdb.create_enum_column(*t, "en", ["a", "b"], False, default="a"),
        tdb.create_varchar_column(*t, "tags", 10, False, array=True),
    ]
    got = {m["key"]: m for m in map(plain, models)}
    assert [(got[k]["type"], got[k].get("format")) for k in ("f", "e", "u", "ip", "en", "d")] == [
        ("double", None),
        ("string", "email"),
        ("string", "url"),
        ("string", "ip"),
        ("string", "enum"),
        ("datetime", "datetime"),
    ]
    assert got["v"]["size"] == 100 and got["v"]["default"] == "x"
    assert (got["i"]["min"], got["i"]["max"], got["i"]["default"]) == (0, 100, 5)
    assert got["d"]["default"] == "2026-01-01T08:00:00.000+00:00"
    assert got["en"]["elements"] == ["a", "b"] and got["tags"]["array"] is True
    assert all(m["status"] == "available" for m in got.values())
    for key, model in got.items():
        assert plain(tdb.get_column(db_id, table_id, key))["type"] == model["type"]
    listed = plain(tdb.list_columns(db_id, table_id))
    assert listed["total"] == len(models)
    table = plain(tdb.get_table(db_id, table_id))
    # base + varchar(100) 4n+1, 3 texts, string(50), int, double, bool, datetime, email(254),
    # url(2000), ip(39), enum(255), array
    assert (
        table["bytesUsed"]
        == 1067 + 401 + 20 * 3 + 201 + 4 + 8 + 1 + 7 + 1017 + 8002 + 157 + 1021 + 20
    )


def test_default_integer_bounds_and_width(tdb, db_id, table_id):
    big = plain(tdb.create_integer_column(db_id, table_id, "big", False))
    # PHP_INT_MIN/MAX on the wire (SDK 27 models hold them as floats)
    assert (float(big["min"]), float(big["max"])) == (float(-(2**63)), float(2**63 - 1))


def test_update_and_rename_column(tdb, db_id, table_id):
    tdb.create_integer_column(db_id, table_id, "n", False, min=0, max=10)
    updated = plain(
        tdb.update_integer_column(db_id, table_id, "n", False, 3, min=0, max=20, new_key="count")
    )
    assert (updated["key"], updated["max"], updated["default"]) == ("count", 20, 3)
    assert fails(tdb.get_column, db_id, table_id, "n").type == "column_not_found"
    tdb.create_varchar_column(db_id, table_id, "name", 10, True)
    renamed = plain(tdb.update_varchar_column(db_id, table_id, "name", False, "anon", size=20))
    assert (renamed["size"], renamed["required"], renamed["default"]) == (20, False, "anon")


@pytest.mark.parametrize(
    "create, kind, message",
    [
        (
            lambda t, a: t.create_integer_column(*a, "x", False, min=5, max=1),
            "column_value_invalid",
            "Minimum value must be lesser than maximum value",
        ),
        (
            lambda t, a: t.create_integer_column(*a, "x", False, min=0, max=5, default=9),
            "column_value_invalid",
            "Value must be a valid range between 0 and 5",
        ),
        (
            lambda t, a: t.create_varchar_column(*a, "x", 10, True, default="a"),
            "column_default_unsupported",
            "Cannot set default value for required column",
        ),
        (
            lambda t, a: t.create_varchar_column(*a, "x", 10, False, default="a", array=True),
            "column_default_unsupported",
            "Cannot set default value for array columns",
        ),
        (
            lambda t, a: t.create_enum_column(*a, "x", ["a"], False, default="z"),
            "column_value_invalid",
            "Default value not found in elements",
        ),
        (
            lambda t, a: t.create_varchar_column(*a, "x", 3, False, default="long"),
            "column_value_invalid",
            "Value must be a valid string and no longer than 3 chars",
        ),
        (
            lambda t, a: t.create_email_column(*a, "x", False, default="nope"),
            "general_argument_invalid",
            "Invalid `default` param: Value must be a valid email address",
        ),
        (
            lambda t, a: t.create_varchar_column(*a, "x", 16382, False),
            "general_argument_invalid",
            "Invalid `size` param: Value must be a valid range between 1 and 16,381",
        ),
        (
            lambda t, a: t.create_varchar_column(*a, "$x", 10, False),
            "general_argument_invalid",
            "Invalid `key` param: Parameter must contain at most 36 chars. Valid chars are a-z, "
            "A-Z, 0-9, period, hyphen, and underscore. Can't start with a special char",
        ),
        (
            lambda t, a: t.create_varchar_column(*a, "x; DROP TABLE y", 10, False),
            "general_argument_invalid",
            None,
        ),
    ],
)
def test_column_definition_errors(tdb, db_id, table_id, create, kind, message):
    error = fails(create, tdb, (db_id, table_id))
    assert (error.code, error.type) == (400, kind)
    if message:
        assert error.message == message


def test_row_width_limit(tdb, db_id, table_id):
    error = fails(tdb.create_varchar_column, db_id, table_id, "huge", 16381, False)
    assert (error.code, error.type) == (400, "column_limit_exceeded")
    assert plain(tdb.create_varchar_column(db_id, table_id, "fits", 16116, False))["size"] == 16116


def test_duplicate_and_missing_columns(tdb, db_id, table_id):
    tdb.create_boolean_column(db_id, table_id, "flag", False)
    error = fails(tdb.create_boolean_column, db_id, table_id, "flag", False)
    assert (error.code, error.type) == (409, "column_already_exists")
    error = fails(tdb.delete_column, db_id, table_id, "ghost")
    assert (error.code, error.type, error.message) == (
        404,
        "column_not_found",
        "Column with the requested key 'ghost' could not be found.",
    )
    tdb.delete_column(db_id, table_id, "flag")
    assert plain(tdb.list_columns(db_id, table_id))["total"] == 0


def test_indexes(tdb, db_id, table_id):
    t = (db_id, table_id)
    tdb.create_varchar_column(*t, "title", 100, False)
    tdb.create_varchar_column(*t, "tags", 10, False, array=True)
    index = plain(tdb.create_index(*t, "by_title", "key", ["title"], ["DESC"]))
    assert (index["$id"], index["type"], index["columns"], index["orders"], index["status"]) == (
        "by_title",
        "key",
        ["title"],
        ["DESC"],
        "available",
    )
    assert (
        plain(tdb.create_index(*t, "uniq", "unique", ["title", "$createdAt"]))["type"] == "unique"
    )
    assert plain(tdb.create_index(*t, "ft", "fulltext", ["title"]))["type"] == "fulltext"
    assert plain(tdb.get_index(*t, "ft"))["columns"] == ["title"]
    assert plain(tdb.list_indexes(*t))["total"] == 3
    assert [i["key"] for i in plain(tdb.get_table(*t))["indexes"]] == ["by_title", "uniq", "ft"]
    assert (
        fails(tdb.create_index, *t, "by_title", "key", ["title"]).type
        == "column_index_already_exists"
    )
    assert fails(tdb.create_index, *t, "bad", "key", ["ghost"]).type == "column_unknown"
    assert fails(tdb.create_index, *t, "arr", "key", ["tags"]).type == "column_index_invalid"
    for key in ("by_title", "ft"):
        tdb.delete_index(*t, key)
    assert fails(tdb.get_index, *t, "ft").type == "column_index_not_found"
    # Appwrite on MariaDB: a column in an index can be deleted; the index loses it
    tdb.delete_column(*t, "title")
    assert [(i["key"], i["columns"]) for i in plain(tdb.list_indexes(*t))["indexes"]] == [
        ("uniq", ["$createdAt"])
    ]


def test_indexes_follow_renamed_and_deleted_columns(tdb, db_id, table_id):
    """A rename carries the indexes along (the fulltext one keeps searching); a delete
    drops single-column indexes and shrinks the others (Appwrite's databases worker)."""
    t = (db_id, table_id)
    tdb.create_varchar_column(*t, "title", 100, False)
    tdb.create_varchar_column(*t, "kind", 10, False)
    tdb.create_index(*t, "ft", "fulltext", ["title"])
    tdb.create_index(*t, "pair", "key", ["kind", "title"], ["ASC", "DESC"])
    tdb.create_row(*t, "r1", {"title": "Hello world", "kind": "news"})
    tdb.update_varchar_column(*t, "title", False, None, new_key="headline")
    indexes = {i["key"]: i for i in plain(tdb.list_indexes(*t))["indexes"]}
    assert (indexes["ft"]["columns"], indexes["pair"]["columns"]) == (
        ["headline"],
        ["kind", "headline"],
    )
    found = plain(tdb.list_rows(*t, [Query.search("headline", "world")]))
    assert [r["$id"] for r in found["rows"]] == ["r1"]
    tdb.create_row(*t, "r2", {"headline": "Another world", "kind": "news"})
    tdb.delete_column(*t, "headline")
    indexes = plain(tdb.list_indexes(*t))["indexes"]
    assert [(i["key"], i["columns"], i["orders"]) for i in indexes] == [("pair", ["kind"], ["ASC"])]
    assert plain(tdb.list_rows(*t, [Query.equal("kind", "news")]))["total"] == 2


def test_inline_columns_and_indexes_on_create(tdb, db_id):
    table_id = new_id("inline")
    table = plain(
        tdb.create_table(
            db_id,
            table_id,
            "Inline",
            columns=[
                {"key": "title", "type": "varchar", "size": 50, "required": True},
                {"key": "kind", "type": "enum", "elements": ["a", "b"], "required": False},
                {"key": "n", "type": "integer", "required": False, "min": 0, "max": 9},
            ],
            indexes=[{"key": "by_n", "type": "key", "attributes": ["n"]}],
        )
    )
    assert [c["key"] for c in table["columns"]] == ["title", "kind", "n"]
    assert table["columns"][1]["format"] == "enum"
    assert [i["key"] for i in table["indexes"]] == ["by_n"]


def test_schema_routes_need_key_scopes(make_user, user_client, db_id):
    user, _ = make_user()
    as_user = TablesDB(user_client(user))
    error = fails(as_user.create_table, db_id, "nope", "Nope")
    assert (error.code, error.type) == (401, "general_unauthorized_scope")
    assert '(role: users) missing scopes (["tables.write","collections.write"])' in error.message
    error = fails(as_user.list)
    assert (error.code, error.type) == (401, "general_unauthorized_scope")


def test_bigint_columns(tdb, db_id, table_id):
    """SDK 27's `create_big_int_column` (Appwrite HEAD); 15.x has no such method."""
    if not hasattr(tdb, "create_big_int_column"):
        pytest.skip("this SDK version has no bigint columns")
    model = plain(tdb.create_big_int_column(db_id, table_id, "big", False, min=0, max=2**62))
    assert (model["type"], float(model["max"])) == ("bigint", float(2**62))
    row = plain(tdb.create_row(db_id, table_id, "r1", {"big": 2**61}))
    assert row["big"] == 2**61
    assert plain(tdb.get_column(db_id, table_id, "big"))["type"] == "bigint"


def test_inline_definitions_are_validated_like_routes(tdb, db_id):
    error = fails(
        tdb.create_table,
        db_id,
        new_id("bad"),
        "Bad",
        columns=[{"key": "title", "type": "varchar", "size": "big", "required": False}],
    )
    assert (error.code, error.type) == (400, "general_argument_invalid")
    assert error.message.startswith("Invalid `size` param:")
    error = fails(
        tdb.create_table, db_id, new_id("bad"), "Bad", columns=[{"key": "x", "type": "polygon"}]
    )
    assert error.type == "column_type_invalid"


def test_keys_clash_case_insensitively(tdb, db_id, table_id):
    tdb.create_varchar_column(db_id, table_id, "Title", 10, False)
    error = fails(tdb.create_varchar_column, db_id, table_id, "title", 10, False)
    assert (error.code, error.type) == (409, "column_already_exists")
    renamed = plain(
        tdb.update_varchar_column(db_id, table_id, "Title", False, None, new_key="TITLE")
    )
    assert renamed["key"] == "TITLE"
    tdb.create_index(db_id, table_id, "IX", "key", ["TITLE"])
    assert (
        fails(tdb.create_index, db_id, table_id, "ix", "key", ["TITLE"]).type
        == "column_index_already_exists"
    )
