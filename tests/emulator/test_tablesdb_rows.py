"""TablesDB rows through the real SDK: CRUD, bulk, upsert, increments, structure errors,
persistence."""

from __future__ import annotations

import pytest
from appwrite.client import Client
from appwrite.id import ID
from appwrite.query import Query
from appwrite.services.tables_db import TablesDB

from emulator.core.state import EmulatorState
from emulator.server import start
from tests.emulator.tablesdb_support import fails, ids, new_database, new_id, plain, total


@pytest.fixture(scope="module")
def db_id(emulator):
    return new_database(emulator, "rows", "Row tests")


@pytest.fixture
def table(tdb, db_id):
    """A table with one column of each kind; returns (database id, table id)."""
    table_id = new_id("t")
    t = (db_id, table_id)
    tdb.create_table(db_id, table_id, "Tasks")
    tdb.create_varchar_column(*t, "title", 20, True)
    tdb.create_integer_column(*t, "n", False, min=0, max=10, default=1)
    tdb.create_float_column(*t, "score", False)
    tdb.create_boolean_column(*t, "done", False)
    tdb.create_datetime_column(*t, "due", False)
    tdb.create_email_column(*t, "email", False)
    tdb.create_enum_column(*t, "status", ["draft", "published"], False)
    tdb.create_varchar_column(*t, "tags", 5, False, array=True)
    tdb.create_varchar_column(*t, "slug", 30, False)
    tdb.create_index(*t, "slug_unique", "unique", ["slug"])
    return t


def test_create_and_get_row(tdb, table):
    row = plain(
        tdb.create_row(
            *table, "r1", {"title": "Hello", "score": 2.0, "due": "2026-03-01T12:00:00+02:00"}
        )
    )
    assert row["$id"] == "r1" and row["$sequence"] == "1"
    assert (row["$databaseId"], row["$tableId"], row["$permissions"]) == (*table, [])
    assert row["due"] == "2026-03-01T10:00:00.000+00:00"
    assert (row["n"], row["score"], row["done"], row["email"], row["tags"]) == (
        1,
        2,
        None,
        None,
        [],
    )
    assert isinstance(plain(tdb.get_row(*table, "r1"))["$sequence"], str)
    assert plain(tdb.get_row(*table, "r1"))["title"] == "Hello"
    selected = plain(tdb.get_row(*table, "r1", queries=[Query.select(["title"])]))
    assert "title" in selected and "n" not in selected and selected["$id"] == "r1"
    error = fails(tdb.get_row, *table, "nope")
    assert (error.code, error.type, error.message) == (
        404,
        "row_not_found",
        "Row with the requested ID 'nope' could not be found.",
    )
    generated = plain(tdb.create_row(*table, ID.unique(), {"title": "Gen"}))
    assert len(generated["$id"]) == 20 and generated["$sequence"] == "2"


def test_duplicates_and_unique_indexes(tdb, table):
    tdb.create_row(*table, "r1", {"title": "a", "slug": "same"})
    error = fails(tdb.create_row, *table, "r1", {"title": "b"})
    assert (error.code, error.type) == (409, "row_already_exists")
    error = fails(tdb.create_row, *table, "r2", {"title": "b", "slug": "same"})
    assert (error.code, error.type) == (409, "row_unique_constraint_violation")


@pytest.mark.parametrize(
    "data, message",
    [
        ({"n": 2}, 'Missing required attribute "title"'),
        ({"title": "x", "nope": 1}, 'Unknown attribute: "nope"'),
        (
            {"title": "x" * 21},
            'Attribute "title" has invalid type. '
            "Value must be a valid string and no longer than 20 chars",
        ),
        (
            {"title": 5},
            'Attribute "title" has invalid type. '
            "Value must be a valid string and no longer than 20 chars",
        ),
        (
            {"title": "x", "n": 11},
            'Attribute "n" has invalid format. Value must be a valid range between 0 and 10',
        ),
        (
            {"title": "x", "n": "3"},
            'Attribute "n" has invalid type. Value must be a valid signed 32-bit integer '
            "between -2,147,483,648 and 2,147,483,647",
        ),
        (
            {"title": "x", "done": "yes"},
            'Attribute "done" has invalid type. Value must be a valid boolean',
        ),
        (
            {"title": "x", "score": "1.5"},
            'Attribute "score" has invalid type. Value must be a valid float',
        ),
        (
            {"title": "x", "due": "tomorrow"},
            'Attribute "due" has invalid type. Value must be valid date between '
            "1000-01-01 00:00:00 and 9999-12-31 23:59:59.",
        ),
        (
            {"title": "x", "email": "no"},
            'Attribute "email" has invalid format. Value must be a valid email address',
        ),
        (
            {"title": "x", "status": "gone"},
            'Attribute "status" has invalid format. Value must be one of (draft, published)',
        ),
        ({"title": "x", "tags": "a"}, 'Attribute "tags" must be an array'),
        (
            {"title": "x", "tags": ["ok", "toolong"]},
            "Attribute \"tags['1']\" has invalid type. "
            "Value must be a valid string and no longer than 5 chars",
        ),
    ],
)
def test_structure_errors(tdb, table, data, message):
    error = fails(tdb.create_row, *table, ID.unique(), data)
    assert (error.code, error.type) == (400, "row_invalid_structure")
    assert error.message == f"Invalid document structure: {message}"


