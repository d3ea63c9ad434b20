"""audit.py: audit rows written once per idempotency key (pure parts, then against the emulator)."""

import json
import re
import uuid

import pytest
from appwrite.services.tables_db import TablesDB

from shared.audit import audit_entry, audit_row_id, record, record_many


def test_row_id_is_a_stable_valid_appwrite_id():
    assert audit_row_id("enrich:a1") == audit_row_id("enrich:a1")
    assert audit_row_id("enrich:a1") != audit_row_id("enrich:a2")
    assert re.fullmatch(r"[0-9a-f]{32}", audit_row_id("x" * 128))


def test_entry_columns():
    entry = audit_entry(
        "enrich:a1",
        "article.enriched",
        actor_id="u1",
        subject_table="articles",
        subject_id="a1",
        details={"b": 2, "a": "x"},
    )
    assert entry == {
        "idempotencyKey": "enrich:a1",
        "action": "article.enriched",
        "actorId": "u1",
        "subjectTable": "articles",
        "subjectId": "a1",
        "details": '{"a":"x","b":2}',
    }
    assert audit_entry("k", "a")["details"] is None and audit_entry("k", "a")["actorId"] is None


@pytest.mark.parametrize(
    "key, action, fields",
    [
        ("", "a", {}),
        ("k" * 129, "a", {}),
        ("k", "", {}),
        ("k", "a" * 65, {}),
        ("k", "a", {"subject_id": "s" * 37}),
        ("k", "a", {"details": {"big": "x" * 10_001}}),
    ],
)
def test_entry_rejects_values_that_do_not_fit(key, action, fields):
    with pytest.raises(ValueError):
        audit_entry(key, action, **fields)


def test_record_writes_once(appwrite):
    tables = TablesDB(appwrite.admin_client())
    key = f"test:{uuid.uuid4().hex}"
    assert record(tables, key, "test.done", subject_id="s1", details={"n": 1}) is True
    assert record(tables, key, "test.done", subject_id="s1", details={"n": 2}) is False
    row = tables.get_row("newsroom", "audit_log", audit_row_id(key))
    assert (row["idempotencyKey"], json.loads(row["details"])) == (key, {"n": 1})


def test_record_propagates_other_errors(appwrite):
    from appwrite.exception import AppwriteException

    guest = TablesDB(appwrite.guest_client())  # no key: creating audit rows is not allowed
    with pytest.raises(AppwriteException) as refused:
        record(guest, f"test:{uuid.uuid4().hex}", "test.done")
    assert refused.value.code == 401


def test_record_many_writes_each_key_once_even_when_some_exist(appwrite):
    tables = TablesDB(appwrite.admin_client())
    keys = [f"test:{uuid.uuid4().hex}" for _ in range(3)]
    record(tables, keys[1], "test.done", details={"first": True})
    record_many(
        tables, [audit_entry(key, "test.done", subject_id=str(i)) for i, key in enumerate(keys)]
    )
    record_many(
        tables, [audit_entry(key, "test.done") for key in keys]
    )  # all exist: nothing happens
    rows = [tables.get_row("newsroom", "audit_log", audit_row_id(key)) for key in keys]
    assert [r["subjectId"] for r in rows] == ["0", None, "2"]
    assert json.loads(rows[1]["details"]) == {"first": True}


def test_record_many_refuses_more_than_a_bulk_create_takes():
    with pytest.raises(ValueError):
        record_many(None, [audit_entry(f"k{i}", "a") for i in range(101)])
