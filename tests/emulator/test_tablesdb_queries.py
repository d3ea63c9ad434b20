"""Row queries through the real SDK: every method, pagination, totals, search, errors,
hostile input."""

from __future__ import annotations

import json

import httpx
import pytest
from appwrite.query import Query
from appwrite.services.tables_db import TablesDB

from emulator.core.query import parse_queries, plan_queries
from tests.emulator.tablesdb_support import fails, ids, new_id, plain, total

ROWS = [
    {
        "$id": "a",
        "title": "Hello world",
        "n": 1,
        "score": 0.5,
        "done": True,
        "due": "2026-01-01T00:00:00.000+00:00",
        "tags": ["x", "y"],
        "body": "first",
    },
    {
        "$id": "b",
        "title": "Hello there",
        "n": 2,
        "score": 1.5,
        "done": False,
        "due": "2026-02-01T00:00:00.000+00:00",
        "tags": ["y"],
        "body": "second",
    },
    {
        "$id": "c",
        "title": "Goodbye 100%",
        "n": 3,
        "score": 2.5,
        "done": False,
        "tags": [],
        "body": "third",
    },
    {"$id": "d", "title": "Another world", "n": None, "body": None},
]


@pytest.fixture(scope="module")
def table(emulator):
    tdb = TablesDB(emulator.client().set_key(emulator.api_key))
    database_id, table_id = new_id("q"), "items"
    t = (database_id, table_id)
    tdb.create(database_id, "Queries")
    tdb.create_table(database_id, table_id, "Items")
    tdb.create_varchar_column(*t, "title", 50, True)
    tdb.create_integer_column(*t, "n", False)
    tdb.create_float_column(*t, "score", False)
    tdb.create_boolean_column(*t, "done", False)
    tdb.create_datetime_column(*t, "due", False)
    tdb.create_varchar_column(*t, "tags", 10, False, array=True)
    tdb.create_text_column(*t, "body", False)
    tdb.create_index(*t, "by_n", "key", ["n"])
    tdb.create_index(*t, "title_ft", "fulltext", ["title"])
    tdb.create_rows(*t, ROWS)
    return t


@pytest.mark.parametrize(
    "query, expected",
    [
        (Query.equal("title", "Hello world"), ["a"]),
        (Query.equal("n", [1, 3]), ["a", "c"]),
        (Query.not_equal("n", 1), ["b", "c"]),
        (Query.less_than("n", 2), ["a"]),
        (Query.less_than_equal("score", 1.5), ["a", "b"]),
        (Query.greater_than("n", 1), ["b", "c"]),
        (Query.greater_than_equal("n", 2), ["b", "c"]),
        (Query.between("n", 2, 3), ["b", "c"]),
        (Query.not_between("n", 2, 3), ["a"]),
        (Query.is_null("n"), ["d"]),
        (Query.is_not_null("due"), ["a", "b"]),
        (Query.starts_with("title", "Hello"), ["a", "b"]),
        (Query.ends_with("title", "world"), ["a", "d"]),
        (Query.not_starts_with("title", "Hello"), ["c", "d"]),
        (Query.not_ends_with("title", "world"), ["b", "c"]),
        (Query.contains("title", "100%"), ["c"]),
        (Query.contains("tags", "y"), ["a", "b"]),
        (Query.contains("tags", ["x", "nope"]), ["a"]),
        (Query.not_contains("tags", "y"), ["c"]),
        (Query.search("title", "hello"), ["a", "b"]),
        (Query.search("title", "wor"), ["a", "d"]),
        (Query.not_search("title", "hello"), ["c", "d"]),
        (Query.equal("done", False), ["b", "c"]),
        (Query.greater_than("due", "2026-01-15"), ["b"]),
        (Query.or_queries([Query.equal("n", 1), Query.is_null("n")]), ["a", "d"]),
        (Query.and_queries([Query.greater_than("n", 1), Query.less_than("n", 3)]), ["b"]),
        (Query.equal("$id", ["b", "d"]), ["b", "d"]),
        (Query.created_after("2000-01-01T00:00:00.000+00:00"), ["a", "b", "c", "d"]),
        (Query.created_before("2000-01-01T00:00:00.000+00:00"), []),
        (
            Query.updated_between("2000-01-01T00:00:00.000+00:00", "9000-01-01T00:00:00.000+00:00"),
            ["a", "b", "c", "d"],
        ),
    ],
)
def test_filters(tdb, table, query, expected):
    result = tdb.list_rows(*table, [query])
    assert sorted(ids(result)) == expected
    assert total(result) == len(expected)


