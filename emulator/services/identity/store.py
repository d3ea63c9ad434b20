"""SQLite storage for users, sessions, teams, memberships, and the outbox of messages Appwrite
would have sent.

Each entity is one JSON document (Appwrite attribute names: `$id`, `$createdAt`, …)
in a `doc` column, with the columns SQLite must enforce (ids, unique email/phone,
foreign keys that cascade deletes) kept beside it. `$sequence` is the row's
auto-increment number. Functions here do no validation; the API layer does.
"""

from __future__ import annotations

import json
import sqlite3

from emulator.core.sqlite import Database, create_tables, dump_doc, load_doc

SCHEMA = """
CREATE TABLE IF NOT EXISTS identity_users (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    email TEXT UNIQUE,
    phone TEXT UNIQUE,
    doc TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS identity_sessions (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    user_id TEXT NOT NULL REFERENCES identity_users(id) ON DELETE CASCADE,
    doc TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS identity_teams (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    doc TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS identity_memberships (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    team_id TEXT NOT NULL REFERENCES identity_teams(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES identity_users(id) ON DELETE CASCADE,
    doc TEXT NOT NULL,
    UNIQUE (team_id, user_id)
);
CREATE TABLE IF NOT EXISTS emulator_messages (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    doc TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS identity_sessions_user ON identity_sessions(user_id);
CREATE INDEX IF NOT EXISTS identity_memberships_user ON identity_memberships(user_id);
"""

USERS, SESSIONS = "identity_users", "identity_sessions"
TEAMS, MEMBERSHIPS = "identity_teams", "identity_memberships"


class Conflict(Exception):
    """A unique id/email/phone (or team+user pair) is already taken."""


def init_schema(db: Database) -> None:
    create_tables(db, SCHEMA)


def insert(db: Database, table: str, doc: dict, **columns: str | None) -> dict:
    """Insert a document; `columns` are the extra indexed columns (email, user_id, …)."""
    names = ["id", "doc", *columns]
    values = [doc["$id"], dump_doc(doc), *columns.values()]
    sql = f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
    try:
        with db.transaction() as conn:
            cursor = conn.execute(sql, values)
            doc = dict(doc, **{"$sequence": str(cursor.lastrowid)})
    except sqlite3.IntegrityError as exc:
        raise Conflict(str(exc)) from exc
    return doc


def get(db: Database, table: str, id: str) -> dict | None:
    return load_doc(next(iter(db.query(f"SELECT seq, doc FROM {table} WHERE id = ?", (id,))), None))


def replace(db: Database, table: str, doc: dict, **columns: str | None) -> dict:
    """Store a changed document (same `$id`); `columns` update the indexed columns too."""
    assignments = ", ".join(["doc = ?", *(f"{name} = ?" for name in columns)])
    try:
        with db.transaction() as conn:
            conn.execute(
                f"UPDATE {table} SET {assignments} WHERE id = ?",
                [dump_doc(doc), *columns.values(), doc["$id"]],
            )
    except sqlite3.IntegrityError as exc:
        raise Conflict(str(exc)) from exc
    return doc


def delete(db: Database, table: str, id: str) -> bool:
    with db.transaction() as conn:
        return conn.execute(f"DELETE FROM {table} WHERE id = ?", (id,)).rowcount > 0


def select(db: Database, table: str, where: str = "1", params: tuple = ()) -> list[dict]:
    """All documents matching a fixed SQL condition, in `$sequence` order."""
    return [
        load_doc(row)
        for row in db.query(f"SELECT seq, doc FROM {table} WHERE {where} ORDER BY seq", params)
    ]


def find_user_by_email(db: Database, email: str) -> dict | None:
    return load_doc(
        next(iter(db.query(f"SELECT seq, doc FROM {USERS} WHERE email = ?", (email,))), None)
    )


def target_taken(db: Database, identifier: str) -> bool:
    """Whether any user has a messaging target (e-mail, phone, push) with this identifier."""
    rows = db.query(
        f"SELECT 1 FROM {USERS}, json_each(json_extract({USERS}.doc, '$.targets')) "
        "WHERE json_extract(json_each.value, '$.identifier') = ? LIMIT 1",
        (identifier,),
    )
    return bool(rows)


def membership_of(db: Database, team_id: str, user_id: str) -> dict | None:
    rows = db.query(
        f"SELECT seq, doc FROM {MEMBERSHIPS} WHERE team_id = ? AND user_id = ?", (team_id, user_id)
    )
    return load_doc(next(iter(rows), None))


def confirmed_member_count(db: Database, team_id: str) -> int:
    rows = db.query(
        f"SELECT COUNT(*) AS n FROM {MEMBERSHIPS} "
        "WHERE team_id = ? AND json_extract(doc, '$.confirm') = 1",
        (team_id,),
    )
    return rows[0]["n"]


def send_message(db: Database, message: dict) -> None:
    """Keep a message Appwrite would have sent (invitation, verification) in the outbox."""
    db.execute("INSERT INTO emulator_messages (doc) VALUES (?)", (json.dumps(message),))


def messages(db: Database) -> list[dict]:
    """The outbox, oldest first."""
    return [
        json.loads(row["doc"]) for row in db.query("SELECT doc FROM emulator_messages ORDER BY seq")
    ]
