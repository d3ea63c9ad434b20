"""Row writes publish Appwrite's event names (reference appwrite-runtime.md §4.2), one per row."""

from __future__ import annotations

import pytest
from appwrite.query import Query
from appwrite.services.tables_db import TablesDB

from emulator.triggers.events import generate_events
from tests.emulator.tablesdb_support import new_id, plain


class Recorder:
    """Listens to the emulator's writes (as the executions service does) and records them."""

    def __init__(self):
        self.events: list[tuple[str, str, dict]] = []

    def on_write(self, event):
        names = generate_events(event.pattern, event.params)
        self.events.append((names[0], event.caller.kind, event.payload))


@pytest.fixture
def recorder(emulator):
    recorder = Recorder()
    emulator.state.subscribe(recorder)
    yield recorder
    emulator.state.unsubscribe(recorder)


def test_every_row_write_fires_its_event(admin_client, recorder):
    tdb = TablesDB(admin_client)
    db = new_id("ev")
    tdb.create(db, "Events")
    tdb.create_table(db, "t", "T")
    tdb.create_integer_column(db, "t", "n", False)
    tdb.create_row(db, "t", "r1", {"n": 1})
    tdb.create_rows(db, "t", [{"$id": "r2", "n": 2}])
    tdb.update_row(db, "t", "r1", {"n": 3})
    tdb.increment_row_column(db, "t", "r1", "n")
    tdb.upsert_row(db, "t", "r3", {"n": 4})
    tdb.upsert_rows(db, "t", [{"$id": "r3", "n": 5}])
    tdb.update_rows(db, "t", {"n": 6}, [Query.equal("$id", "r2")])
    tdb.delete_row(db, "t", "r1")
    tdb.delete_rows(db, "t", [Query.equal("$id", "r3")])
    legacy, current = f"databases.{db}.collections.t.documents", f"databases.{db}.tables.t.rows"
    assert [name for name, _, _ in recorder.events] == [
        f"{legacy}.r1.create",
        f"{legacy}.r2.create",
        f"{current}.r1.update",
        f"{current}.r1.update",
        f"{current}.r3.upsert",
        f"{legacy}.r3.upsert",
        f"{legacy}.r2.update",
        f"{current}.r1.delete",
        f"{legacy}.r3.delete",
    ]
    assert recorder.events[0][2]["$id"] == "r1" and recorder.events[0][2]["$sequence"] == "1"
    assert {kind for _, kind, _ in recorder.events} == {"key"}


def test_transaction_writes_fire_on_commit(admin_client, recorder):
    tdb = TablesDB(admin_client)
    db = new_id("evtx")
    tdb.create(db, "Events")
    tdb.create_table(db, "t", "T")
    tdb.create_integer_column(db, "t", "n", False)
    txn = plain(tdb.create_transaction())["$id"]
    tdb.create_row(db, "t", "r1", {"n": 1}, transaction_id=txn)
    tdb.update_row(db, "t", "r1", {"n": 2}, transaction_id=txn)
    assert recorder.events == []
    tdb.update_transaction(txn, commit=True)
    assert [name for name, _, _ in recorder.events] == [
        f"databases.{db}.collections.t.documents.r1.create",
        f"databases.{db}.tables.t.rows.r1.update",
    ]
