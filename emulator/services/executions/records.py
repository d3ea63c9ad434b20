"""Executions, stored in the emulator's SQLite database (one JSON document per execution,
with the columns the emulator queries by beside it)."""

from __future__ import annotations

import json

from emulator.core.sqlite import Database, create_tables

from .model import Execution, Status

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


class ExecutionRecords:
    """Every execution of one emulator, oldest first."""

    def __init__(self, db: Database):
        self.db = db
        create_tables(db, SCHEMA)

    def save(self, execution: Execution) -> None:
        with self.db.transaction() as conn:
            conn.execute(
                "INSERT INTO functions_executions "
                "(id, function_id, parent_id, created_at, status, trigger, document) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET "
                "status=excluded.status, document=excluded.document",
                (
                    execution.id,
                    execution.function_id,
                    execution.parent_id,
                    execution.created_at,
                    str(execution.status),
                    str(execution.trigger),
                    json.dumps(execution.record()),
                ),
            )

    def get(self, execution_id: str) -> Execution | None:
        rows = self.db.query(
            "SELECT document FROM functions_executions WHERE id = ?", (execution_id,)
        )
        return Execution.from_record(json.loads(rows[0]["document"])) if rows else None

    def delete(self, execution_id: str) -> None:
        with self.db.transaction() as conn:
            conn.execute("DELETE FROM functions_executions WHERE id = ?", (execution_id,))

    def all_for(self, function_id: str) -> list[Execution]:
        """Every execution of a function, oldest first."""
        return self._select("function_id = ?", (function_id,))

    def with_status(self, status: Status) -> list[Execution]:
        return self._select("status = ?", (str(status),))

    def since(self, seq: int) -> tuple[int, list[Execution]]:
        """Executions created after the sequence mark `seq`, and the new mark."""
        rows = self.db.query(
            "SELECT seq, document FROM functions_executions WHERE seq > ? ORDER BY seq", (seq,)
        )
        mark = rows[-1]["seq"] if rows else seq
        return mark, [Execution.from_record(json.loads(r["document"])) for r in rows]

    def mark(self) -> int:
        rows = self.db.query("SELECT COALESCE(MAX(seq), 0) AS seq FROM functions_executions")
        return rows[0]["seq"]

    def _select(self, where: str, params: tuple) -> list[Execution]:
        rows = self.db.query(
            f"SELECT document FROM functions_executions WHERE {where} ORDER BY seq", params
        )
        return [Execution.from_record(json.loads(r["document"])) for r in rows]

    # -- for the console (read-only) -----------------------------------------------------------
    def recent(self, limit: int = 100, function_id: str | None = None) -> list[Execution]:
        """The newest executions (of one function, or all), newest first."""
        where, params = ("function_id = ?", (function_id,)) if function_id else ("1", ())
        rows = self.db.query(
            f"SELECT document FROM functions_executions WHERE {where} ORDER BY seq DESC LIMIT ?",
            (*params, limit),
        )
        return [Execution.from_record(json.loads(r["document"])) for r in rows]

    def latest_of(self, function_id: str) -> Execution | None:
        found = self.recent(1, function_id)
        return found[0] if found else None

    def caused_by(self, execution_id: str) -> list[Execution]:
        """The executions whose events a write of `execution_id` fired, oldest first."""
        return self._select("parent_id = ?", (execution_id,))