def test_bad_row_requests(tdb, table, admin_client, emulator):
    error = fails(tdb.create_row, *table, "x" * 37, {"title": "x"})
    assert error.type == "general_argument_invalid" and error.message.startswith(
        "Invalid `rowId` param:"
    )
    error = fails(tdb.create_row, *table, "r9", {})
    assert (error.code, error.type) == (400, "row_missing_data")
    error = fails(tdb.update_row, *table, "nope", {})
    assert error.type == "row_missing_payload"
    import httpx

    url = f"{emulator.endpoint}/tablesdb/{table[0]}/tables/{table[1]}/rows"
    headers = {
        "x-appwrite-project": emulator.project_id,
        "x-appwrite-key": emulator.api_key,
        "content-type": "application/json",
    }
    for body in (
        b"{not json",
        b"[1,2]",
        b'{"rowId":"r1","data":"[1]"}',
        b'{"rowId":5,"data":{"title":"x"}}',
        b'{"rowId":"r1","data":{"title":"x"},"rows":[{}]}',
        b'{"rowId":"r1","data":{"title":"x"},"permissions":"x"}',
    ):
        answer = httpx.post(url, content=body, headers=headers)
        assert 400 <= answer.status_code < 500, (body, answer.text)
        assert answer.json()["type"] in (
            "general_argument_invalid",
            "general_bad_request",
            "row_missing_data",
        )


def test_update_upsert_and_delete(tdb, table):
    tdb.create_row(*table, "r1", {"title": "Old", "n": 3})
    updated = plain(tdb.update_row(*table, "r1", {"title": "New"}))
    assert (updated["title"], updated["n"]) == ("New", 3)
    assert updated["$updatedAt"] >= updated["$createdAt"]
    upserted = plain(tdb.upsert_row(*table, "r2", {"title": "Made"}))
    assert (upserted["$id"], upserted["n"]) == ("r2", 1)
    upserted = plain(tdb.upsert_row(*table, "r2", {"n": 7}))
    assert (upserted["title"], upserted["n"]) == ("Made", 7)
    tdb.delete_row(*table, "r1")
    assert fails(tdb.get_row, *table, "r1").type == "row_not_found"
    assert fails(tdb.delete_row, *table, "r1").type == "row_not_found"


def test_bulk_operations(tdb, table):
    created = plain(
        tdb.create_rows(*table, [{"$id": "a", "title": "A", "n": 2}, {"title": "B", "n": 5}])
    )
    assert created["total"] == 2 and created["rows"][0]["$id"] == "a"
    error = fails(
        tdb.create_rows, *table, [{"$id": "c", "title": "C"}, {"$id": "a", "title": "dup"}]
    )
    assert (error.code, error.type) == (409, "row_already_exists")
    assert fails(tdb.get_row, *table, "c").type == "row_not_found"  # all or nothing
    upserted = plain(tdb.upsert_rows(*table, [{"$id": "a", "n": 9}, {"$id": "d", "title": "D"}]))
    assert upserted["total"] == 2
    assert (
        plain(tdb.get_row(*table, "a"))["title"] == "A"
        and plain(tdb.get_row(*table, "a"))["n"] == 9
    )
    changed = plain(tdb.update_rows(*table, {"done": True}, [Query.greater_than("n", 3)]))
    assert changed["total"] == 2 and all(r["done"] for r in changed["rows"])
    deleted = plain(tdb.delete_rows(*table, [Query.equal("done", True)]))
    assert sorted(r["$id"] for r in deleted["rows"]) == sorted(r["$id"] for r in changed["rows"])
    assert ids(tdb.list_rows(*table)) == ["d"]
    assert plain(tdb.delete_rows(*table))["total"] == 1
    assert total(tdb.list_rows(*table)) == 0


def test_bulk_update_by_query_sets_the_permissions_given_in_its_data(tdb, table):
    """As Appwrite's updateRows: `$permissions` in `data` replaces those of every row the
    queries match (and only those); an invalid one is a 400 naming the problem."""
    for row_id, n in (("p1", 1), ("p2", 2), ("p3", 3)):
        tdb.create_row(*table, row_id, {"title": row_id, "n": n}, ['read("user:ann")'])
    before = plain(tdb.get_row(*table, "p1"))
    public = {"status": "published", "$permissions": ['read("any")']}
    changed = plain(tdb.update_rows(*table, public, [Query.less_than_equal("n", 2)]))
    assert changed["total"] == 2
    assert {r["$id"]: r["$permissions"] for r in changed["rows"]} == {
        "p1": ['read("any")'],
        "p2": ['read("any")'],
    }
    assert all(r["status"] == "published" for r in changed["rows"])
    assert plain(tdb.get_row(*table, "p1"))["$updatedAt"] >= before["$updatedAt"]
    assert plain(tdb.get_row(*table, "p3"))["$permissions"] == ['read("user:ann")']
    untouched = plain(tdb.update_rows(*table, {"n": 5}, [Query.equal("$id", ["p1"])]))
    assert untouched["rows"][0]["$permissions"] == ['read("any")']  # no `$permissions`: kept
    error = fails(tdb.update_rows, *table, {"$permissions": ['read("nobody")']})
    assert (error.code, error.type) == (400, "general_bad_request")
    assert "nobody" in error.message
    assert plain(tdb.get_row(*table, "p3"))["$permissions"] == ['read("user:ann")']


