"""One SQLite database for the whole emulator: a file in WAL mode, or memory for tests.

Every service that stores something (TablesDB rows, users, teams, executions) uses the
same `Database`; each creates its own tables. `meta_value` keeps the emulator's own
settings (the admin key, the signing secret). Access is serialised by one re-entrant
lock, because the ASGI server, the executor threads and the scheduler all write; SQLite
allows one writer anyway. Always bind values as parameters; identifiers that come from
callers must be checked before they reach SQL text (see `quote_identifier`). The file,
its WAL/SHM and its folder are private to the owner (0600/0700, `make_private`).
"""

from __future__ import annotations

import contextlib
import json
import os
import pathlib
import re
import sqlite3
import stat
import threading
from collections.abc import Callable, Iterator

_IDENTIFIER = re.compile(r"^[A-Za-z0-9_$.\-]{1,128}$")


def quote_identifier(name: str) -> str:
    """Quote a table/column name for SQL text; refuses anything outside a safe charset."""
    if not _IDENTIFIER.match(name):
        raise ValueError(f"unsafe SQL identifier: {name!r}")
    return '"' + name + '"'


PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700
SIDE_FILES = ("-wal", "-shm", "-journal")


def make_private(path: pathlib.Path) -> None:
    """The database file (created empty if missing), its WAL/SHM/journal and its folder
    readable by the owner only: they hold the admin key, the signing secret and password
    hashes. Existing files of an older data dir are tightened too. SQLite gives the WAL and
    SHM files it creates later the mode of the database file."""
    private_folder(path.parent)
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, PRIVATE_FILE))
    for file in [path, *(path.with_name(path.name + suffix) for suffix in SIDE_FILES)]:
        with contextlib.suppress(FileNotFoundError):
            os.chmod(file, PRIVATE_FILE)


def private_folder(folder: pathlib.Path) -> None:
    """Create `folder` (0700), or tighten an existing one of ours to 0700. A shared sticky
    folder (such as /tmp) or one owned by another user is left alone."""
    folder.mkdir(parents=True, exist_ok=True, mode=PRIVATE_FOLDER)
    info = folder.stat()
    if info.st_mode & stat.S_ISVTX or info.st_uid != os.getuid():
        return
    os.chmod(folder, PRIVATE_FOLDER)


class Rowset(list):
    """Rows as tuples (`Database.query_tuples`), with the names of their columns."""

    __slots__ = ("columns",)

    def __init__(self, rows=(), columns: tuple[str, ...] = ()):
        super().__init__(rows)
        self.columns = columns


