"""SQLite records of buckets and files (the bytes live in `blobs.py`).

Each bucket and each file is one JSON document with Appwrite's attribute names in a `doc`
column; `$sequence` is the row's auto-increment number. A file row belongs to its bucket
(deleting the bucket deletes its file rows). Functions here do no validation or
authorization; the routes do.
"""

from __future__ import annotations

import sqlite3

from emulator.core.sqlite import Database, create_tables, dump_doc, load_doc

SCHEMA = """
CREATE TABLE IF NOT EXISTS storage_buckets (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    doc TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS storage_files (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    bucket_id TEXT NOT NULL REFERENCES storage_buckets(id) ON DELETE CASCADE,
    id TEXT NOT NULL,
    doc TEXT NOT NULL,
    UNIQUE (bucket_id, id)
);
CREATE INDEX IF NOT EXISTS storage_files_bucket ON storage_files(bucket_id);
-- the dates a list of files may filter on in SQL (routes_files: `_pushed_down`)
CREATE INDEX IF NOT EXISTS storage_files_updated
    ON storage_files(bucket_id, json_extract(doc, '$."$updatedAt"'));
CREATE INDEX IF NOT EXISTS storage_files_created
    ON storage_files(bucket_id, json_extract(doc, '$."$createdAt"'));
"""


class Conflict(Exception):
    """The id is taken."""


class Store:
    """Buckets and file records of one emulator."""

    def __init__(self, db: Database):
        self.db = db
        create_tables(db, SCHEMA)

    # ---------------------------------------------------------------- buckets

    def bucket(self, bucket_id: str) -> dict | None:
        rows = self.db.query("SELECT seq, doc FROM storage_buckets WHERE id = ?", (bucket_id,))
        return load_doc(next(iter(rows), None))

    def buckets(self) -> list[dict]:
        return [
            load_doc(r) for r in self.db.query("SELECT seq, doc FROM storage_buckets ORDER BY seq")
        ]

    def insert_bucket(self, doc: dict) -> dict:
        try:
            with self.db.transaction() as conn:
                cursor = conn.execute(
                    "INSERT INTO storage_buckets (id, doc) VALUES (?, ?)",
                    (doc["$id"], dump_doc(doc)),
                )
        except sqlite3.IntegrityError as exc:
            raise Conflict(doc["$id"]) from exc
        return dict(doc, **{"$sequence": str(cursor.lastrowid)})

    def replace_bucket(self, doc: dict) -> dict:
        with self.db.transaction() as conn:
            conn.execute(
                "UPDATE storage_buckets SET doc = ? WHERE id = ?", (dump_doc(doc), doc["$id"])
            )
        return doc

    def delete_bucket(self, bucket_id: str) -> bool:
        with self.db.transaction() as conn:
            return (
                conn.execute("DELETE FROM storage_buckets WHERE id = ?", (bucket_id,)).rowcount > 0
            )

    def total_size(self, bucket_id: str) -> int:
        rows = self.db.query(
            "SELECT COALESCE(SUM(json_extract(doc, '$.sizeActual')), 0) AS n FROM storage_files "
            "WHERE bucket_id = ?",
            (bucket_id,),
        )
        return int(rows[0]["n"])

    # ---------------------------------------------------------------- files

    def file(self, bucket_id: str, file_id: str) -> dict | None:
        rows = self.db.query(
            "SELECT seq, doc FROM storage_files WHERE bucket_id = ? AND id = ?",
            (bucket_id, file_id),
        )
        return load_doc(next(iter(rows), None))

    def files(self, bucket_id: str) -> list[dict]:
        rows = self.db.query(
            "SELECT seq, doc FROM storage_files WHERE bucket_id = ? ORDER BY seq", (bucket_id,)
        )
        return [load_doc(r) for r in rows]

    def all_files(self) -> list[dict]:
        return [
            load_doc(r) for r in self.db.query("SELECT seq, doc FROM storage_files ORDER BY seq")
        ]

    def files_page(
        self,
        bucket_id: str,
        where: list[tuple[str, list]],
        order: str,
        descending: bool,
        limit: int,
        offset: int,
    ) -> list[dict]:
        """One page of a bucket's files, filtered, ordered and paged by SQLite: `where` holds
        SQL conditions on `id` or `doc` with their parameters, `order` is `id` or `seq`."""
        sql, params = self._where(bucket_id, where)
        direction = "DESC" if descending else "ASC"
        rows = self.db.query(
            f"SELECT seq, doc FROM storage_files WHERE {sql} ORDER BY {order} {direction} "
            "LIMIT ? OFFSET ?",
            (*params, limit, offset),
        )
        return [load_doc(r) for r in rows]

    def count_files(self, bucket_id: str, where: list[tuple[str, list]], cap: int) -> int:
        """How many of a bucket's files meet `where`, counted up to `cap`."""
        sql, params = self._where(bucket_id, where)
        rows = self.db.query(
            f"SELECT COUNT(*) AS n FROM (SELECT 1 FROM storage_files WHERE {sql} LIMIT ?)",
            (*params, cap),
        )
        return int(rows[0]["n"])

    @staticmethod
    def _where(bucket_id: str, where: list[tuple[str, list]]) -> tuple[str, list]:
        sql = " AND ".join(["bucket_id = ?", *(condition for condition, _ in where)])
        return sql, [bucket_id, *(p for _, values in where for p in values)]

    def insert_file(self, doc: dict) -> dict:
        try:
            with self.db.transaction() as conn:
                cursor = conn.execute(
                    "INSERT INTO storage_files (bucket_id, id, doc) VALUES (?, ?, ?)",
                    (doc["bucketId"], doc["$id"], dump_doc(doc)),
                )
        except sqlite3.IntegrityError as exc:
            raise Conflict(doc["$id"]) from exc
        return dict(doc, **{"$sequence": str(cursor.lastrowid)})

    def replace_file(self, doc: dict) -> dict:
        with self.db.transaction() as conn:
            conn.execute(
                "UPDATE storage_files SET doc = ? WHERE bucket_id = ? AND id = ?",
                (dump_doc(doc), doc["bucketId"], doc["$id"]),
            )
        return doc

    def delete_file(self, bucket_id: str, file_id: str) -> bool:
        with self.db.transaction() as conn:
            cursor = conn.execute(
                "DELETE FROM storage_files WHERE bucket_id = ? AND id = ?", (bucket_id, file_id)
            )
            return cursor.rowcount > 0
