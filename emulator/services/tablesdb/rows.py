"""Row storage for TablesDB: validate against the columns, write the real SQLite table.

A stored row is returned as a dict with `$id`, `$sequence` (int), `$createdAt`,
`$updatedAt`, `$permissions` and every column (decoded); `row_model` turns it into
Appwrite's Row JSON. Permission checks happen in the API layer; this module only
filters reads by roles when asked (`read_roles`).
"""

from __future__ import annotations

import json
import sqlite3

from emulator.core import clock
from emulator.core.clock import DATETIME_RANGE_TEXT, canonical_datetime
from emulator.core.errors import AppwriteError
from emulator.core.permissions import parse_permission
from emulator.core.query import Plan
from emulator.core.query import sql as qsql
from emulator.core.sqlite import Database, Rowset, quote_identifier
from emulator.services.tablesdb import columns as col
from emulator.services.tablesdb import operators
from emulator.services.tablesdb.registry import TableMeta

COUNT_CAP = 5000
DEFAULT_LIMIT = 25
READ_ONLY = ("$sequence", "$databaseId", "$tableId", "$collection", "$tenant")
SYSTEM_KEYS = ("$id", "$permissions", "$createdAt", "$updatedAt") + READ_ONLY


def structure_error(detail: str) -> AppwriteError:
    return AppwriteError("row_invalid_structure", f"Invalid document structure: {detail}")


def row_model(table: TableMeta, row: dict, select: list[str] | None = None) -> dict:
    """Appwrite's Row JSON; with `select`, only the chosen columns plus system attributes."""
    keys = table.column_keys()
    if select is not None and "*" not in select:
        wanted = set(select)
        keys = [key for key in keys if key in wanted]
    return _model(table, row, keys)


def row_models(table: TableMeta, rows: list[dict]) -> list[dict]:
    """`row_model` of each row (every column), the table's keys looked up once."""
    keys = table.column_keys()
    return [_model(table, row, keys) for row in rows]


def _model(table: TableMeta, row: dict, keys) -> dict:
    model = {
        "$id": row["$id"],
        "$sequence": str(row["$sequence"]),
        "$createdAt": row["$createdAt"],
        "$updatedAt": row["$updatedAt"],
        "$permissions": row["$permissions"],
    }
    get = row.get
    for key in keys:
        model[key] = get(key)
    model["$databaseId"] = table.database_id
    model["$tableId"] = table.id
    return model


def _operated(spec: dict, value: object, current: object) -> object:
    """`value`, or the result of applying it when it is an operator string (updates only)."""
    try:
        operator = operators.decode(value)
        return value if operator is None else operators.apply(*operator, current, spec)
    except operators.OperatorInvalid as exc:
        raise AppwriteError(
            "general_bad_request", f'Invalid operator for attribute "{spec["key"]}": {exc.message}'
        ) from None


def _permissions(stored: str) -> list[str]:
    return [] if stored == "[]" else json.loads(stored)  # most rows: none of their own


