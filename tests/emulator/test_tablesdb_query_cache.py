"""Lists read the same query strings again and again; the emulator decodes each query string
and each JSON query once per process (`emulator.http.params.query_items`,
`emulator.core.query.parse.parse_queries`). These tests hold it to answering exactly as
before: a cached query still meets the table as it is now (columns added or removed since),
an invalid one fails the same way every time, and the caller is still found from the query
string when it names a user to impersonate. Through the real SDK and real HTTP."""

from __future__ import annotations

import httpx
import pytest
from appwrite.query import Query

from tests.emulator.tablesdb_support import fails, ids, new_id, plain


@pytest.fixture
def table(tdb):
    """A table of four rows (title, rank); (database id, table id)."""
    database_id, table_id = new_id("qc"), new_id("t")
    tdb.create(database_id, "Query cache")
    t = (database_id, table_id)
    tdb.create_table(database_id, table_id, "Cached")
    tdb.create_varchar_column(*t, "title", 20, True)
    tdb.create_integer_column(*t, "rank", False)
    rows = [
        {"$id": "a", "title": "x", "rank": 1},
        {"$id": "b", "title": "x", "rank": 3},
        {"$id": "c", "title": "y", "rank": 2},
        {"$id": "d", "title": "x", "rank": 2},
    ]
    tdb.create_rows(*t, rows)
    return t


QUERIES = [Query.equal("title", ["x"]), Query.order_desc("rank"), Query.limit(2)]


def test_a_repeated_list_answers_the_same(tdb, table):
    first = plain(tdb.list_rows(*table, QUERIES))
    assert [r["$id"] for r in first["rows"]] == ["b", "d"] and first["total"] == 3
    assert plain(tdb.list_rows(*table, QUERIES)) == first


def test_a_cached_query_meets_the_columns_as_they_are_now(tdb, table):
    assert ids(tdb.list_rows(*table, QUERIES)) == ["b", "d"]
    tdb.create_varchar_column(*table, "note", 10, False, default="n")
    rows = plain(tdb.list_rows(*table, QUERIES))["rows"]
    assert [r["$id"] for r in rows] == ["b", "d"] and all("note" in r for r in rows)
    tdb.delete_column(*table, "rank")
    error = fails(tdb.list_rows, *table, QUERIES)
    assert (error.code, error.type) == (400, "general_query_invalid")
    assert "Attribute not found in schema: rank" in error.message
    rows = plain(tdb.list_rows(*table, [Query.equal("title", ["x"])]))["rows"]
    assert sorted(r["$id"] for r in rows) == ["a", "b", "d"]
    assert all("rank" not in r for r in rows)
    tdb.create_float_column(*table, "rank", False)
    tdb.update_row(*table, "a", {"rank": 9.5})
    listed = plain(tdb.list_rows(*table, QUERIES))
    assert listed["rows"][0]["$id"] == "a" and listed["rows"][0]["rank"] == 9.5


def test_a_cached_query_sees_new_rows(tdb, table):
    assert ids(tdb.list_rows(*table, QUERIES)) == ["b", "d"]
    tdb.create_row(*table, "e", {"title": "x", "rank": 7})
    listed = plain(tdb.list_rows(*table, QUERIES))
    assert [r["$id"] for r in listed["rows"]] == ["e", "b"] and listed["total"] == 4


@pytest.mark.parametrize(
    "query, message",
    [
        ("{not json", "Invalid query: Syntax error"),
        ('{"method":"nope","attribute":"title","values":["x"]}', "Invalid query method: nope"),
        ('{"method":"equal","attribute":"ghost","values":["x"]}', "Attribute not found"),
    ],
)
def test_an_invalid_query_fails_the_same_way_every_time(tdb, table, query, message):
    errors = [fails(tdb.list_rows, *table, [query]) for _ in range(3)]
    assert {(e.code, e.type, e.message) for e in errors} == {
        (400, "general_query_invalid", errors[0].message)
    }
    assert message in errors[0].message


def test_the_same_query_string_on_another_table_is_checked_against_that_table(tdb, table):
    other = (table[0], new_id("t"))
    tdb.create_table(*other, "Other")
    tdb.create_varchar_column(*other, "title", 20, True)
    tdb.create_row(*other, "z", {"title": "x"})
    assert ids(tdb.list_rows(*table, QUERIES)) == ["b", "d"]
    error = fails(tdb.list_rows, *other, QUERIES)
    assert error.type == "general_query_invalid" and "rank" in error.message
    assert ids(tdb.list_rows(*other, [Query.equal("title", ["x"])])) == ["z"]


def test_query_strings_decode_as_before(emulator, tdb, table):
    """`+` is a space and `%2B` a plus: for the same raw query string sent again, and for
    its variants."""
    tdb.create_row(*table, "p", {"title": "a b+c", "rank": 5})
    url = f"{emulator.endpoint}/tablesdb/{table[0]}/tables/{table[1]}/rows"
    headers = {"X-Appwrite-Project": emulator.project_id, "X-Appwrite-Key": emulator.api_key}
    query = '{"method":"equal","attribute":"title","values":["a b+c"]}'
    encoded = query.replace(" ", "+").replace("+c", "%2Bc").replace('"', "%22")
    for raw in (f"queries[]={encoded}", f"queries[0]={encoded}", f"queries[]={encoded}"):
        answer = httpx.get(f"{url}?{raw}", headers=headers)
        assert answer.status_code == 200, answer.text
        assert [r["$id"] for r in answer.json()["rows"]] == ["p"]
    answer = httpx.get(f"{url}?queries[]={encoded.replace('%2Bc', '+c')}", headers=headers)
    assert answer.status_code == 200 and answer.json()["rows"] == []  # "a b c": no such title


def test_the_caller_impersonates_from_the_query_string(emulator):
    base = emulator.endpoint
    key = {"X-Appwrite-Project": emulator.project_id, "X-Appwrite-Key": emulator.api_key}
    actor, target = new_id("actor"), new_id("target")
    for user_id in (actor, target):
        created = httpx.post(f"{base}/users", headers=key, json={"userId": user_id})
        assert created.status_code == 201, created.text
    marked = httpx.patch(
        f"{base}/users/{actor}/impersonator", headers=key, json={"impersonator": True}
    )
    assert marked.status_code == 200, marked.text
    secret = httpx.post(f"{base}/users/{actor}/sessions", headers=key).json()["secret"]
    session = {"X-Appwrite-Project": emulator.project_id, "X-Appwrite-Session": secret}
    for _ in range(2):
        me = httpx.get(f"{base}/account?impersonateUserId={target}", headers=session).json()
        assert (me["$id"], me["impersonatorUserId"]) == (target, actor)
        me = httpx.get(f"{base}/account", headers=session).json()
        assert (me["$id"], me["impersonatorUserId"]) == (actor, None)
