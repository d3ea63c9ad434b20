"""Secret scan: no credential may end up in what functions and the emulator leave behind.

Every stack the test client drives registers itself here (`watch`). When it closes (or at
the end of the run, if it is still open), its traces are scanned:

* every stored execution (logs, errors, responseBody, headers, the stored queue entry);
* the workers' own output files (`<data>/runtime/workers/*/stdout.log`);
* the emulator's log records of the whole run (`capture_logs`);

for the stack's own secrets (its admin API key and signing secret, exactly), for anything
shaped like an API key, a dynamic key, a JWT or a session secret, and for the passwords the
tests used (`remember`; the pytest plugin also collects the password literals of the test
files). A finding names the stack, the execution and field (or file, or log record), the
kind of secret, and the secret cut short so the report leaks nothing.

Functions that echo credentials on purpose (probes of what Appwrite hands a function) are
exempted per stack with a reason (`exempt`), and listed as such in the report.

    findings = secretscan.REGISTRY.finish()      # scan what is still open; all findings
"""

from __future__ import annotations

import base64
import dataclasses
import json
import logging
import pathlib
import re
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from typing import Any

MIN_PASSWORD = 8  # Appwrite refuses shorter ones: a shorter "password" is no secret


def scannable_password(password: object) -> bool:
    """Whether a test's password can be looked for in texts: 8 characters or more (Appwrite's
    minimum) and not a single plain word (`password`, `appwrite`), which ordinary messages
    contain without leaking anything."""
    return (
        isinstance(password, str)
        and len(password) >= MIN_PASSWORD
        and not (password.isalpha() and password.isascii())
    )


LOG_LIMIT = 20_000_000  # characters of emulator log kept for the scan
# Shapes of credentials (the stack's own key and secret are also matched exactly).
PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("admin API key", re.compile(r"standard_[0-9a-f]{32,}")),
    ("dynamic key", re.compile(r"(?:ephemeral|dynamic)_eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")),
    ("JWT", re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}")),
    ("session secret", re.compile(r"eyJpZCI6[A-Za-z0-9+/]{16,}={0,2}")),  # base64 '{"id":'
]


@dataclasses.dataclass(frozen=True)
class Finding:
    where: str  # stack · execution/file/log and field
    kind: str
    excerpt: str  # the secret cut short

    def line(self) -> str:
        return f"{self.where}: {self.kind} {self.excerpt}"


def cut(secret: str) -> str:
    """Enough of a secret to recognise its kind, never enough to use it."""
    keep = 12 if len(secret) >= 32 else 4 if len(secret) > 8 else 2
    return repr(secret[:keep] + "…")


PUBLIC_JWT_TYPES = frozenset({"oauth2-state"})  # signed values a browser carries by design


def public_jwt(token: str) -> bool:
    """Whether a JWT-shaped text is a signed value that grants nothing: the emulator's OAuth2
    state (`typ: oauth2-state`), which rides in the provider URL a browser is sent to, as
    Appwrite's own state does. Anything unreadable counts as a credential."""
    parts = token.split(".")
    if len(parts) != 3:
        return False
    try:
        payload = parts[1] + "=" * (-len(parts[1]) % 4)
        claims = json.loads(base64.urlsafe_b64decode(payload))
    except ValueError:
        return False
    return isinstance(claims, dict) and claims.get("typ") in PUBLIC_JWT_TYPES


def scan_text(text: str, where: str, exact: dict[str, str]) -> list[Finding]:
    """Findings in one text: the `exact` secrets (value → kind) and the known shapes."""
    found: list[Finding] = []
    spans: list[tuple[int, int]] = []
    for value, kind in exact.items():
        start = text.find(value)
        if start >= 0:
            found.append(Finding(where, kind, cut(value)))
            spans.append((start, start + len(value)))
    for kind, pattern in PATTERNS:
        for match in pattern.finditer(text):
            if any(a <= match.start() < b for a, b in spans):
                continue  # already reported as something more precise
            if kind == "JWT" and public_jwt(match.group()):
                continue
            found.append(Finding(where, kind, cut(match.group())))
            spans.append(match.span())
    return found