class Rows:
    def __init__(self, db: Database):
        self.db = db

    # ------------------------------------------------------------ reading

    def _decode(self, table: TableMeta, record: sqlite3.Row, decoders=None) -> dict:
        """A stored record as a row dict (`decoders`: `table.decoders()`, when the caller
        decodes many records and looked them up once)."""
        row = {
            "$id": record["_uid"],
            "$sequence": record["_id"],
            "$createdAt": record["_createdAt"],
            "$updatedAt": record["_updatedAt"],
            "$permissions": _permissions(record["_permissions"]),
        }
        for key, decode in table.decoders() if decoders is None else decoders:
            row[key] = record[key] if decode is None else decode(record[key])
        return row

    def get(self, table: TableMeta, row_id: str) -> dict | None:
        records = self.db.query(f"SELECT * FROM {table.sql} WHERE _uid = ?", (row_id,))
        return self._decode(table, records[0]) if records else None

    def _raw(self, table: TableMeta, row_id: str) -> sqlite3.Row | None:
        records = self.db.query(f"SELECT * FROM {table.sql} WHERE _uid = ?", (row_id,))
        return records[0] if records else None

    def find(
        self,
        table: TableMeta,
        plan: Plan,
        read_roles: set[str] | None = None,
        count: bool = True,
        default_limit: int | None = DEFAULT_LIMIT,
        action: str = "read",
    ) -> tuple[int, list[dict]]:
        """Rows matching `plan` (filters, order, cursor, offset, limit) and their capped total.

        `read_roles` (None = no restriction) keeps only rows whose permissions grant `action`.
        """
        total, records = self._find_records(table, plan, read_roles, count, default_limit, action)
        decoders = table.decoders()
        return total, [self._decode(table, r, decoders) for r in records]

    def find_models(
        self, table: TableMeta, plan: Plan, read_roles: set[str] | None = None, count: bool = True
    ) -> tuple[int, list[dict]]:
        """`find`, answered as Appwrite's Row models: `row_model(table, row, plan.select)` of
        each row found. Without a `select`, each model is built straight from its stored
        record (no decoded row in between to copy from); the same keys, values and order."""
        decoders = table.decoders()
        if plan.select is not None and "*" not in plan.select:
            total, records = self._find_records(table, plan, read_roles, count)
            rows = (self._decode(table, r, decoders) for r in records)
            return total, [row_model(table, row, plan.select) for row in rows]
        total, records = self._find_records(table, plan, read_roles, count, tuples=True)
        at = {name: i for i, name in enumerate(records.columns)}
        uid, seq, created, updated, permissions = (
            at[name] for name in ("_uid", "_id", "_createdAt", "_updatedAt", "_permissions")
        )
        columns = [(key, at[key], decode) for key, decode in decoders]
        database_id, table_id = table.database_id, table.id
        models = []
        for record in records:
            model = {
                "$id": record[uid],
                "$sequence": str(record[seq]),
                "$createdAt": record[created],
                "$updatedAt": record[updated],
                "$permissions": _permissions(record[permissions]),
            }
            for key, i, decode in columns:
                model[key] = record[i] if decode is None else decode(record[i])
            model["$databaseId"] = database_id
            model["$tableId"] = table_id
            models.append(model)
        return total, models

    def find_rendered(
        self, table: TableMeta, plan: Plan, read_roles: set[str] | None = None, count: bool = True
    ) -> tuple[int, list[str]] | None:
        """`find_models` with each model as its JSON text, written by SQLite in the query
        that finds the rows (no Python object per row and value, no encoding pass: a 25-row
        page 113 → 58 µs here). None — nothing queried — when that text could differ from
        `json_body` of the model: a `select`, a column decoded in Python
        (`TableMeta.rendered_row`), an SQLite that writes JSON otherwise
        (`Database.writes_json_as_python`)."""
        if plan.select is not None and "*" not in plan.select:
            return None
        rendered = table.rendered_row()
        if rendered is None or not self.db.writes_json_as_python():
            return None
        total, records = self._find_records(
            table, plan, read_roles, count, tuples=True, select=rendered
        )
        return total, [text for (text,) in records]

    def _find_records(
        self,
        table: TableMeta,
        plan: Plan,
        read_roles: set[str] | None = None,
        count: bool = True,
        default_limit: int | None = DEFAULT_LIMIT,
        action: str = "read",
        tuples: bool = False,
        select: tuple[str, tuple] = ("*", ()),
    ) -> tuple[int, list[sqlite3.Row] | Rowset]:
        """The stored records `find` answers (in the plan's order) and their capped total;
        with `tuples`, as a `Rowset` of plain tuples (`Database.query_tuples`); `select`:
        what each record holds (SQL, its parameters), every column by default."""
        schema = table.schema()
        clause, params = qsql.where(plan.filters, schema)
        if read_roles is not None:
            roles = sorted(read_roles)
            clause += (
                f" AND _id IN (SELECT _document FROM {table.perms_sql} WHERE _type = ? AND "
                f"_permission IN ({', '.join('?' * len(roles))}))"
            )
            params += [action] + roles
        terms = qsql.order_terms(plan.orders)
        reverse = False
        page_clause, page_params = clause, list(params)
        if plan.cursor is not None:
            direction, cursor_id = plan.cursor
            cursor_row = self._raw(table, cursor_id)
            if cursor_row is None:
                raise AppwriteError("general_cursor_not_found", id=cursor_id)
            values = {}
            for attribute, _ in terms:
                name = attribute.sql.strip('"')
                value = cursor_row[name]
                if value is None:
                    raise AppwriteError("database_query_order_null", id=attribute.key)
                values[attribute.sql] = value
            condition, condition_params = qsql.cursor_condition(
                terms, values, before=direction == "before"
            )
            page_clause += f" AND {condition}"
            page_params += condition_params
            reverse = direction == "before"
        order = "RANDOM()" if plan.random_order else qsql.order_by(terms, reverse=reverse)
        limit = plan.limit if plan.limit is not None else default_limit
        limit_sql = f" LIMIT {int(limit)}" if limit is not None else " LIMIT -1"
        offset_sql = f" OFFSET {int(plan.offset)}" if plan.offset else ""
        records = (self.db.query_tuples if tuples else self.db.query)(
            f"SELECT {select[0]} FROM {table.sql} WHERE {page_clause} ORDER BY "
            f"{order}{limit_sql}{offset_sql}",
            [*select[1], *page_params],
        )
        total = 0
        if count:
            total = self._total(table, clause, params, plan, limit, len(records))
        if reverse:
            records.reverse()
        return total, records

    def _total(self, table: TableMeta, clause: str, params: list, plan: Plan, limit, found: int):
        """The matching rows' count, capped at COUNT_CAP. A first page (no cursor, no
        offset) shorter than its limit holds every match: its length is the count, with no
        second statement."""
        if plan.cursor is None and not plan.offset and limit is not None and found < limit:
            return min(found, COUNT_CAP)
        return self.db.query(
            f"SELECT COUNT(*) FROM (SELECT 1 FROM {table.sql} WHERE {clause} LIMIT {COUNT_CAP})",
            params,
        )[0][0]

    def explain(self, table: TableMeta, plan: Plan) -> list[str]:
        """SQLite's query plan for a list (used to prove indexes are used)."""
        schema = table.schema()
        clause, params = qsql.where(plan.filters, schema)
        order = qsql.order_by(qsql.order_terms(plan.orders))
        records = self.db.query(
            f"EXPLAIN QUERY PLAN SELECT * FROM {table.sql} WHERE {clause} ORDER BY {order}", params
        )
        return [r["detail"] for r in records]

    # ------------------------------------------------------------ validation

    def prepare(
        self, table: TableMeta, data: dict, existing: dict | None, allow_dates: bool
    ) -> dict:
        """Validate `data` (merged onto `existing` for updates) → full column values + optional
        dates.

        Defaults apply on insert only. Raises row_invalid_structure with utopia's details.
        """
        data = {
            k: v for k, v in data.items() if k not in READ_ONLY and k not in ("$id", "$permissions")
        }
        dates = {}
        for key in ("$createdAt", "$updatedAt"):
            if key in data:
                value = data.pop(key)
                if allow_dates and value is not None:
                    stamp = canonical_datetime(value)
                    if stamp is None:
                        raise structure_error(
                            f'Attribute "{key}" has invalid type. {DATETIME_RANGE_TEXT}'
                        )
                    dates[key] = stamp
        if existing is None:
            values = {}
            for spec in table.columns:
                value = data.get(spec["key"])
                if value is None and spec.get("default") is not None:
                    value = spec["default"]
                values[spec["key"]] = value
        else:
            values = {spec["key"]: existing.get(spec["key"]) for spec in table.columns}
            for key, value in data.items():
                spec = table.column(key)
                if spec is not None:
                    values[key] = _operated(spec, value, values[key])
        for spec in table.columns:
            value = values[spec["key"]]
            if spec["required"] and value is None:
                raise structure_error(f'Missing required attribute "{spec["key"]}"')
        known = table.columns_by_key()
        if not known.keys() >= data.keys():  # the first unknown key, in the data's order
            for key in data:
                if key not in known:
                    raise structure_error(f'Unknown attribute: "{key}"')
        for key, spec, quick in table.value_checks():
            value = values[key]
            if value is None:  # unset: nothing to check (required ones were checked above)
                continue
            if quick is not None and quick(value):  # plainly valid: no reason to look for
                continue
            problem = col.structure_problem(spec, value)
            if problem:
                raise structure_error(problem)
        return {"values": values, "dates": dates}

    # ------------------------------------------------------------ writing

    def insert(self, table: TableMeta, row_id: str, prepared: dict, permissions: list[str]) -> dict:
        stamp = clock.iso()
        created = prepared["dates"].get("$createdAt", stamp)
        updated = prepared["dates"].get("$updatedAt", stamp)
        names = ["_uid", "_createdAt", "_updatedAt", "_permissions"]
        values = [row_id, created, updated, json.dumps(permissions)]
        for spec in table.columns:
            names.append(quote_identifier(spec["key"]))
            values.append(col.to_sql(spec, prepared["values"][spec["key"]]))
        with self.db.transaction() as conn:
            if conn.execute(f"SELECT 1 FROM {table.sql} WHERE _uid = ?", (row_id,)).fetchone():
                raise AppwriteError("row_already_exists", id=row_id)
            try:
                cursor = conn.execute(
                    f"INSERT INTO {table.sql} ({', '.join(names)}) VALUES "
                    f"({', '.join('?' * len(values))})",
                    values,
                )
            except sqlite3.IntegrityError:
                raise AppwriteError("row_unique_constraint_violation") from None
            self._write_permissions(conn, table, cursor.lastrowid, permissions)
        return self.get(table, row_id)

    def insert_many(self, table: TableMeta, items: list[tuple[str, dict, list[str]]]) -> list[dict]:
        """Insert rows `(row_id, prepared, permissions)` checked beforehand (ids free and
        distinct) in one statement; returns them as stored, in order.

        The rows returned are built from the values written (a validated value reads back
        from its column unchanged: each column's affinity fits its type), with the
        `$sequence` SQLite gave each row — the one thing read back.
        """
        if not items:
            return []
        stamp = clock.iso()
        encoders = table.sql_encoders()
        records = []
        for row_id, prepared, permissions in items:
            dates, given = prepared["dates"], prepared["values"]
            values = [
                row_id,
                dates.get("$createdAt", stamp),
                dates.get("$updatedAt", stamp),
                json.dumps(permissions) if permissions else "[]",
            ]
            values += [given[k] if enc is None else enc(given[k]) for k, enc in encoders]
            records.append(values)
        keys = ["_uid", "_createdAt", "_updatedAt", "_permissions"]
        keys += [spec["key"] for spec in table.columns]
        names = keys[:4] + [quote_identifier(spec["key"]) for spec in table.columns]
        insert = (
            f"INSERT INTO {table.sql} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
        )
        ids = [row_id for row_id, _, _ in items]
        sequence: dict[str, int] = {}
        with self.db.transaction() as conn:
            try:
                conn.executemany(insert, records)
            except sqlite3.IntegrityError:
                raise AppwriteError("row_unique_constraint_violation") from None
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                marks = ", ".join("?" * len(chunk))
                query = f"SELECT _uid, _id FROM {table.sql} WHERE _uid IN ({marks})"
                sequence.update((uid, seq) for uid, seq in conn.execute(query, chunk))
            entries = [
                (sequence[row_id], action, role)
                for row_id, _, permissions in items
                for action, role in sorted({parse_permission(p) for p in permissions})
            ]
            if entries:
                conn.executemany(
                    f"INSERT OR IGNORE INTO {table.perms_sql} (_document, _type, _permission) "
                    "VALUES (?, ?, ?)",
                    entries,
                )
        decoders = table.decoders()
        return [
            self._decode(
                table, dict(zip(keys, values, strict=True), _id=sequence[values[0]]), decoders
            )
            for values in records
        ]

    def exists(self, table: TableMeta, row_id: str) -> bool:
        return bool(self.db.query(f"SELECT 1 FROM {table.sql} WHERE _uid = ?", (row_id,)))

    def existing(self, table: TableMeta, row_ids: list[str]) -> set[str]:
        """Those of `row_ids` that are taken (one query per 500 ids)."""
        found: set[str] = set()
        for start in range(0, len(row_ids), 500):
            chunk = row_ids[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            found.update(
                r[0]
                for r in self.db.query(
                    f"SELECT _uid FROM {table.sql} WHERE _uid IN ({marks})", chunk
                )
            )
        return found

    def update(
        self, table: TableMeta, row: dict, prepared: dict, permissions: list[str] | None
    ) -> dict:
        assignments = ["_updatedAt = ?"]
        values: list = [prepared["dates"].get("$updatedAt", clock.iso())]
        if "$createdAt" in prepared["dates"]:
            assignments.append("_createdAt = ?")
            values.append(prepared["dates"]["$createdAt"])
        if permissions is not None:
            assignments.append("_permissions = ?")
            values.append(json.dumps(permissions))
        for spec in table.columns:
            assignments.append(f"{quote_identifier(spec['key'])} = ?")
            values.append(col.to_sql(spec, prepared["values"][spec["key"]]))
        with self.db.transaction() as conn:
            try:
                conn.execute(
                    f"UPDATE {table.sql} SET {', '.join(assignments)} WHERE _id = ?",
                    values + [row["$sequence"]],
                )
            except sqlite3.IntegrityError:
                raise AppwriteError("row_unique_constraint_violation") from None
            if permissions is not None:
                conn.execute(
                    f"DELETE FROM {table.perms_sql} WHERE _document = ?", (row["$sequence"],)
                )
                self._write_permissions(conn, table, row["$sequence"], permissions)
        return self.get(table, row["$id"])

    def delete(self, table: TableMeta, row: dict) -> None:
        with self.db.transaction() as conn:
            conn.execute(f"DELETE FROM {table.perms_sql} WHERE _document = ?", (row["$sequence"],))
            conn.execute(f"DELETE FROM {table.sql} WHERE _id = ?", (row["$sequence"],))

    def increase(
        self, table: TableMeta, row: dict, key: str, delta: float, bound: float | None
    ) -> dict:
        """Add `delta` (negative for decrement) to a numeric column, refusing to pass `bound`."""
        current = row.get(key) or 0
        result = current + delta
        if bound is not None and ((delta > 0 and result > bound) or (delta < 0 and result < bound)):
            which = "maximum" if delta > 0 else "minimum"
            shown = int(bound) if float(bound).is_integer() else bound
            raise AppwriteError(
                "column_limit_exceeded",
                f'tablesDB "{key}" has reached the {which} value of {shown}',
            )
        spec = table.column(key)
        if spec["type"] in col.INTEGER_TYPES:
            result = int(result)
            if not col.INT_MIN <= result <= col.INT_MAX:
                raise AppwriteError(
                    "column_limit_exceeded",
                    f'tablesDB "{key}" has reached the maximum value of '
                    f"{col.INT_MAX if delta > 0 else col.INT_MIN}",
                )
        with self.db.transaction() as conn:
            conn.execute(
                f"UPDATE {table.sql} SET {quote_identifier(key)} = ?, _updatedAt = ? WHERE _id = ?",
                (col.to_sql(spec, result), clock.iso(), row["$sequence"]),
            )
        return self.get(table, row["$id"])

    @staticmethod
    def _write_permissions(conn, table: TableMeta, sequence: int, permissions: list[str]) -> None:

        entries = {parse_permission(p) for p in permissions}
        conn.executemany(
            f"INSERT OR IGNORE INTO {table.perms_sql} (_document, _type, _permission) "
            "VALUES (?, ?, ?)",
            [(sequence, action, role) for action, role in sorted(entries)],
        )
