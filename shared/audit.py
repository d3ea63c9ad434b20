"""Audit rows (table `audit_log`), written at most once per idempotency key.

    written = record(tables, "enrich:a1", "article.enriched", actor_id=author,
                     subject_table="articles", subject_id="a1", deadline=req.deadline)
    record_many(tables, [audit_entry("purge:article:a1", "article.purged", ...), ...])

The row id is derived from the key (`audit_row_id`) and the `idempotencyKey` column has a
unique index, so writing the same key twice cannot make two rows: the second create
answers 409 (`row_already_exists` or `row_unique_constraint_violation`), which `record`
reports as `False` ("already recorded"). That makes the create safe to retry, and the row
a marker that a step happened.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from typing import Any

from .retry import retry
from .tables import AUDIT_LOG, DATABASE_ID

TABLE_ID = AUDIT_LOG
MAX_KEY = 128
MAX_ACTION = 64
MAX_ID = 36
MAX_DETAILS = 10_000
MAX_BATCH = 100  # rows per bulk create


def audit_row_id(key: str) -> str:
    """The row id for an idempotency key: 32 hex characters, a valid Appwrite id."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def audit_entry(
    key: str,
    action: str,
    *,
    actor_id: str | None = None,
    subject_table: str | None = None,
    subject_id: str | None = None,
    details: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The `data` of an audit row; `ValueError` if a value does not fit its column."""
    if not key or len(key) > MAX_KEY:
        raise ValueError(f"idempotency key must be 1–{MAX_KEY} characters")
    if not action or len(action) > MAX_ACTION:
        raise ValueError(f"action must be 1–{MAX_ACTION} characters")
    for name, value in (
        ("actor_id", actor_id),
        ("subject_table", subject_table),
        ("subject_id", subject_id),
    ):
        if value is not None and len(value) > MAX_ID:
            raise ValueError(f"{name} must be at most {MAX_ID} characters")
    text = (
        json.dumps(dict(details), separators=(",", ":"), sort_keys=True, default=str)
        if details
        else None
    )
    if text is not None and len(text) > MAX_DETAILS:
        raise ValueError(f"details must serialize to at most {MAX_DETAILS} characters")
    return {
        "idempotencyKey": key,
        "action": action,
        "actorId": actor_id or None,
        "subjectTable": subject_table,
        "subjectId": subject_id,
        "details": text,
    }


def _is_conflict(exc: BaseException) -> bool:
    return getattr(exc, "code", None) == 409


def _create(tables: Any, entry: dict[str, Any], deadline: float) -> bool:
    row_id = audit_row_id(entry["idempotencyKey"])
    try:
        retry(lambda: tables.create_row(DATABASE_ID, TABLE_ID, row_id, entry), deadline=deadline)
    except Exception as exc:
        if _is_conflict(exc):
            return False
        raise
    return True


def record(
    tables: Any, key: str, action: str, *, deadline: float = math.inf, **fields: Any
) -> bool:
    """Write the audit row for `key`; `True` if written now, `False` if it already existed.

    `tables` is a `TablesDB` service with `rows.write`. Transient failures are retried
    within `deadline`; a retry that finds the row its lost attempt wrote counts as
    "already recorded".
    """
    return _create(tables, audit_entry(key, action, **fields), deadline)


def record_many(tables: Any, entries: list[dict[str, Any]], *, deadline: float = math.inf) -> None:
    """Write the audit rows of `entries` (from `audit_entry`): one bulk create (≤100), or,
    when some exist already, each missing one on its own."""
    if len(entries) > MAX_BATCH:
        raise ValueError(f"at most {MAX_BATCH} audit rows at once")
    rows = [{"$id": audit_row_id(entry["idempotencyKey"]), **entry} for entry in entries]
    try:
        retry(lambda: tables.create_rows(DATABASE_ID, TABLE_ID, rows), deadline=deadline)
    except Exception as exc:
        if not _is_conflict(exc):
            raise
        for entry in entries:
            _create(tables, entry, deadline)
