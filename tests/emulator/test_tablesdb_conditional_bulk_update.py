"""A bulk update by query as a conditional write of one row (what enrich-article's marker
write relies on), through the real SDK: `$updatedAt` compared as a date (Appwrite converts a
datetime query value to UTC with milliseconds before comparing), a second write of the same
version matching nothing, and Appwrite 1.9.6's answer when the write breaks a unique index."""

from __future__ import annotations

import pytest
from appwrite.query import Query

from tests.emulator.tablesdb_support import fails, ids, new_database, new_id, plain

STORED = "2026-03-04T05:06:07.250+00:00"  # Appwrite's stored format


@pytest.fixture(scope="module")
def db_id(emulator):
    return new_database(emulator, "cond", "Conditional bulk updates")


@pytest.fixture
def table(tdb, db_id):
    table_id = new_id("t")
    t = (db_id, table_id)
    tdb.create_table(db_id, table_id, "Articles")
    tdb.create_varchar_column(*t, "title", 50, True)
    tdb.create_varchar_column(*t, "slug", 50, False)
    tdb.create_datetime_column(*t, "doneAt", False)
    tdb.create_index(*t, "slug_unique", "unique", ["slug"])
    return t


@pytest.mark.parametrize(
    "value, matches",
    [
        (STORED, True),
        ("2026-03-04T05:06:07.250Z", True),
        ("2026-03-04T07:06:07.250+02:00", True),  # the same instant in another zone
        ("2026-03-04T05:06:07.25+00:00", True),
        ("2026-03-04 05:06:07.250", True),  # no zone: UTC
        ("2026-03-04T05:06:07.251+00:00", False),  # a millisecond later
        ("2026-03-04T05:06:07+00:00", False),  # .000
    ],
)
def test_updated_at_is_compared_as_a_date(tdb, table, value, matches):
    tdb.create_row(*table, "a", {"title": "A", "$updatedAt": STORED})
    assert plain(tdb.get_row(*table, "a"))["$updatedAt"] == STORED
    found = tdb.list_rows(*table, [Query.equal("$updatedAt", [value])])
    assert ids(found) == (["a"] if matches else [])


def test_a_conditional_bulk_update_writes_one_version_once(tdb, table):
    row = plain(tdb.create_row(*table, "a", {"title": "A"}))
    only_this_version = [
        Query.equal("$id", ["a"]),
        Query.is_null("doneAt"),
        Query.equal("$updatedAt", [row["$updatedAt"]]),
    ]
    done = {"slug": "a", "doneAt": "2026-03-04T05:06:07.000+00:00"}
    first = plain(tdb.update_rows(*table, done, only_this_version))
    assert first["total"] == 1
    assert first["rows"][0]["slug"] == "a" and first["rows"][0]["$updatedAt"] >= row["$updatedAt"]
    stored = plain(tdb.get_row(*table, "a"))

    again = plain(tdb.update_rows(*table, {"slug": "b", "doneAt": None}, only_this_version))
    assert (again["total"], again["rows"]) == (0, [])
    assert plain(tdb.get_row(*table, "a")) == stored

    edited = plain(tdb.create_row(*table, "e", {"title": "E"}))
    tdb.update_row(*table, "e", {"title": "Edited"})  # a new version: the old one is gone
    stale = [Query.equal("$id", ["e"]), Query.equal("$updatedAt", [edited["$updatedAt"]])]
    assert plain(tdb.update_rows(*table, {"slug": "e"}, stale))["total"] == 0


def test_a_bulk_update_breaking_a_unique_index_is_a_500_and_writes_nothing(tdb, table):
    """Appwrite 1.9.6's `Bulk/Update.php` catches no `Unique` exception: `general.php` makes
    it `general_unknown` with code 23000, answered 500 "Server Error". A single-row update
    of the same value is a 409 `row_unique_constraint_violation`."""
    tdb.create_row(*table, "a", {"title": "A", "slug": "taken"})
    tdb.create_row(*table, "b", {"title": "B"})
    tdb.create_row(*table, "c", {"title": "C"})
    before = {r["$id"]: r for r in plain(tdb.list_rows(*table))["rows"]}

    error = fails(tdb.update_rows, *table, {"slug": "taken"}, [Query.equal("$id", ["b"])])
    assert (error.code, error.type, error.message) == (500, "general_unknown", "Server Error")
    error = fails(tdb.update_rows, *table, {"slug": "same"}, [Query.equal("$id", ["b", "c"])])
    assert (error.code, error.type) == (500, "general_unknown")  # two rows, one slug
    assert {r["$id"]: r for r in plain(tdb.list_rows(*table))["rows"]} == before

    error = fails(tdb.update_row, *table, "b", {"slug": "taken"})
    assert (error.code, error.type) == (409, "row_unique_constraint_violation")