class Database:
    """A SQLite connection shared by the emulator, with one lock and explicit transactions."""

    def __init__(self, path: str | pathlib.Path | None = None):
        self.path = str(path) if path is not None else ":memory:"
        if path is not None:
            make_private(pathlib.Path(path))
        self._conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._conn.row_factory = sqlite3.Row
        self._lock = threading.RLock()
        self._depth = 0
        self._restores = 0
        if path is not None:
            self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA foreign_keys=ON")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self._json_exact: bool | None = None

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Run a block atomically; nested blocks join the outer transaction."""
        with self._lock:
            outer = self._depth == 0
            if outer:
                self._conn.execute("BEGIN IMMEDIATE")
            self._depth += 1
            try:
                yield self._conn
            except BaseException:
                self._depth -= 1
                if outer:
                    self._conn.execute("ROLLBACK")
                raise
            else:
                self._depth -= 1
                if outer:
                    self._conn.execute("COMMIT")

    def change_token(self) -> tuple[int, int, int] | None:
        """A value that differs whenever the database may have changed since it was taken: a
        write on this connection (committed or not), a commit by another connection (another
        process on the same file), a `restore`. None inside a transaction, whose reads must not
        outlive it. For caches of what rarely changes (e.g. table definitions)."""
        with self._lock:
            if self._depth or self._conn.in_transaction:
                return None
            version = self._conn.execute("PRAGMA data_version").fetchone()[0]
            return (self._conn.total_changes, version, self._restores)

    def writes_json_as_python(self) -> bool:
        """Whether this SQLite's `json_object` writes what rows hold — text, 64-bit integers,
        NULL, JSON text stored by Python passed through `json()` (arrays, permissions),
        `json('true')` — byte for byte as the emulator's answers do (`json.dumps` with
        `ensure_ascii=False` and no spaces). Checked once per connection on a probe of every
        ASCII character, non-ASCII ones and the integer limits; an SQLite that writes them
        otherwise, or has no JSON functions, is not asked to write answers
        (`Rows.find_rendered` then leaves a list to Python)."""
        if self._json_exact is None:
            text = "".join(map(chr, range(128))) + "\u00e9\u20ac\u2028\u2029\ufeff\U0001f600\\u00e9"
            limits = [2**63 - 1, -(2**63)]
            array = [text, *limits, True, False, None]
            permissions = ['read("any")', 'update("user:a-b.c_d")']
            values = (text, *limits, json.dumps(permissions), json.dumps(array, ensure_ascii=False))
            expected = {"s": text, "max": limits[0], "min": limits[1], "n": None}
            expected.update(p=permissions, a=array, t=True, e=[])
            try:
                with self._lock:
                    written = self._conn.execute(
                        "SELECT json_object('s', ?, 'max', ?, 'min', ?, 'n', NULL, 'p', json(?), "
                        "'a', json(coalesce(?, '[]')), 't', json('true'), "
                        "'e', json(coalesce(NULL, '[]')))",
                        values,
                    ).fetchone()[0]
            except sqlite3.Error:
                written = None
            self._json_exact = written == json.dumps(
                expected, ensure_ascii=False, separators=(",", ":")
            )
        return self._json_exact

    def execute(self, sql: str, params: tuple | list | dict = ()) -> sqlite3.Cursor:
        with self._lock:
            return self._conn.execute(sql, params)

    def query(self, sql: str, params: tuple | list | dict = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._conn.execute(sql, params).fetchall()

    def query_tuples(self, sql: str, params: tuple | list | dict = ()) -> Rowset:
        """`query` with plain tuples for rows (no `sqlite3.Row` to build and to search by
        name): for a loop that reads many rows' columns by position (`Rowset.columns`)."""
        with self._lock:
            cursor = self._conn.cursor()
            cursor.row_factory = None
            rows = cursor.execute(sql, params).fetchall()
            return Rowset(rows, tuple(d[0] for d in cursor.description or ()))

    def snapshot(self) -> sqlite3.Connection:
        """A copy of the whole database in memory (SQLite's online backup), for `restore`."""
        copy = sqlite3.connect(":memory:", check_same_thread=False)
        with self._lock:
            self._conn.backup(copy)
        return copy

    def restore(self, snapshot: sqlite3.Connection) -> None:
        """Put the database back as it was at `snapshot` (every table, schema included)."""
        with self._lock:
            if self._depth:
                raise RuntimeError("cannot restore a snapshot inside a transaction")
            snapshot.backup(self._conn)
            self._restores += 1

    def close(self) -> None:
        with self._lock:
            self._conn.close()


META_SCHEMA = "CREATE TABLE IF NOT EXISTS emulator_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)"


def create_tables(db: Database, schema: str) -> None:
    """Run a service's `CREATE TABLE/INDEX IF NOT EXISTS …;` statements in one transaction."""
    with db.transaction() as conn:
        for statement in schema.split(";"):
            if statement.strip():
                conn.execute(statement)


def load_doc(row: sqlite3.Row | None) -> dict | None:
    """A stored JSON document (`doc` column) with its `$sequence` (the `seq` column)."""
    if row is None:
        return None
    doc = json.loads(row["doc"])
    doc["$sequence"] = str(row["seq"])
    return doc


def dump_doc(doc: dict) -> str:
    """A document as stored: JSON without `$sequence` (the row's own `seq` holds it)."""
    return json.dumps({k: v for k, v in doc.items() if k != "$sequence"})


def meta_value(db: Database, key: str, create: Callable[[], str]) -> str:
    """The emulator's own stored value for `key`, created (once) with `create()` when missing."""
    with db.transaction() as conn:
        conn.execute(META_SCHEMA)
        row = conn.execute("SELECT value FROM emulator_meta WHERE key = ?", (key,)).fetchone()
        if row is not None:
            return row["value"]
        value = create()
        conn.execute("INSERT INTO emulator_meta (key, value) VALUES (?, ?)", (key, value))
        return value