@dataclasses.dataclass
class Snapshot:
    """What one stack left behind, read while it was still open."""

    name: str
    secrets: dict[str, str]  # value → kind
    executions: list[dict[str, Any]]
    files: dict[str, str]
    exempt: dict[str, str]  # function id → reason

    def findings(self, passwords: Iterable[str]) -> list[Finding]:
        exact = dict(self.secrets)
        exact.update({p: "password" for p in passwords if scannable_password(p)})
        found: list[Finding] = []
        for doc in self.executions:
            if doc.get("functionId") in self.exempt:
                continue
            for field, text in _fields(doc):
                where = (
                    f"{self.name} · execution {doc.get('$id')} of {doc.get('functionId')} ({field})"
                )
                found += scan_text(text, where, exact)
        for path, text in self.files.items():
            found += scan_text(text, f"{self.name} · {path}", exact)
        return found


def _fields(doc: dict[str, Any], prefix: str = "") -> Iterator[tuple[str, str]]:
    """Every string inside a stored execution, with its field path."""
    for key, value in doc.items():
        name = f"{prefix}{key}"
        if isinstance(value, str):
            yield name, value
        elif isinstance(value, dict):
            yield from _fields(value, name + ".")
        elif isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, dict):
                    yield from _fields(item, f"{name}[{index}].")
                elif isinstance(item, str):
                    yield f"{name}[{index}]", item


def snapshot_data_dir(data_dir: pathlib.Path, *, name: str = "", exempt=None) -> Snapshot:
    """Read a data dir's stored executions, secrets and worker output (the emulator that
    wrote it may be running or gone: the database is opened read-only)."""
    data_dir = pathlib.Path(data_dir)
    secrets: dict[str, str] = {}
    executions: list[dict[str, Any]] = []
    database = data_dir / "db" / "emulator.sqlite3"
    if database.exists():
        conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
        try:
            for key, value in conn.execute("SELECT key, value FROM emulator_meta"):
                kind = {"admin_key": "admin API key", "signing_secret": "signing secret"}
                if key in kind:
                    secrets[value] = kind[key]
            with _suppress_missing_table():
                executions = [
                    json.loads(row[0])
                    for row in conn.execute("SELECT document FROM functions_executions")
                ]
        finally:
            conn.close()
    files = {}
    for path in sorted((data_dir / "runtime" / "workers").glob("*/stdout.log")):
        files[str(path.relative_to(data_dir))] = path.read_text(errors="replace")
    return Snapshot(name or str(data_dir), secrets, executions, files, dict(exempt or {}))


class _suppress_missing_table:
    def __enter__(self):
        return self

    def __exit__(self, kind, exc, tb):
        return kind is sqlite3.OperationalError and "no such table" in str(exc)


