"""TablesDB transactions: staged row operations, applied atomically on commit.

A transaction is a row in `tablesdb_transactions` holding its staged operations
(`{action, databaseId, tableId, rowId?, data?}`, the `create_operations` shape).
Nothing touches the tables until commit; reads inside a transaction replay the
operations in a rolled-back SQLite transaction (see
`emulator.services.tablesdb.routes_transactions`).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from emulator.core import clock
from emulator.core.clock import iso, parse_datetime
from emulator.core.errors import AppwriteError
from emulator.core.sqlite import Database

MAX_OPERATIONS = 100
TTL_MIN, TTL_MAX, TTL_DEFAULT = 60, 3600, 300

_SCHEMA = """CREATE TABLE IF NOT EXISTS tablesdb_transactions (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, created TEXT NOT NULL,
    updated TEXT NOT NULL, status TEXT NOT NULL, expires TEXT NOT NULL, operations TEXT NOT NULL,
    owner TEXT NOT NULL DEFAULT '')"""


def model(row) -> dict:
    return {
        "$id": row["id"],
        "$createdAt": row["created"],
        "$updatedAt": row["updated"],
        "status": row["status"],
        "operations": len(json.loads(row["operations"])),
        "expiresAt": row["expires"],
    }


class Transactions:
    """Transactions of one project. `owner` is the creating user's id ('' for keys); a user
    only sees their own transactions, keys see all (Appwrite gives a transaction its creator's
    permissions)."""

    def __init__(self, db: Database):
        self.db = db
        db.execute(_SCHEMA)
        if "owner" not in {r["name"] for r in db.query("PRAGMA table_info(tablesdb_transactions)")}:
            db.execute(
                "ALTER TABLE tablesdb_transactions ADD COLUMN owner TEXT NOT NULL DEFAULT ''"
            )  # older files
        self.owner: str | None = None  # set per request by `for_caller`

    def for_caller(self, owner: str | None) -> Transactions:
        """A view limited to `owner`'s transactions (None: every transaction)."""
        view = Transactions.__new__(Transactions)
        view.db, view.owner = self.db, owner
        return view

    def create(self, transaction_id: str, ttl: int) -> dict:
        stamp = clock.iso()
        expires = iso(datetime.now(UTC) + timedelta(seconds=ttl))
        self.db.execute(
            "INSERT INTO tablesdb_transactions (id, created, updated, status, expires, "
            "operations, owner) VALUES (?, ?, ?, 'pending', ?, '[]', ?)",
            (transaction_id, stamp, stamp, expires, self.owner or ""),
        )
        return self.get(transaction_id)

    def _row(self, transaction_id: str):
        rows = self.db.query("SELECT * FROM tablesdb_transactions WHERE id = ?", (transaction_id,))
        if not rows or (self.owner is not None and rows[0]["owner"] != self.owner):
            raise AppwriteError("transaction_not_found", id=transaction_id)
        return rows[0]

    def get(self, transaction_id: str) -> dict:
        return model(self._row(transaction_id))

    def list(self) -> list[dict]:
        rows = self.db.query("SELECT * FROM tablesdb_transactions ORDER BY seq")
        return [
            dict(model(r), **{"$sequence": r["seq"]})
            for r in rows
            if self.owner is None or r["owner"] == self.owner
        ]

    def operations(self, transaction_id: str) -> list[dict]:
        return json.loads(self._row(transaction_id)["operations"])

    def usable(self, transaction_id: str) -> dict:
        """The transaction if it can take operations or be committed: pending and not expired."""
        row = self._row(transaction_id)
        if row["status"] != "pending":
            raise AppwriteError("transaction_not_ready")
        if parse_datetime(row["expires"]) <= datetime.now(UTC):
            raise AppwriteError("transaction_expired")
        return model(row)

    def add(self, transaction_id: str, operations: list[dict]) -> dict:
        with self.db.transaction():
            self.usable(transaction_id)
            staged = self.operations(transaction_id)
            if len(staged) + len(operations) > MAX_OPERATIONS:
                raise AppwriteError(
                    "transaction_limit_exceeded",
                    f"Transaction already has {len(staged)} operations, "
                    f"adding {len(operations)} would exceed the maximum of {MAX_OPERATIONS}",
                )
            self.db.execute(
                "UPDATE tablesdb_transactions SET operations = ?, updated = ? WHERE id = ?",
                (json.dumps(staged + operations), clock.iso(), transaction_id),
            )
        return self.get(transaction_id)

    def set_status(self, transaction_id: str, status: str) -> dict:
        self.db.execute(
            "UPDATE tablesdb_transactions SET status = ?, updated = ? WHERE id = ?",
            (status, clock.iso(), transaction_id),
        )
        return self.get(transaction_id)

    def delete(self, transaction_id: str) -> None:
        self._row(transaction_id)
        self.db.execute("DELETE FROM tablesdb_transactions WHERE id = ?", (transaction_id,))
