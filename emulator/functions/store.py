"""Executions, stored in the emulator's SQLite database and shaped as Appwrite's
Execution model (reference appwrite-rest-api.md §2.6, §3.2)."""

from __future__ import annotations

import json
from typing import Any

from emulator.store.sqlite import Database

SCHEMA = """
CREATE TABLE IF NOT EXISTS functions_executions (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    function_id TEXT NOT NULL,
    parent_id TEXT,
    created_at TEXT NOT NULL,
    status TEXT NOT NULL,
    trigger TEXT NOT NULL,
    document TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS functions_executions_function ON functions_executions (function_id, seq);
CREATE INDEX IF NOT EXISTS functions_executions_parent ON functions_executions (parent_id)
"""

# Only these request/response headers are kept on a stored execution (Appwrite's allow-list).
STORED_REQUEST_HEADERS = ("content-type", "agent", "content-length", "host", "x-appwrite-client-ip")
STORED_RESPONSE_HEADERS = ("content-type", "content-length")
LOG_KEEP = 1_000_000
LOG_WARNING = "[WARNING] Logs truncated. The output exceeded 1000000 characters.\n"
# Not part of Appwrite's model: what the emulator records about why an execution ran.
PRIVATE_FIELDS = ("_event", "_parentId", "_loop", "_response", "_syncTimedOut", "_invocation")


def init_schema(db: Database) -> None:
    with db.transaction() as conn:
        for statement in SCHEMA.split(";"):
            if statement.strip():
                conn.execute(statement)


def keep_last(text: str) -> str:
    """Appwrite keeps the last 1,000,000 characters of logs and of errors."""
    if len(text) <= LOG_KEEP:
        return text
    return LOG_WARNING + text[-LOG_KEEP:]


def header_list(headers: dict[str, str], allowed: tuple[str, ...]) -> list[dict[str, str]]:
    return [{"name": k, "value": v} for k, v in headers.items() if k.lower() in allowed]


def save(db: Database, execution: dict[str, Any]) -> None:
    with db.transaction() as conn:
        conn.execute(
            "INSERT INTO functions_executions (id, function_id, parent_id, created_at, status, trigger, document) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET status=excluded.status, "
            "document=excluded.document",
            (
                execution["$id"],
                execution["functionId"],
                execution.get("_parentId"),
                execution["$createdAt"],
                execution["status"],
                execution["trigger"],
                json.dumps(execution),
            ),
        )


def get(db: Database, execution_id: str) -> dict[str, Any] | None:
    rows = db.query("SELECT document FROM functions_executions WHERE id = ?", (execution_id,))
    return json.loads(rows[0]["document"]) if rows else None


def delete(db: Database, execution_id: str) -> None:
    with db.transaction() as conn:
        conn.execute("DELETE FROM functions_executions WHERE id = ?", (execution_id,))


def all_for(db: Database, function_id: str) -> list[dict[str, Any]]:
    """Every execution of a function, oldest first."""
    rows = db.query(
        "SELECT document FROM functions_executions WHERE function_id = ? ORDER BY seq",
        (function_id,),
    )
    return [json.loads(r["document"]) for r in rows]


def with_status(db: Database, status: str) -> list[dict[str, Any]]:
    rows = db.query(
        "SELECT document FROM functions_executions WHERE status = ? ORDER BY seq", (status,)
    )
    return [json.loads(r["document"]) for r in rows]


def children_of(db: Database, execution_id: str) -> list[dict[str, Any]]:
    """Executions triggered by the writes of `execution_id`."""
    rows = db.query(
        "SELECT document FROM functions_executions WHERE parent_id = ? ORDER BY seq",
        (execution_id,),
    )
    return [json.loads(r["document"]) for r in rows]


def since(db: Database, seq: int) -> tuple[int, list[dict[str, Any]]]:
    """Executions created after the sequence mark `seq`, and the new mark."""
    rows = db.query(
        "SELECT seq, document FROM functions_executions WHERE seq > ? ORDER BY seq", (seq,)
    )
    mark = rows[-1]["seq"] if rows else seq
    return mark, [json.loads(r["document"]) for r in rows]


def mark(db: Database) -> int:
    rows = db.query("SELECT COALESCE(MAX(seq), 0) AS seq FROM functions_executions")
    return rows[0]["seq"]


def public(execution: dict[str, Any], *, with_logs: bool) -> dict[str, Any]:
    """The Execution model as the API returns it; `logs`/`errors` only for key callers."""
    model = {k: v for k, v in execution.items() if k not in PRIVATE_FIELDS}
    if not with_logs:
        model["logs"] = ""
        model["errors"] = ""
    return model