def _get(emulator, path: str, params: list) -> httpx.Response:
    return httpx.get(
        f"{emulator.endpoint}{path}",
        params=params,
        headers={"x-appwrite-project": emulator.project_id, "x-appwrite-key": emulator.api_key},
    )


def test_order_limit_offset_and_total(tdb, table, emulator):
    assert ids(tdb.list_rows(*table)) == ["a", "b", "c", "d"]  # default order: $sequence
    assert ids(tdb.list_rows(*table, [Query.order_desc("n")])) == ["c", "b", "a", "d"]
    assert ids(tdb.list_rows(*table, [Query.order_asc("title")])) == ["d", "c", "b", "a"]
    page = tdb.list_rows(*table, [Query.limit(2), Query.offset(1)])
    assert ids(page) == ["b", "c"] and total(page) == 4
    # SDK 15.3 would send Python's `False` verbatim; the wire form Appwrite reads is `false`.
    answer = _get(emulator, f"/tablesdb/{table[0]}/tables/{table[1]}/rows", [("total", "false")])
    assert answer.json()["total"] == 0 and len(answer.json()["rows"]) == 4


def test_cursor_pagination(tdb, table):
    order = [Query.order_desc("score"), Query.limit(2)]
    first = ids(tdb.list_rows(*table, order + [Query.is_not_null("score")]))
    assert first == ["c", "b"]
    assert ids(
        tdb.list_rows(*table, order + [Query.is_not_null("score"), Query.cursor_after("b")])
    ) == ["a"]
    assert ids(tdb.list_rows(*table, [Query.cursor_before("c")])) == ["a", "b"]
    error = fails(tdb.list_rows, *table, [Query.cursor_after("ghost")])
    assert (error.code, error.type, error.message) == (
        400,
        "general_cursor_not_found",
        "Row 'ghost' for the 'cursor' value not found.",
    )
    error = fails(tdb.list_rows, *table, [Query.order_asc("n"), Query.cursor_after("d")])
    assert error.type == "database_query_order_null"


def test_encrypted_columns_cannot_be_queried(tdb, table):
    tdb.create_varchar_column(*table, "secret", 200, False, encrypt=True)
    error = fails(tdb.list_rows, *table, [Query.equal("secret", "x")])
    assert (error.type, error.message) == (
        "general_query_invalid",
        "Invalid query: Cannot query encrypted attribute: secret",
    )
    tdb.delete_column(*table, "secret")


def test_select(tdb, table):
    rows = plain(tdb.list_rows(*table, [Query.select(["title"]), Query.limit(1)]))["rows"]
    assert set(rows[0]) == {
        "$id",
        "$sequence",
        "$createdAt",
        "$updatedAt",
        "$permissions",
        "$databaseId",
        "$tableId",
        "title",
    }


@pytest.mark.parametrize(
    "query, message",
    [
        (Query.equal("ghost", "x"), "Invalid query: Attribute not found in schema: ghost"),
        (Query.equal("n", "1"), 'Invalid query: Query value is invalid for attribute "n"'),
        (Query.search("body", "x"), 'Searching by attribute "body" requires a fulltext index.'),
        (
            Query.equal("tags", "x"),
            'Invalid query: Cannot query equal on attribute "tags" because it is an array.',
        ),
        (Query.regex("title", "^H"), "Invalid query method: regex"),
        ('{"method":"orderRandomly"}', "Invalid query method: orderRandomly"),
        ("not json", "Invalid query: Syntax error"),
        (
            Query.limit(0),
            "Invalid query: Invalid limit: Value must be a valid range between 1 and "
            "9,223,372,036,854,775,807",
        ),
    ],
)
def test_invalid_queries(tdb, table, query, message):
    error = fails(tdb.list_rows, *table, [query])
    assert (error.code, error.type, error.message) == (400, "general_query_invalid", message)


