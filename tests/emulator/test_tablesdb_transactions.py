"""TablesDB transactions through the real SDK: staged writes, reads inside, atomic commit,
rollback."""

from __future__ import annotations

import pytest
from appwrite.permission import Permission
from appwrite.query import Query
from appwrite.role import Role
from appwrite.services.tables_db import TablesDB

from tests.emulator.tablesdb_support import fails, ids, new_id, plain, total


@pytest.fixture
def table(tdb):
    db = new_id("tx")
    tdb.create(db, "Transactions")
    tdb.create_table(
        db, "t", "T", permissions=[Permission.read(Role.users()), Permission.create(Role.users())]
    )
    tdb.create_varchar_column(db, "t", "title", 20, True)
    tdb.create_integer_column(db, "t", "n", False, min=0, max=100)
    return db, "t"


def test_staged_writes_are_invisible_until_commit(tdb, table):
    txn = plain(tdb.create_transaction())
    assert (txn["status"], txn["operations"]) == ("pending", 0) and txn["expiresAt"] > txn[
        "$createdAt"
    ]
    staged = plain(
        tdb.create_row(*table, "r1", {"title": "new", "n": 1}, transaction_id=txn["$id"])
    )
    assert staged["$id"] == "r1" and staged["title"] == "new"
    tdb.update_row(*table, "r1", {"title": "newer"}, transaction_id=txn["$id"])
    tdb.increment_row_column(*table, "r1", "n", 2, transaction_id=txn["$id"])
    assert fails(tdb.get_row, *table, "r1").type == "row_not_found"
    assert plain(tdb.get_row(*table, "r1", transaction_id=txn["$id"]))["n"] == 3
    assert ids(tdb.list_rows(*table, transaction_id=txn["$id"])) == ["r1"]
    assert total(tdb.list_rows(*table)) == 0
    assert plain(tdb.get_transaction(txn["$id"]))["operations"] == 3
    committed = plain(tdb.update_transaction(txn["$id"], commit=True))
    assert committed["status"] == "committed"
    row = plain(tdb.get_row(*table, "r1"))
    assert (row["title"], row["n"]) == ("newer", 3)
    error = fails(tdb.update_transaction, txn["$id"], commit=True)
    assert (error.code, error.type) == (400, "transaction_not_ready")


def test_rollback_discards(tdb, table):
    txn = plain(tdb.create_transaction(ttl=60))
    tdb.create_row(*table, "gone", {"title": "x"}, transaction_id=txn["$id"])
    assert plain(tdb.update_transaction(txn["$id"], rollback=True))["status"] == "failed"
    assert fails(tdb.get_row, *table, "gone").type == "row_not_found"


def test_commit_is_all_or_nothing(tdb, table):
    txn = plain(tdb.create_transaction())["$id"]
    tdb.create_row(*table, "a", {"title": "a"}, transaction_id=txn)
    tdb.create_row(*table, "b", {"title": "b"}, transaction_id=txn)
    tdb.create_row(*table, "b", {"title": "outside"})  # conflicts with the staged create
    error = fails(tdb.update_transaction, txn, commit=True)
    assert (error.code, error.type) == (409, "row_already_exists")
    assert plain(tdb.get_transaction(txn))["status"] == "failed"
    assert fails(tdb.get_row, *table, "a").type == "row_not_found"


def test_staging_is_checked_against_the_transaction_state(tdb, table):
    txn = plain(tdb.create_transaction())["$id"]
    tdb.create_row(*table, "dup", {"title": "x"}, transaction_id=txn)
    assert (
        fails(tdb.create_row, *table, "dup", {"title": "y"}, transaction_id=txn).type
        == "row_already_exists"
    )
    error = fails(tdb.create_row, *table, "bad", {"n": 1}, transaction_id=txn)
    assert error.type == "row_invalid_structure"
    assert plain(tdb.get_transaction(txn))["operations"] == 1


def test_bulk_operations_and_raw_operations(tdb, table):
    db, table_id = table
    tdb.create_rows(
        db,
        table_id,
        [{"$id": "k1", "title": "keep", "n": 1}, {"$id": "k2", "title": "drop", "n": 2}],
    )
    txn = plain(tdb.create_transaction())["$id"]
    tdb.update_rows(
        db,
        table_id,
        {"n": 50, "$permissions": ['read("any")']},
        [Query.equal("title", "keep")],
        transaction_id=txn,
    )
    tdb.delete_rows(db, table_id, [Query.equal("title", "drop")], transaction_id=txn)
    result = plain(
        tdb.create_operations(
            txn,
            [
                {
                    "action": "create",
                    "databaseId": db,
                    "tableId": table_id,
                    "rowId": "op1",
                    "data": {"title": "op"},
                },
                {
                    "action": "bulkCreate",
                    "databaseId": db,
                    "tableId": table_id,
                    "data": [{"$id": "op2", "title": "op"}],
                },
            ],
        )
    )
    assert result["operations"] == 4
    tdb.update_transaction(txn, commit=True)
    assert ids(tdb.list_rows(db, table_id)) == ["k1", "op1", "op2"]
    assert plain(tdb.get_row(db, table_id, "k1"))["n"] == 50
    assert plain(tdb.get_row(db, table_id, "k1"))["$permissions"] == ['read("any")']


def test_session_users_stage_their_own_writes(tdb, table, make_user, user_client):
    user, _ = make_user()
    as_user = TablesDB(user_client(user))
    txn = plain(as_user.create_transaction())["$id"]
    row = plain(as_user.create_row(*table, "mine", {"title": "u"}, transaction_id=txn))
    assert row["$permissions"] == [
        f'read("user:{user["$id"]}")',
        f'update("user:{user["$id"]}")',
        f'delete("user:{user["$id"]}")',
    ]
    as_user.update_transaction(txn, commit=True)
    assert plain(tdb.get_row(*table, "mine"))["$permissions"] == row["$permissions"]


def test_transaction_errors(tdb):
    error = fails(tdb.get_transaction, "nope")
    assert (error.code, error.type) == (404, "transaction_not_found")
    txn = plain(tdb.create_transaction())["$id"]
    assert fails(tdb.update_transaction, txn).message == "Either commit or rollback must be true"
    assert (
        fails(tdb.update_transaction, txn, commit=True, rollback=True).type
        == "general_argument_invalid"
    )
    assert fails(tdb.create_transaction, ttl=10).type == "general_argument_invalid"
    # by its id: other tests' transactions share this emulator (a page holds 25)
    listed = plain(tdb.list_transactions([Query.equal("$id", [txn])]))["transactions"]
    assert [t["$id"] for t in listed] == [txn]
    tdb.delete_transaction(txn)
    assert fails(tdb.get_transaction, txn).type == "transaction_not_found"


def test_expired_transactions_refuse_work(tdb, table):
    import datetime as dt

    import time_machine

    txn = plain(tdb.create_transaction(ttl=60))["$id"]
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=2)):
        error = fails(tdb.create_row, *table, "late", {"title": "x"}, transaction_id=txn)
    assert (error.code, error.type) == (410, "transaction_expired")


def test_users_see_only_their_own_transactions(tdb, make_user, user_client):
    alice, bob = TablesDB(user_client(make_user()[0])), TablesDB(user_client(make_user()[0]))
    txn = plain(alice.create_transaction())["$id"]
    assert plain(alice.get_transaction(txn))["status"] == "pending"
    assert fails(bob.get_transaction, txn).type == "transaction_not_found"
    assert txn not in [t["$id"] for t in plain(bob.list_transactions())["transactions"]]
    assert plain(tdb.get_transaction(txn))["$id"] == txn  # keys see every transaction