class LogCapture(logging.Handler):
    """Keeps the emulator's (and uvicorn's) log records of the run, formatted."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[str] = []
        self.size = 0

    def emit(self, record: logging.LogRecord) -> None:
        if not record.name.startswith(("emulator", "uvicorn", "starlette")):
            return
        try:
            text = self.format(record)
        except Exception:  # a log record that cannot be formatted is no secret
            return
        if self.size < LOG_LIMIT:
            self.records.append(f"{record.name}: {text}")
            self.size += len(text)


class Registry:
    """The stacks of one test run, what they left, and the secrets to look for."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._open: dict[int, tuple[Any, dict[str, str]]] = {}
        self.found: list[Finding] = []
        self.secrets: dict[str, str] = {}  # every stack's admin key and signing secret
        self.exempted: set[str] = set()
        self.scanned = 0  # stacks and data dirs scanned
        self.passwords: set[str] = set()
        self.extra_files: list[pathlib.Path] = []
        self.data_dirs: list[pathlib.Path] = []
        self.logs = LogCapture()

    # -- what the test client and tests tell it ---------------------------------------------
    def watch(self, stack: Any) -> None:
        """Scan `stack` when it closes (it must offer `on_close(callback)`)."""
        with self._lock:
            if id(stack) in self._open:
                return
            self._open[id(stack)] = (stack, {})
        stack.on_close(lambda: self._closing(stack))

    def exempt(self, stack: Any, function_ids: Iterable[str], reason: str) -> None:
        with self._lock:
            entry = self._open.get(id(stack))
            if entry is not None:
                entry[1].update(dict.fromkeys(function_ids, reason))

    def remember(self, password: str) -> None:
        """A password a test used: it must never show up anywhere."""
        if scannable_password(password):
            with self._lock:
                self.passwords.add(password)

    def watch_data_dir(self, data_dir: pathlib.Path) -> None:
        """A data dir of an emulator run outside this process (`serve`), read at the end."""
        with self._lock:
            self.data_dirs.append(pathlib.Path(data_dir))

    def watch_file(self, path: pathlib.Path) -> None:
        """An emulator log file (e.g. a `serve` subprocess's stderr), read at the end."""
        with self._lock:
            self.extra_files.append(pathlib.Path(path))

    # -- scanning -------------------------------------------------------------------------------
    def _closing(self, stack: Any) -> None:
        with self._lock:
            entry = self._open.pop(id(stack), None)
        if entry is not None:
            self._scan(take(stack, entry[1]))

    def _scan(self, snap: Snapshot) -> None:
        """Scanned at once (with the passwords known by then): only findings are kept."""
        with self._lock:
            passwords = set(self.passwords)
        found = snap.findings(passwords)
        with self._lock:
            self.found += found
            self.secrets.update(snap.secrets)
            self.exempted |= {f"{fid}: {why}" for fid, why in snap.exempt.items()}
            self.scanned += 1

    def finish(self) -> list[Finding]:
        """Scan every stack still open and everything recorded; all the findings."""
        with self._lock:
            still_open = list(self._open.values())
            self._open.clear()
            data_dirs, self.data_dirs = self.data_dirs, []
        for stack, exempt in still_open:
            self._scan(take(stack, exempt))
        for data_dir in data_dirs:
            self._scan(snapshot_data_dir(data_dir, name=f"serve {data_dir}"))
        exact = dict(self.secrets) | dict.fromkeys(self.passwords, "password")
        found = list(self.found)
        for index, text in enumerate(self.logs.records):
            found += scan_text(text, f"emulator log record {index + 1}", exact)
        for path in self.extra_files:
            if path.exists():
                found += scan_text(path.read_text(errors="replace"), f"log file {path}", exact)
        return sorted(set(found), key=lambda f: (f.where, f.kind))

    def exemptions(self) -> list[str]:
        return sorted(self.exempted)


def take(stack: Any, exempt: dict[str, str]) -> Snapshot:
    """A snapshot of an open stack (its database is still open)."""
    name = f"stack {getattr(stack, 'project_id', '?')} ({stack.data_dir})"
    snap = snapshot_data_dir(stack.data_dir, name=name, exempt=exempt)
    secrets = {stack.state.admin_key: "admin API key", stack.state.secret: "signing secret"}
    return dataclasses.replace(snap, secrets=secrets | snap.secrets)


REGISTRY = Registry()


def capture_logs() -> None:
    """Start keeping the emulator's log records (the pytest plugin calls it once)."""
    root = logging.getLogger()
    if REGISTRY.logs not in root.handlers:
        root.addHandler(REGISTRY.logs)


def report(findings: list[Finding], exemptions: list[str], limit: int = 50) -> str:
    lines = [f"secret scan: {len(findings)} secret(s) found where none may be:"]
    lines += [f"  {f.line()}" for f in findings[:limit]]
    if len(findings) > limit:
        lines.append(f"  … and {len(findings) - limit} more")
    if exemptions:
        lines.append("exempt functions (they echo credentials on purpose):")
        lines += [f"  {e}" for e in exemptions]
    return "\n".join(lines)