@pytest.mark.parametrize(
    "attribute",
    [
        'title" OR 1=1 --',
        "title; DROP TABLE items",
        "_uid",
        "sqlite_master",
        "n) OR (1",
        "$permissions",
        "",
    ],
)
def test_hostile_attribute_names_are_rejected(tdb, table, attribute):
    error = fails(tdb.list_rows, *table, [Query.equal(attribute, "x")])
    assert (error.code, error.type) == (400, "general_query_invalid")
    assert total(tdb.list_rows(*table)) == 4


@pytest.mark.parametrize(
    "value", ["' OR '1'='1", "x'); DROP TABLE items; --", '" OR ""="', "%", "\\"]
)
def test_hostile_values_are_plain_data(tdb, table, value):
    for query in (
        Query.equal("title", value),
        Query.starts_with("title", value),
        Query.contains("tags", value),
    ):
        assert ids(tdb.list_rows(*table, [query])) == []
    # a search is MariaDB's boolean mode over the value's words: `' OR '1'='1` ends with the
    # word 1, a prefix, which finds "Goodbye 100%" (as on Appwrite); nothing else matches
    found = ids(tdb.list_rows(*table, [Query.search("title", value)]))
    assert found == (["c"] if value == "' OR '1'='1" else [])
    assert total(tdb.list_rows(*table)) == 4


def test_too_many_queries_is_an_argument_error(emulator, table):
    params = [(f"queries[{i}]", Query.limit(1)) for i in range(101)]
    answer = _get(emulator, f"/tablesdb/{table[0]}/tables/{table[1]}/rows", params)
    assert answer.status_code == 400 and answer.json()["type"] == "general_argument_invalid"


def test_indexed_filter_uses_the_sqlite_index(emulator, table):
    tables_db = emulator.running.app.state.tablesdb
    meta = tables_db.registry.get_table(*table)
    plan = plan_queries(parse_queries([Query.equal("n", 2)]), meta.schema())
    details = " ".join(tables_db.rows.explain(meta, plan))
    assert f"USING INDEX tdb_{meta.seq}_ix_by_n" in details, details


def test_total_is_capped_at_5000(emulator, tdb):
    database_id = new_id("cap")
    tdb.create(database_id, "Cap")
    tdb.create_table(database_id, "many", "Many")
    tdb.create_integer_column(database_id, "many", "n", False)
    meta = emulator.running.app.state.tablesdb.registry.get_table(database_id, "many")
    with (
        emulator.state.db.transaction() as conn
    ):  # bulk-load 5001 rows straight into the real table
        conn.executemany(
            f'INSERT INTO {meta.sql} (_uid, _createdAt, _updatedAt, _permissions, "n") '
            "VALUES (?, ?, ?, ?, ?)",
            [
                (
                    f"r{i}",
                    "2026-01-01T00:00:00.000+00:00",
                    "2026-01-01T00:00:00.000+00:00",
                    json.dumps([]),
                    i,
                )
                for i in range(5001)
            ],
        )
    result = tdb.list_rows(database_id, "many", [Query.limit(1)])
    assert total(result) == 5000 and len(plain(result)["rows"]) == 1
    assert total(tdb.list_rows(database_id, "many", [Query.less_than("n", 10)])) == 10


def test_queries_in_a_post_body(tdb, table):
    """SDK 27's `create_query` (POST …/rows/query) is list_rows with the queries in a JSON body."""
    if not hasattr(tdb, "create_query"):
        pytest.skip("this SDK version has no create_query")
    result = tdb.create_query(*table, queries=[Query.greater_than("n", 1), Query.order_desc("n")])
    assert ids(result) == ["c", "b"] and total(result) == 2