def test_increment_and_decrement(tdb, table):
    tdb.create_row(*table, "r1", {"title": "x", "n": 5, "score": 1.5})
    assert plain(tdb.increment_row_column(*table, "r1", "n", 2))["n"] == 7
    assert plain(tdb.decrement_row_column(*table, "r1", "n"))["n"] == 6
    assert plain(tdb.increment_row_column(*table, "r1", "score", 0.25))["score"] == 1.75
    error = fails(tdb.increment_row_column, *table, "r1", "n", 5, max=10)
    assert (error.code, error.type, error.message) == (
        400,
        "column_limit_exceeded",
        'tablesDB "n" has reached the maximum value of 10',
    )
    error = fails(tdb.decrement_row_column, *table, "r1", "n", 7, min=0)
    assert error.message == 'tablesDB "n" has reached the minimum value of 0'
    error = fails(tdb.increment_row_column, *table, "r1", "title")
    assert (error.type, error.message) == (
        "attribute_type_invalid",
        'tablesDB "title" is not a number',
    )
    error = fails(tdb.increment_row_column, *table, "nope", "n")
    assert (error.code, error.type) == (404, "column_not_found")
    error = fails(tdb.increment_row_column, *table, "r1", "n", -1)
    assert (error.type, error.message) == (
        "general_argument_invalid",
        "Value must be numeric and greater than 0",
    )


def test_api_key_may_set_dates(tdb, table):
    row = plain(
        tdb.create_row(
            *table,
            "r1",
            {"title": "x", "$createdAt": "2020-01-01T00:00:00.000+00:00", "$sequence": "99"},
        )
    )
    assert row["$createdAt"] == "2020-01-01T00:00:00.000+00:00" and row["$sequence"] != "99"


def test_rows_survive_a_restart(tmp_path):
    state = EmulatorState.open(tmp_path, "keep")
    server = start(state)
    client = (
        Client()
        .set_endpoint(server.endpoint)
        .set_project(state.project_id)
        .set_key(state.admin_key)
    )
    tdb = TablesDB(client)
    tdb.create("keep", "Keep")
    tdb.create_table("keep", "t", "T")
    tdb.create_varchar_column("keep", "t", "title", 10, False)
    tdb.create_index("keep", "t", "ft", "fulltext", ["title"])
    tdb.create_row("keep", "t", "r1", {"title": "persisted"})
    server.stop()
    state.db.close()
    state = EmulatorState.open(tmp_path, "keep")
    server = start(state)
    try:
        client = (
            Client()
            .set_endpoint(server.endpoint)
            .set_project(state.project_id)
            .set_key(state.admin_key)
        )
        tdb = TablesDB(client)
        assert plain(tdb.get_row("keep", "t", "r1"))["title"] == "persisted"
        assert ids(tdb.list_rows("keep", "t", [Query.search("title", "persist")])) == ["r1"]
    finally:
        server.stop()
        state.db.close()


def test_update_operators(tdb, table):
    from appwrite.operator import Operator

    tdb.create_row(*table, "r1", {"title": "x", "n": 5, "tags": ["a"], "done": False})
    row = plain(
        tdb.update_row(
            *table,
            "r1",
            {
                "n": Operator.increment(10, 9),
                "tags": Operator.array_append(["b"]),
                "done": Operator.toggle(),
                "title": Operator.string_concat("y"),
            },
        )
    )
    assert (row["n"], row["tags"], row["done"], row["title"]) == (9, ["a", "b"], True, "xy")
    error = fails(tdb.update_row, *table, "r1", {"title": Operator.increment(1)})
    assert (error.code, error.type) == (400, "general_bad_request")
    assert error.message.startswith('Invalid operator for attribute "title":')


def test_unknown_transactions_are_not_found(tdb, table):
    error = fails(tdb.create_row, *table, "r1", {"title": "x"}, transaction_id="tx1")
    assert (error.code, error.type) == (404, "transaction_not_found")
    assert fails(tdb.get_row, *table, "r1").type == "row_not_found"  # nothing was written


def test_hostile_data_keys_are_unknown_attributes(tdb, table):
    for key in ('title" = 1; --', "_uid", "_permissions", "n) VALUES (1); --"):
        error = fails(tdb.create_row, *table, ID.unique(), {"title": "x", key: 1})
        assert error.message == f'Invalid document structure: Unknown attribute: "{key}"'
