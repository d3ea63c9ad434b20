"""Issue 9 item 1: nobody but the functions writes a row. Every direct SDK write — create,
bulk create, update (data or permissions), upsert, bulk upsert, bulk update, delete, bulk
delete, increment, decrement, and writes staged in a transaction — by every kind of user
(guest, anonymous session, author, editor, team admin, site admin without a key) on every
table is refused with Appwrite's own answer, and changes nothing. The function paths that
replace those writes still work.

Appwrite's answers (reference appwrite-rest-api.md §2.1, §6): a write a caller holds no
permission for is 401 `user_unauthorized`; bulk create is API-key only (401
`general_unauthorized_scope`); a bulk update or delete by a user only touches the rows
the user may update or delete — on a table with row security that is none, so it answers
200 with `total: 0` (Appwrite's `updateDocuments` finds no row "for permission update"),
and on a table without row security it is 401.
"""

from __future__ import annotations

import json

import pytest
from appwrite.exception import AppwriteException
from appwrite.query import Query
from appwrite.services.tables_db import TablesDB

from shared.tables import ARTICLES, AUDIT_LOG, DAILY_STATS, DATABASE_ID, PROFILES
from tests.security.people import People, unique

KINDS = ("guest", "anonymous", "author", "editor", "team_admin", "site_admin")
ROW_SECURITY = {PROFILES: True, ARTICLES: True, AUDIT_LOG: False, DAILY_STATS: False}
UNAUTHORIZED = (401, "user_unauthorized")
KEY_ONLY = (401, "general_unauthorized_scope")
NOTHING = (200, 0)  # a bulk write that found no row the caller may write
GRANT_ALL = ['read("any")', 'update("any")', 'delete("any")']
SAMPLE = {  # a valid new row per table
    PROFILES: {"displayName": "Intruder", "articleCount": 99999},
    ARTICLES: {"title": "Forged", "body": "b", "authorId": "someone", "status": "published"},
    AUDIT_LOG: {"idempotencyKey": "forged", "action": "forged"},
    DAILY_STATS: {"day": "1999-01-01", "users": 99999},
}
CHANGE = {  # a change per table of a column that matters
    PROFILES: {"articleCount": 99999},
    ARTICLES: {
        "status": "published",
        "authorId": "intruder",
        "publishedAt": "1999-01-01T00:00:00.000+00:00",
    },
    AUDIT_LOG: {"action": "tampered"},
    DAILY_STATS: {"users": 99999},
}
NUMBER = {PROFILES: "articleCount", ARTICLES: "wordCount", AUDIT_LOG: None, DAILY_STATS: "users"}


@pytest.fixture(scope="module")
def people(appwrite):
    return People.gather(appwrite)


@pytest.fixture(scope="module")
def targets(appwrite, people):
    """One existing row per table that the callers aim at (a draft and a published article
    of the author's team, made through the function; the author's profile; an audit row;
    a stats row)."""
    keyed = TablesDB(appwrite.admin_client())
    draft = people.call(
        "author",
        "articles",
        "POST",
        "/articles",
        {"title": "Draft", "body": "Words.", "teamId": people.team_id},
    ).json()
    published = people.call(
        "author",
        "articles",
        "POST",
        "/articles",
        {"title": "Out", "body": "Words.", "teamId": people.team_id},
    ).json()
    people.call("author", "articles", "POST", f"/articles/{published['$id']}/publish")
    appwrite.wait_for_executions()
    audit = keyed.list_rows(DATABASE_ID, AUDIT_LOG, [Query.limit(1)])["rows"][0]
    stats = keyed.upsert_row(DATABASE_ID, DAILY_STATS, "2030-01-01", {"day": "2030-01-01"})
    return {
        PROFILES: [people.id("author"), people.id("editor")],
        ARTICLES: [draft["$id"], published["$id"]],
        AUDIT_LOG: [audit["$id"]],
        DAILY_STATS: [stats["$id"]],
    }


def outcome(call) -> tuple[int, object]:
    """(status, Appwrite error type) of a refused call; (200, rows touched) of an accepted bulk
    write; (200, "written") of anything else that was accepted."""
    try:
        result = call()
    except AppwriteException as exc:
        return exc.code, exc.type
    if isinstance(result, dict) and "total" in result and "rows" in result:
        return 200, result["total"]
    return 200, "written"


