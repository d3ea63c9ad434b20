"""Export and import an emulator's state as plain JSON files (format version 1).

    DIR/
      export.json                    {"format": "appwrite-emulator-state", "version": 1,
                                      "projectId": ..., "tables": {"<db>": ["<table>", …]},
                                      "counts": {...}}
      users.json                     {"users": [...]}        stored users, password hashes included
      teams.json                     {"teams": [...]}
      memberships.json               {"memberships": [...]}
      tables/<databaseId>/<tableId>.json
                                     {"databaseId", "tableId", "rows": [...]} rows as the API
                                     returns them ($id, $createdAt, $updatedAt, $permissions,
                                     columns), without $sequence, in $sequence order
      files/<bucketId>/files.json    {"bucketId", "files": [...]} file records as the API returns
                                     them, without $sequence, in upload order
      files/<bucketId>/bytes/<fileId>
                                     each file's bytes, as uploaded
      executions.json                {"executions": [...]}   only with --executions

Users, teams and memberships are the documents the emulator stores (Appwrite's attribute
names; a user keeps its password hash and hash options, so people sign in after an
import). Sessions are not exported: everyone signs in again. Buckets, like tables, come
from appwrite.json: an import fills the buckets it declares.

Import writes into a provisioned, empty project through the services' own models (rows are
validated against the columns of appwrite.json), fires no event and runs no function: it
restores a state, it does not replay it. Export → import into a fresh data folder → export
gives identical files.
"""

from __future__ import annotations

import json
import pathlib
from typing import Any

from emulator.core.errors import AppwriteError
from emulator.core.state import EmulatorState
from emulator.services.executions.model import Execution
from emulator.services.executions.records import ExecutionRecords
from emulator.services.identity import store as identity
from emulator.services.storage.backend import Storage
from emulator.services.tablesdb.backend import TablesDB

FORMAT = "appwrite-emulator-state"
VERSION = 1


class StateFileError(Exception):
    """A state folder that cannot be read or imported; the message says why."""


