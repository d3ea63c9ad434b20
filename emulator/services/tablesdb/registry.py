"""The TablesDB schema registry: databases, tables, columns and indexes.

Metadata lives in `tablesdb_*` tables; every Appwrite table is also a real SQLite
table `tdb_<seq>` (system columns `_id` = `$sequence`, `_uid` = `$id`, `_createdAt`,
`_updatedAt`, `_permissions`, then one SQLite column per Appwrite column, named by
its validated key) with a permissions side table `tdb_<seq>_perms` and real SQLite
indexes; fulltext indexes are FTS5 tables kept in sync by triggers.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field

from emulator.core import clock
from emulator.core.errors import AppwriteError
from emulator.core.query import Attribute, Schema
from emulator.core.sqlite import Database, quote_identifier
from emulator.services.tablesdb import columns as col
from emulator.services.tablesdb import index_rules

SYSTEM_SQL = {
    "$id": "_uid",
    "$sequence": "_id",
    "$createdAt": "_createdAt",
    "$updatedAt": "_updatedAt",
}
MAX_COLUMNS = 1017 - 5
MAX_INDEXES = 64 - 6
_FUNCTION_ARGS = 127  # SQLITE_MAX_FUNCTION_ARG's default

_METADATA = [
    """CREATE TABLE IF NOT EXISTS tablesdb_databases (
        seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, name TEXT NOT NULL,
        enabled INTEGER NOT NULL, created TEXT NOT NULL, updated TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS tablesdb_tables (
        seq INTEGER PRIMARY KEY AUTOINCREMENT, database_id TEXT NOT NULL, id TEXT NOT NULL,
        name TEXT NOT NULL, enabled INTEGER NOT NULL, row_security INTEGER NOT NULL,
        permissions TEXT NOT NULL, created TEXT NOT NULL, updated TEXT NOT NULL,
        UNIQUE (database_id, id))""",
    """CREATE TABLE IF NOT EXISTS tablesdb_columns (
        table_seq INTEGER NOT NULL, key TEXT NOT NULL, position INTEGER NOT NULL,
        spec TEXT NOT NULL, created TEXT NOT NULL, updated TEXT NOT NULL,
        PRIMARY KEY (table_seq, key))""",
    """CREATE TABLE IF NOT EXISTS tablesdb_indexes (
        table_seq INTEGER NOT NULL, key TEXT NOT NULL, position INTEGER NOT NULL,
        spec TEXT NOT NULL, created TEXT NOT NULL, updated TEXT NOT NULL,
        PRIMARY KEY (table_seq, key))""",
]


@dataclass
class TableMeta:
    """One table's definition, loaded from the registry."""

    seq: int
    database_id: str
    id: str
    name: str
    enabled: bool
    row_security: bool
    permissions: list[str]
    created: str
    updated: str
    columns: list[dict] = field(default_factory=list)  # specs with "$createdAt"/"$updatedAt"
    indexes: list[dict] = field(default_factory=list)

    @property
    def sql(self) -> str:
        return f'"tdb_{self.seq}"'

    @property
    def perms_sql(self) -> str:
        return f'"tdb_{self.seq}_perms"'

    def fulltext_sql(self, index_key: str) -> str:
        return quote_identifier(f"tdb_{self.seq}_ft_{index_key}")

    def column(self, key: str) -> dict | None:
        by_key = self.__dict__.get("_by_key")
        if by_key is None or len(by_key) != len(self.columns):  # built once, after loading
            by_key = self.__dict__["_by_key"] = {c["key"]: c for c in self.columns}
        return by_key.get(key)

    def index(self, key: str) -> dict | None:
        return next((i for i in self.indexes if i["key"] == key), None)

    def key_taken(self, key: str, kind: str = "columns") -> bool:
        """Keys clash case-insensitively (as MariaDB's and SQLite's names do)."""
        return any(item["key"].lower() == key.lower() for item in getattr(self, kind))

    def _derived(self, name: str, build):
        """`build()`, kept on this (shared, never changed) definition until its columns or
        indexes change — the registry hands out the same `TableMeta` between writes."""
        shape = (len(self.columns), len(self.indexes))
        cached = self.__dict__.get(name)
        if cached is None or cached[0] != shape:
            cached = self.__dict__[name] = (shape, build())
        return cached[1]

    def columns_by_key(self) -> dict[str, dict]:
        return self._derived("_columns_by_key", lambda: {c["key"]: c for c in self.columns})

    def column_keys(self) -> tuple[str, ...]:
        """The columns' keys, in their order."""
        return self._derived("_column_keys", lambda: tuple(c["key"] for c in self.columns))

    def decoders(self) -> list[tuple[str, object]]:
        """(column key, stored value → Appwrite value, or None when the value is kept as is)."""
        return self._derived(
            "_decoders", lambda: [(c["key"], col.decoder(c)) for c in self.columns]
        )

    def rendered_row(self) -> tuple[str, tuple] | None:
        """(SQL expression, its parameters) that has SQLite write a stored row as its Row
        model's JSON text: `rows.row_model` without a `select` — the same keys, order and
        values. None when a column's value cannot be written exactly so (doubles:
        `columns.json_sql`) or there are more columns than one SQL function call takes
        arguments (SQLite's default limit is 127)."""
        return self._derived("_rendered_row", self._rendered_row)

    def _rendered_row(self) -> tuple[str, tuple] | None:
        columns = [(c["key"], col.json_sql(c, quote_identifier(c["key"]))) for c in self.columns]
        if any(value is None for _, value in columns):
            return None
        pairs = [
            ("$id", "_uid"),
            ("$sequence", "CAST(_id AS TEXT)"),
            ("$createdAt", "_createdAt"),
            ("$updatedAt", "_updatedAt"),
            ("$permissions", "json(_permissions)"),
            *columns,
            ("$databaseId", "?"),
            ("$tableId", "?"),
        ]
        if 2 * len(pairs) > _FUNCTION_ARGS:
            return None
        sql = "json_object(" + ", ".join(f"?, {value}" for _, value in pairs) + ")"
        params: list[str] = []
        for key, value in pairs:
            params.append(key)
            if value == "?":
                params.append(self.database_id if key == "$databaseId" else self.id)
        return sql, tuple(params)

    def value_checks(self) -> list[tuple[str, dict, object]]:
        """(column key, column, its `columns.quick_accept` test or None), in column order."""
        return self._derived(
            "_value_checks",
            lambda: [(c["key"], c, col.quick_accept(c)) for c in self.columns],
        )

    def sql_encoders(self) -> list[tuple[str, object]]:
        """(column key, `columns.sql_encoder`: JSON value → stored value, or None when the
        value is stored as it is), in column order."""
        return self._derived(
            "_sql_encoders", lambda: [(c["key"], col.sql_encoder(c)) for c in self.columns]
        )

    def schema(self) -> Schema:
        return self._derived("_schema", self._schema)

    def _schema(self) -> Schema:
        attributes = [
            Attribute.for_column(
                c["key"],
                col.query_kind(c),
                c.get("array", False),
                quote_identifier(c["key"]),
                c.get("encrypt", False),
            )
            for c in self.columns
        ]
        fulltext = {
            i["columns"][0]: self.fulltext_sql(i["key"])
            for i in self.indexes
            if i["type"] == "fulltext" and len(i["columns"]) == 1
        }
        return Schema.of(attributes, fulltext)

    def model(self) -> dict:
        return {
            "$id": self.id,
            "$createdAt": self.created,
            "$updatedAt": self.updated,
            "$permissions": self.permissions,
            "databaseId": self.database_id,
            "name": self.name,
            "enabled": self.enabled,
            "rowSecurity": self.row_security,
            "columns": [column_model(c) for c in self.columns],
            "indexes": [index_model(i) for i in self.indexes],
            "bytesMax": col.ROW_WIDTH_LIMIT,
            "bytesUsed": col.row_width(self.columns),
        }


def column_model(spec: dict) -> dict:
    return col.column_model(spec, spec["$createdAt"], spec["$updatedAt"])


def index_model(spec: dict) -> dict:
    return {
        "$id": spec["key"],
        "$createdAt": spec["$createdAt"],
        "$updatedAt": spec["$updatedAt"],
        "key": spec["key"],
        "type": spec["type"],
        "status": "available",
        "error": "",
        "columns": spec["columns"],
        "lengths": spec.get("lengths", []),
        "orders": spec.get("orders", []),
    }


def database_model(row) -> dict:
    return {
        "$id": row["id"],
        "name": row["name"],
        "$createdAt": row["created"],
        "$updatedAt": row["updated"],
        "enabled": bool(row["enabled"]),
        "type": "tablesdb",
    }


class Registry:
    """CRUD on databases, tables, columns and indexes, keeping the SQLite tables in step."""

    def __init__(self, db: Database):
        self.db = db
        # (database id, table id) → (change token, definition): a definition is read again
        # whenever anything may have changed (Database.change_token), so writes of any kind,
        # rollbacks, other processes and restores all invalidate it; never filled in a
        # transaction. Saves the five small queries of `get_table` on each row request.
        self._tables: dict[tuple[str, str], tuple[tuple, TableMeta]] = {}
        with db.transaction() as conn:
            for statement in _METADATA:
                conn.execute(statement)

    # ------------------------------------------------------------ databases

    def create_database(self, database_id: str, name: str, enabled: bool) -> dict:
        stamp = clock.iso()
        with self.db.transaction() as conn:
            if conn.execute(
                "SELECT 1 FROM tablesdb_databases WHERE id = ?", (database_id,)
            ).fetchone():
                raise AppwriteError("database_already_exists", id=database_id)
            conn.execute(
                "INSERT INTO tablesdb_databases (id, name, enabled, created, updated) "
                "VALUES (?, ?, ?, ?, ?)",
                (database_id, name, int(enabled), stamp, stamp),
            )
        return self.get_database(database_id)

    def get_database(self, database_id: str) -> dict:
        rows = self.db.query("SELECT * FROM tablesdb_databases WHERE id = ?", (database_id,))
        if not rows:
            raise AppwriteError("database_not_found", id=database_id)
        return database_model(rows[0])

    def list_databases(self) -> list[dict]:
        return [
            database_model(r)
            for r in self.db.query("SELECT * FROM tablesdb_databases ORDER BY seq")
        ]

    def update_database(self, database_id: str, name: str, enabled: bool) -> dict:
        with self.db.transaction() as conn:
            self.get_database(database_id)
            conn.execute(
                "UPDATE tablesdb_databases SET name = ?, enabled = ?, updated = ? WHERE id = ?",
                (name, int(enabled), clock.iso(), database_id),
            )
        return self.get_database(database_id)

    def delete_database(self, database_id: str) -> None:
        with self.db.transaction() as conn:
            self.get_database(database_id)
            for table in self.list_tables(database_id):
                self._drop_table(conn, table)
            conn.execute("DELETE FROM tablesdb_databases WHERE id = ?", (database_id,))

    # ------------------------------------------------------------ tables

    def create_table(
        self,
        database_id: str,
        table_id: str,
        name: str,
        permissions: list[str],
        row_security: bool,
        enabled: bool,
    ) -> TableMeta:
        stamp = clock.iso()
        with self.db.transaction() as conn:
            self.get_database(database_id)
            if conn.execute(
                "SELECT 1 FROM tablesdb_tables WHERE database_id = ? AND id = ?",
                (database_id, table_id),
            ).fetchone():
                raise AppwriteError("table_already_exists", id=table_id)
            cursor = conn.execute(
                "INSERT INTO tablesdb_tables (database_id, id, name, enabled, row_security, "
                "permissions, created, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    database_id,
                    table_id,
                    name,
                    int(enabled),
                    int(row_security),
                    json.dumps(permissions),
                    stamp,
                    stamp,
                ),
            )
            seq = cursor.lastrowid
            conn.execute(
                f'CREATE TABLE "tdb_{seq}" (_id INTEGER PRIMARY KEY AUTOINCREMENT, '
                "_uid TEXT NOT NULL UNIQUE, _createdAt TEXT NOT NULL, _updatedAt TEXT NOT NULL, "
                "_permissions TEXT NOT NULL DEFAULT '[]')"
            )
            conn.execute(f'CREATE INDEX "tdb_{seq}_created" ON "tdb_{seq}" (_createdAt)')
            conn.execute(f'CREATE INDEX "tdb_{seq}_updated" ON "tdb_{seq}" (_updatedAt)')
            conn.execute(
                f'CREATE TABLE "tdb_{seq}_perms" (_document INTEGER NOT NULL REFERENCES '
                f'"tdb_{seq}"(_id) ON DELETE CASCADE, _type TEXT NOT NULL, '
                "_permission TEXT NOT NULL, PRIMARY KEY (_document, _type, _permission))"
            )
            conn.execute(
                f'CREATE INDEX "tdb_{seq}_perms_lookup" ON "tdb_{seq}_perms" '
                "(_type, _permission, _document)"
            )
        return self.get_table(database_id, table_id)

    def get_table(self, database_id: str, table_id: str) -> TableMeta:
        """The table's definition (shared: callers must not change it)."""
        token = self.db.change_token()
        cached = self._tables.get((database_id, table_id))
        if token is not None and cached is not None and cached[0] == token:
            return cached[1]
        table = self._read_table(database_id, table_id)
        if token is not None:
            if len(self._tables) > 1000:
                self._tables.clear()
            self._tables[(database_id, table_id)] = (token, table)
        return table

    def _read_table(self, database_id: str, table_id: str) -> TableMeta:
        self.get_database(database_id)
        rows = self.db.query(
            "SELECT * FROM tablesdb_tables WHERE database_id = ? AND id = ?",
            (database_id, table_id),
        )
        if not rows:
            raise AppwriteError("table_not_found", id=table_id)
        return self._load(rows[0])

    def list_tables(self, database_id: str) -> list[TableMeta]:
        self.get_database(database_id)
        rows = self.db.query(
            "SELECT * FROM tablesdb_tables WHERE database_id = ? ORDER BY seq", (database_id,)
        )
        return [self._load(r) for r in rows]

    def _load(self, row) -> TableMeta:
        table = TableMeta(
            seq=row["seq"],
            database_id=row["database_id"],
            id=row["id"],
            name=row["name"],
            enabled=bool(row["enabled"]),
            row_security=bool(row["row_security"]),
            permissions=json.loads(row["permissions"]),
            created=row["created"],
            updated=row["updated"],
        )
        for kind, target in (("columns", table.columns), ("indexes", table.indexes)):
            for r in self.db.query(
                f"SELECT spec, created, updated FROM tablesdb_{kind} "
                "WHERE table_seq = ? ORDER BY position",
                (table.seq,),
            ):
                spec = json.loads(r["spec"])
                spec["$createdAt"], spec["$updatedAt"] = r["created"], r["updated"]
                target.append(spec)
        return table

    def update_table(
        self, table: TableMeta, name: str, permissions: list[str], row_security: bool, enabled: bool
    ) -> TableMeta:
        self.db.execute(
            "UPDATE tablesdb_tables SET name = ?, permissions = ?, row_security = ?, enabled = ?, "
            "updated = ? WHERE seq = ?",
            (
                name,
                json.dumps(permissions),
                int(row_security),
                int(enabled),
                clock.iso(),
                table.seq,
            ),
        )
        return self.get_table(table.database_id, table.id)

    def delete_table(self, table: TableMeta) -> None:
        with self.db.transaction() as conn:
            self._drop_table(conn, table)

    def _drop_table(self, conn, table: TableMeta) -> None:
        for index in table.indexes:
            if index["type"] == "fulltext":
                conn.execute(f"DROP TABLE IF EXISTS {table.fulltext_sql(index['key'])}")
        conn.execute(f"DROP TABLE IF EXISTS {table.perms_sql}")
        conn.execute(f"DROP TABLE IF EXISTS {table.sql}")
        for kind in ("columns", "indexes"):
            conn.execute(f"DELETE FROM tablesdb_{kind} WHERE table_seq = ?", (table.seq,))
        conn.execute("DELETE FROM tablesdb_tables WHERE seq = ?", (table.seq,))

    # ------------------------------------------------------------ columns

    def add_column(self, table: TableMeta, spec: dict) -> dict:
        key = spec["key"]
        if table.key_taken(key):
            raise AppwriteError("column_already_exists", id=key)
        if (
            len(table.columns) >= MAX_COLUMNS
            or col.row_width(table.columns + [spec]) >= col.ROW_WIDTH_LIMIT
        ):
            raise AppwriteError("column_limit_exceeded", id=table.id)
        stamp = clock.iso()
        stored = {k: v for k, v in spec.items() if not k.startswith("$")}
        with self.db.transaction() as conn:
            position = conn.execute(
                "SELECT COALESCE(MAX(position), 0) + 1 FROM tablesdb_columns WHERE table_seq = ?",
                (table.seq,),
            ).fetchone()[0]
            conn.execute(
                "INSERT INTO tablesdb_columns (table_seq, key, position, spec, created, updated) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (table.seq, key, position, json.dumps(stored), stamp, stamp),
            )
            conn.execute(
                f"ALTER TABLE {table.sql} ADD COLUMN {quote_identifier(key)} "
                f"{col.sqlite_type(spec)}"
            )
            self._touch(conn, table)
        return {**stored, "$createdAt": stamp, "$updatedAt": stamp}

    def update_column(self, table: TableMeta, key: str, spec: dict, new_key: str | None) -> dict:
        """Change a column (Appwrite's `updateAttribute`): the row width, then — when the
        size or the key changes — every index against the new definition (400
        column_index_invalid), then the stored values against a smaller size (400
        column_invalid_resize); a rename carries the indexes along."""
        stored = {k: v for k, v in spec.items() if not k.startswith("$")}
        old = {k: v for k, v in (table.column(key) or {}).items() if not k.startswith("$")}
        renaming = bool(new_key) and new_key != key
        stamp = clock.iso()
        if renaming:
            if any(c["key"].lower() == new_key.lower() and c["key"] != key for c in table.columns):
                raise AppwriteError("column_already_exists", id=new_key)
            stored["key"] = new_key
        others = [c for c in table.columns if c["key"] != key]
        if col.row_width(others + [stored]) >= col.ROW_WIDTH_LIMIT:
            raise AppwriteError("column_limit_exceeded", id=table.id)
        indexes = [
            dict(i, columns=[stored["key"] if c == key else c for c in i["columns"]])
            for i in table.indexes
        ]
        if renaming or stored.get("size") != old.get("size"):
            for index in indexes:
                message = index_rules.problem(others + [stored], index)
                if message:
                    raise AppwriteError("column_index_invalid", message)
        with self.db.transaction() as conn:
            if self._truncates(conn, table, old, stored):
                raise AppwriteError("column_invalid_resize")
            if renaming:
                touched = [i for i in table.indexes if key in i["columns"]]
                for index in touched:
                    self._drop_sql_index(conn, table, index)
                conn.execute(
                    f"ALTER TABLE {table.sql} RENAME COLUMN {quote_identifier(key)} TO "
                    f"{quote_identifier(new_key)}"
                )
                for index in indexes:
                    if key in table.index(index["key"])["columns"]:
                        self._create_sql_index(conn, table, index)
                        self._store_index(conn, table, index)
            conn.execute(
                "UPDATE tablesdb_columns SET key = ?, spec = ?, updated = ? "
                "WHERE table_seq = ? AND key = ?",
                (stored["key"], json.dumps(stored), stamp, table.seq, key),
            )
            self._touch(conn, table)
        created = table.column(key)["$createdAt"]
        return {**stored, "$createdAt": created, "$updatedAt": stamp}

    @staticmethod
    def _truncates(conn, table: TableMeta, old: dict, new: dict) -> bool:
        """Whether MariaDB would refuse the new size: a stored value longer than a VARCHAR(n)
        in characters, or than a TEXT type in bytes (strings above 16,381 are TEXT types)."""
        if new.get("array") or new["type"] not in ("varchar", "string"):
            return False
        size, before = new.get("size") or 0, old.get("size") or 0
        if size >= before:
            return False
        column = quote_identifier(old["key"])
        if size <= col.VARCHAR_MAX:
            measure, limit = f"length({column})", size
        else:
            measure = f"length(CAST({column} AS BLOB))"
            limit = next(n for n in (65535, 16777215, 4294967295) if size <= n)
        found = conn.execute(
            f"SELECT 1 FROM {table.sql} WHERE {measure} > ? LIMIT 1", (limit,)
        ).fetchone()
        return found is not None

    def delete_column(self, table: TableMeta, key: str) -> None:
        """Drop a column; the indexes that used it lose it, and an index left empty, or
        left identical to another, is dropped (Appwrite's databases worker)."""
        kept, dropped = index_rules.without_column(table.indexes, key)
        with self.db.transaction() as conn:
            touched = [i for i in table.indexes if key in i["columns"]]
            for index in touched:
                self._drop_sql_index(conn, table, index)
            conn.execute(f"ALTER TABLE {table.sql} DROP COLUMN {quote_identifier(key)}")
            conn.execute(
                "DELETE FROM tablesdb_columns WHERE table_seq = ? AND key = ?", (table.seq, key)
            )
            for index in dropped:
                conn.execute(
                    "DELETE FROM tablesdb_indexes WHERE table_seq = ? AND key = ?",
                    (table.seq, index["key"]),
                )
            for index in kept:
                if index["key"] in {i["key"] for i in touched}:
                    self._create_sql_index(conn, table, index)
                    self._store_index(conn, table, index)
            self._touch(conn, table)

    # ------------------------------------------------------------ indexes

    def add_index(
        self, table: TableMeta, key: str, kind: str, columns: list[str], orders: list, lengths: list
    ) -> dict:
        """Create an index, checked in Appwrite's order: the table's index limit, each column
        (unknown, array), utopia's index validator, then the key (409)."""
        if len(table.indexes) >= MAX_INDEXES:
            raise AppwriteError("column_index_limit_exceeded", id=table.id)
        found = index_rules.lookup_problem(table.columns, columns)
        if found is not None:
            error, detail = found
            if error == "column_unknown":
                raise AppwriteError(error, id=detail)
            raise AppwriteError(error, detail)
        lengths = index_rules.normalized_lengths(columns, lengths)
        spec = {"key": key, "type": kind, "columns": columns, "orders": orders, "lengths": lengths}
        message = index_rules.problem(table.columns, spec)
        if message:
            raise AppwriteError("column_index_invalid", message)
        if table.key_taken(key, "indexes"):
            raise AppwriteError("column_index_already_exists", id=key)
        # Appwrite keeps a null per column without a length; shown as [] when none has one
        stored = dict(spec, lengths=lengths if any(n is not None for n in lengths) else [])
        stamp = clock.iso()
        with self.db.transaction() as conn:
            position = conn.execute(
                "SELECT COALESCE(MAX(position), 0) + 1 FROM tablesdb_indexes WHERE table_seq = ?",
                (table.seq,),
            ).fetchone()[0]
            conn.execute(
                "INSERT INTO tablesdb_indexes (table_seq, key, position, spec, created, updated) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (table.seq, key, position, json.dumps(stored), stamp, stamp),
            )
            self._create_sql_index(conn, table, stored)
            self._touch(conn, table)
        return {**stored, "$createdAt": stamp, "$updatedAt": stamp}

    def _create_sql_index(self, conn, table: TableMeta, spec: dict) -> None:
        """The SQLite side of an index: an index, or an FTS5 table kept in sync."""
        key, columns, orders = spec["key"], spec["columns"], spec.get("orders") or []
        if spec["type"] == "fulltext":
            self._create_fulltext(conn, table, key, columns)
            return
        unique = "UNIQUE " if spec["type"] == "unique" else ""
        terms = ", ".join(
            f"{_column_sql(c)} {orders[i] if i < len(orders) and orders[i] else 'ASC'}"
            for i, c in enumerate(columns)
        )
        name = quote_identifier(f"tdb_{table.seq}_ix_{key}")
        try:
            conn.execute(f"CREATE {unique}INDEX {name} ON {table.sql} ({terms})")
        except sqlite3.IntegrityError as exc:
            if "UNIQUE" in str(exc):
                raise AppwriteError(
                    "column_index_invalid",
                    "Unique index cannot be created: existing rows have duplicates.",
                ) from None
            raise

    @staticmethod
    def _drop_sql_index(conn, table: TableMeta, spec: dict) -> None:
        key = spec["key"]
        if spec["type"] == "fulltext":
            conn.execute(f"DROP TABLE IF EXISTS {table.fulltext_sql(key)}")
            base = f"tdb_{table.seq}_ft_{key}_sync"
            for suffix in ("_i", "_d", "_u"):
                conn.execute(f"DROP TRIGGER IF EXISTS {quote_identifier(base + suffix)}")
        else:
            conn.execute(f"DROP INDEX IF EXISTS {quote_identifier(f'tdb_{table.seq}_ix_{key}')}")

    @staticmethod
    def _store_index(conn, table: TableMeta, spec: dict) -> None:
        stored = {k: v for k, v in spec.items() if not k.startswith("$")}
        conn.execute(
            "UPDATE tablesdb_indexes SET spec = ?, updated = ? WHERE table_seq = ? AND key = ?",
            (json.dumps(stored), clock.iso(), table.seq, spec["key"]),
        )

    def _create_fulltext(self, conn, table: TableMeta, key: str, columns: list[str]) -> None:
        fts = table.fulltext_sql(key)
        names = [quote_identifier(c) for c in columns]
        column_list = ", ".join(names)
        conn.execute(
            f"CREATE VIRTUAL TABLE {fts} USING fts5({column_list}, "
            f"content='tdb_{table.seq}', content_rowid='_id')"
        )
        new_values = ", ".join(f"new.{n}" for n in names)
        old_values = ", ".join(f"old.{n}" for n in names)
        base = f"tdb_{table.seq}_ft_{key}_sync"
        conn.execute(
            f"CREATE TRIGGER {quote_identifier(base + '_i')} AFTER INSERT ON {table.sql} BEGIN "
            f"INSERT INTO {fts} (rowid, {column_list}) VALUES (new._id, {new_values}); END"
        )
        conn.execute(
            f"CREATE TRIGGER {quote_identifier(base + '_d')} AFTER DELETE ON {table.sql} BEGIN "
            f"INSERT INTO {fts} ({fts}, rowid, {column_list}) "
            f"VALUES ('delete', old._id, {old_values}); END"
        )
        conn.execute(
            f"CREATE TRIGGER {quote_identifier(base + '_u')} AFTER UPDATE ON {table.sql} BEGIN "
            f"INSERT INTO {fts} ({fts}, rowid, {column_list}) "
            f"VALUES ('delete', old._id, {old_values}); "
            f"INSERT INTO {fts} (rowid, {column_list}) VALUES (new._id, {new_values}); END"
        )
        conn.execute(f"INSERT INTO {fts} ({fts}) VALUES ('rebuild')")

    def delete_index(self, table: TableMeta, key: str) -> None:
        index = table.index(key)
        if index is None:
            raise AppwriteError("column_index_not_found", id=key)
        with self.db.transaction() as conn:
            self._drop_sql_index(conn, table, index)
            conn.execute(
                "DELETE FROM tablesdb_indexes WHERE table_seq = ? AND key = ?", (table.seq, key)
            )
            self._touch(conn, table)

    @staticmethod
    def _touch(conn, table: TableMeta) -> None:
        conn.execute(
            "UPDATE tablesdb_tables SET updated = ? WHERE seq = ?", (clock.iso(), table.seq)
        )


def _column_sql(key: str) -> str:
    return SYSTEM_SQL.get(key) or quote_identifier(key)