def operations(table: str, row_id: str) -> dict[str, tuple]:
    """Every direct write on `table` aimed at `row_id`, with Appwrite's answer to a user."""
    new_id = unique("forged")
    by_id = [Query.equal("$id", [row_id])]
    bulk = NOTHING if ROW_SECURITY[table] else UNAUTHORIZED
    ops = {
        "create_row": (
            lambda t: t.create_row(DATABASE_ID, table, new_id, SAMPLE[table], GRANT_ALL),
            UNAUTHORIZED,
        ),
        "create_rows": (
            lambda t: t.create_rows(DATABASE_ID, table, [{"$id": new_id, **SAMPLE[table]}]),
            KEY_ONLY,
        ),
        "update_row": (
            lambda t: t.update_row(DATABASE_ID, table, row_id, CHANGE[table]),
            UNAUTHORIZED,
        ),
        "update_permissions": (
            lambda t: t.update_row(DATABASE_ID, table, row_id, permissions=GRANT_ALL),
            UNAUTHORIZED,
        ),
        "upsert_existing": (
            lambda t: t.upsert_row(DATABASE_ID, table, row_id, CHANGE[table]),
            UNAUTHORIZED,
        ),
        "upsert_new": (
            lambda t: t.upsert_row(DATABASE_ID, table, new_id, SAMPLE[table]),
            UNAUTHORIZED,
        ),
        "upsert_rows": (
            lambda t: t.upsert_rows(DATABASE_ID, table, [{"$id": row_id, **CHANGE[table]}]),
            UNAUTHORIZED,
        ),
        "update_rows": (lambda t: t.update_rows(DATABASE_ID, table, CHANGE[table], by_id), bulk),
        "delete_rows": (lambda t: t.delete_rows(DATABASE_ID, table, by_id), bulk),
        "delete_row": (lambda t: t.delete_row(DATABASE_ID, table, row_id), UNAUTHORIZED),
        "staged_update": (
            lambda t: t.update_row(
                DATABASE_ID,
                table,
                row_id,
                CHANGE[table],
                transaction_id=t.create_transaction()["$id"],
            ),
            UNAUTHORIZED,
        ),
        "staged_operations": (
            lambda t: t.create_operations(
                t.create_transaction()["$id"],
                [
                    {
                        "action": "delete",
                        "databaseId": DATABASE_ID,
                        "tableId": table,
                        "rowId": row_id,
                    }
                ],
            ),
            UNAUTHORIZED,
        ),
    }
    if NUMBER[table]:
        column = NUMBER[table]
        ops["increment"] = (
            lambda t: t.increment_row_column(DATABASE_ID, table, row_id, column, 5),
            UNAUTHORIZED,
        )
        ops["decrement"] = (
            lambda t: t.decrement_row_column(DATABASE_ID, table, row_id, column, 1),
            UNAUTHORIZED,
        )
    return ops


def snapshot(keyed: TablesDB, table: str) -> str:
    """Every row of the table, as the key sees it (the proof that nothing changed)."""
    rows = keyed.list_rows(DATABASE_ID, table, [Query.limit(5000)])["rows"]
    return json.dumps(sorted(rows, key=lambda r: r["$id"]), sort_keys=True)


@pytest.mark.timeout(300)
@pytest.mark.parametrize("table", [PROFILES, ARTICLES, AUDIT_LOG, DAILY_STATS])
@pytest.mark.parametrize("kind", KINDS)
def test_every_direct_write_is_refused_and_changes_nothing(appwrite, people, targets, kind, table):
    keyed = TablesDB(appwrite.admin_client())
    sdk = people.tables(kind)
    before = snapshot(keyed, table)
    seen, wrong = {}, {}
    for row_id in targets[table]:
        for name, (call, expected) in operations(table, row_id).items():
            if kind == "guest" and name.startswith("staged"):
                # a guest may open no transaction at all: Appwrite's answer to that
                expected = UNAUTHORIZED
            got = outcome(lambda call=call: call(sdk))
            seen[f"{name}@{row_id}"] = got
            if got != expected:
                wrong[f"{name}@{row_id}"] = (got, expected)
    assert not wrong, f"{kind} on {table}: {wrong}"
    assert snapshot(keyed, table) == before
    assert seen  # every operation ran


def test_the_function_paths_replace_the_direct_writes(appwrite, people, targets):
    """What users did by hand before, they do through the functions now."""
    author = people.id("author")
    edited = people.call(
        "author",
        "accounts",
        "PATCH",
        f"/users/{author}/profile",
        {"bio": "Hello", "displayName": "Ann"},
    )
    assert edited.status_code == 200, edited.text
    assert (edited.json()["bio"], edited.json()["displayName"]) == ("Hello", "Ann")
    draft = targets[ARTICLES][0]
    for kind in ("author", "editor", "team_admin", "site_admin"):
        response = people.call(kind, "articles", "PATCH", f"/articles/{draft}", {"summary": kind})
        assert response.status_code == 200, (kind, response.text)
    stored = TablesDB(appwrite.admin_client()).get_row(DATABASE_ID, ARTICLES, draft)
    assert stored["summary"] == "site_admin" and stored["authorId"] == author
    assert all(p.startswith("read(") for p in stored["$permissions"])


def test_no_table_grants_users_anything_but_read():
    """appwrite.json: tables grant no create, update, delete or write to anyone."""
    import pathlib

    manifest = json.loads((pathlib.Path(__file__).parents[2] / "appwrite.json").read_text())
    grants = {t["$id"]: t["$permissions"] for t in manifest["tables"]}
    assert set(grants) == set(ROW_SECURITY)
    assert all(p.startswith("read(") for perms in grants.values() for p in perms), grants