def _write(path: pathlib.Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _read(path: pathlib.Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise StateFileError(f"{path}: missing") from None
    except ValueError as e:
        raise StateFileError(f"{path}: not JSON ({e})") from None


def _stored(db, table: str) -> list[dict]:
    return [
        {k: v for k, v in doc.items() if k != "$sequence"} for doc in identity.select(db, table)
    ]


def export_state(
    state: EmulatorState, directory: str | pathlib.Path, *, executions: bool = False
) -> dict:
    """Write the state into `directory` (created; files of an earlier export replaced).
    Returns the counts."""
    out = pathlib.Path(directory)
    identity.init_schema(state.db)
    tablesdb = TablesDB(state.db)
    users = _stored(state.db, identity.USERS)
    teams = _stored(state.db, identity.TEAMS)
    memberships = _stored(state.db, identity.MEMBERSHIPS)
    _write(out / "users.json", {"users": users})
    _write(out / "teams.json", {"teams": teams})
    _write(out / "memberships.json", {"memberships": memberships})
    tables: dict[str, list[str]] = {}
    rows_total = 0
    for stale in sorted((out / "tables").glob("*/*.json")):
        stale.unlink()
    for database in tablesdb.registry.list_databases():
        database_id = database["$id"]
        tables[database_id] = []
        for table in tablesdb.registry.list_tables(database_id):
            rows = _all_rows(state, tablesdb, table)
            rows_total += len(rows)
            tables[database_id].append(table.id)
            _write(
                out / "tables" / database_id / f"{table.id}.json",
                {"databaseId": database_id, "tableId": table.id, "rows": rows},
            )
    buckets, files_total = _export_files(state, out)
    counts = {
        "users": len(users),
        "teams": len(teams),
        "memberships": len(memberships),
        "rows": rows_total,
        "files": files_total,
    }
    if executions:
        records = ExecutionRecords(state.db)
        stored = [e.record() for e in reversed(records.recent(1_000_000))]
        _write(out / "executions.json", {"executions": stored})
        counts["executions"] = len(stored)
    else:
        (out / "executions.json").unlink(missing_ok=True)
    _write(
        out / "export.json",
        {
            "format": FORMAT,
            "version": VERSION,
            "projectId": state.project_id,
            "tables": tables,
            "buckets": buckets,
            "counts": counts,
        },
    )
    return counts


def _export_files(state: EmulatorState, out: pathlib.Path) -> tuple[list[str], int]:
    storage = Storage(state)
    for stale in sorted((out / "files").glob("*/bytes/*")):
        stale.unlink()
    for stale in sorted((out / "files").glob("*/files.json")):
        stale.unlink()
    buckets, total = [], 0
    for bucket in storage.store.buckets():
        bucket_id = bucket["$id"]
        records = [
            {k: v for k, v in doc.items() if k != "$sequence"}
            for doc in storage.store.files(bucket_id)
        ]
        buckets.append(bucket_id)
        total += len(records)
        _write(out / "files" / bucket_id / "files.json", {"bucketId": bucket_id, "files": records})
        for record in records:
            data = storage.blobs.read(bucket_id, record["$id"])
            target = out / "files" / bucket_id / "bytes" / record["$id"]
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data or b"")
    return buckets, total


def _all_rows(state: EmulatorState, tablesdb: TablesDB, table) -> list[dict]:
    records = state.db.query(f"SELECT _uid FROM {table.sql} ORDER BY _id")
    rows = []
    for record in records:
        row = tablesdb.rows.get(table, record["_uid"])
        rows.append({k: v for k, v in row.items() if k != "$sequence"})
    return rows


def read_header(directory: str | pathlib.Path) -> dict:
    header = _read(pathlib.Path(directory) / "export.json")
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise StateFileError(f"{directory}: not an emulator export (export.json has no format)")
    if header.get("version") != VERSION:
        raise StateFileError(
            f"{directory}: format version {header.get('version')!r}; this emulator reads "
            f"version {VERSION}"
        )
    return header


def is_empty(state: EmulatorState) -> bool:
    """No user, team, row or file yet (a fresh, provisioned project)."""
    identity.init_schema(state.db)
    if identity.select(state.db, identity.USERS) or identity.select(state.db, identity.TEAMS):
        return False
    if Storage(state).store.all_files():
        return False
    tablesdb = TablesDB(state.db)
    for database in tablesdb.registry.list_databases():
        database_id = database["$id"]
        for table in tablesdb.registry.list_tables(database_id):
            if state.db.query(f"SELECT 1 FROM {table.sql} LIMIT 1"):
                return False
    return True


def _list(data: Any, key: str, path: pathlib.Path) -> list[dict]:
    items = data.get(key) if isinstance(data, dict) else None
    if not isinstance(items, list) or not all(isinstance(i, dict) and "$id" in i for i in items):
        raise StateFileError(f"{path}: expected {{{key!r}: [objects with $id]}}")
    return items


def import_state(state: EmulatorState, directory: str | pathlib.Path) -> dict:
    """Load an export into `state`, whose tables must be provisioned (from the same
    appwrite.json) and empty. Returns the counts."""
    source = pathlib.Path(directory)
    header = read_header(source)
    if header.get("projectId") != state.project_id:
        raise StateFileError(
            f"{source} holds project {header.get('projectId')!r}, not {state.project_id!r}"
        )
    if not is_empty(state):
        raise StateFileError(
            "the project already holds users, teams, rows or files: import into a fresh data "
            "folder "
            "(serve --reset, or another --data)"
        )
    tablesdb = TablesDB(state.db)
    plan = []
    for database_id, table_ids in (header.get("tables") or {}).items():
        for table_id in table_ids:
            path = source / "tables" / database_id / f"{table_id}.json"
            try:
                table = tablesdb.registry.get_table(database_id, table_id)
            except AppwriteError:
                raise StateFileError(
                    f"{path}: table {database_id}/{table_id} is not in appwrite.json"
                ) from None
            plan.append((path, table, _list(_read(path), "rows", path)))
    users = _list(_read(source / "users.json"), "users", source / "users.json")
    teams = _list(_read(source / "teams.json"), "teams", source / "teams.json")
    memberships = _list(
        _read(source / "memberships.json"), "memberships", source / "memberships.json"
    )
    storage = Storage(state)
    uploads = []
    for bucket_id in header.get("buckets") or []:
        path = source / "files" / bucket_id / "files.json"
        if storage.store.bucket(bucket_id) is None:
            raise StateFileError(f"{path}: bucket {bucket_id} is not in appwrite.json")
        for record in _list(_read(path), "files", path):
            blob = source / "files" / bucket_id / "bytes" / record["$id"]
            if not blob.is_file():
                raise StateFileError(f"{blob}: missing (the bytes of file {record['$id']})")
            uploads.append((bucket_id, record, blob))
    stored_executions = []
    if (source / "executions.json").exists():
        path = source / "executions.json"
        stored_executions = _list(_read(path), "executions", path)
    try:
        rows_total = _insert_all(state, tablesdb, users, teams, memberships, plan)
    except identity.Conflict as e:
        raise StateFileError(f"{source}: a duplicate id, e-mail or membership ({e})") from None
    for bucket_id, record, blob in uploads:
        storage.blobs.write(bucket_id, record["$id"], blob.read_bytes())
        storage.store.insert_file(record)
    if stored_executions:
        records = ExecutionRecords(state.db)
        for document in stored_executions:
            records.save(Execution.from_record(document))
    counts = {
        "users": len(users),
        "teams": len(teams),
        "memberships": len(memberships),
        "rows": rows_total,
        "files": len(uploads),
    }
    if stored_executions:
        counts["executions"] = len(stored_executions)
    return counts


def _insert_all(state, tablesdb, users, teams, memberships, plan) -> int:
    """Everything in one transaction: a bad row leaves the project as it was."""
    with state.db.transaction():
        for user in users:
            identity.insert(
                state.db,
                identity.USERS,
                user,
                email=user.get("email") or None,
                phone=user.get("phone") or None,
            )
        for team in teams:
            identity.insert(state.db, identity.TEAMS, team)
        for membership in memberships:
            identity.insert(
                state.db,
                identity.MEMBERSHIPS,
                membership,
                team_id=membership["teamId"],
                user_id=membership["userId"],
            )
        rows_total = 0
        for path, table, rows in plan:
            for row in rows:
                data = {k: v for k, v in row.items() if not k.startswith("$")}
                data["$createdAt"] = row.get("$createdAt")
                data["$updatedAt"] = row.get("$updatedAt")
                try:
                    prepared = tablesdb.rows.prepare(table, data, None, allow_dates=True)
                    tablesdb.rows.insert(table, row["$id"], prepared, row.get("$permissions", []))
                except AppwriteError as e:
                    raise StateFileError(f"{path}: row {row['$id']}: {e.message}") from None
                rows_total += 1
    return rows_total
