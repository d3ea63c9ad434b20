"""What the reliability tests share: a real `python -m emulator serve` subprocess they can
kill, a writer that records which writes were acknowledged, and reading a data dir after
the emulator is gone.

    with Served.start(tmp_path / "data") as served:      # serve --port 0 --data …
        admin = served.admin()                            # SDK client, admin key
        served.kill(signal.SIGKILL)
"""

from __future__ import annotations

import contextlib
import json
import os
import pathlib
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

from emulator import secretscan

ROOT = pathlib.Path(__file__).resolve().parents[2]
MANIFEST = ROOT / "appwrite.json"
DB = "newsroom"
ROW_EVENT = re.compile(r"\.(?:documents|rows)\.([^.]+)\.create$")


@dataclass
class Served:
    """One `serve` subprocess on a data dir (its stderr is kept for the secret scan)."""

    process: subprocess.Popen
    data_dir: pathlib.Path
    creds: dict

    @classmethod
    def start(cls, data_dir: pathlib.Path, manifest: pathlib.Path = MANIFEST) -> Served:
        data_dir.mkdir(parents=True, exist_ok=True)
        credentials = data_dir / "credentials.json"
        credentials.unlink(missing_ok=True)
        stderr = data_dir.parent / f"{data_dir.name}-serve-{uuid.uuid4().hex[:6]}.err"
        with open(stderr, "wb") as errors:  # the child keeps its own descriptor
            process = subprocess.Popen(
                [sys.executable, "-m", "emulator", "serve", "--port", "0"]
                + ["--data", str(data_dir), "--manifest", str(manifest)],
                cwd=ROOT,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,  # the banner shows the API key on purpose
                stderr=errors,
            )
        secretscan.REGISTRY.watch_file(stderr)
        secretscan.REGISTRY.watch_data_dir(data_dir)
        deadline = time.monotonic() + 120
        while not credentials.exists():
            if process.poll() is not None:
                raise RuntimeError(f"serve exited with {process.returncode}: {stderr.read_text()}")
            if time.monotonic() > deadline:
                process.kill()
                raise RuntimeError("serve did not start in 120 s")
            time.sleep(0.05)
        creds = json.loads(credentials.read_text())
        return cls(process, data_dir, creds)

    def __enter__(self) -> Served:
        return self

    def __exit__(self, *exc) -> None:
        if self.process.poll() is None:
            self.kill(signal.SIGTERM)

    @property
    def pid(self) -> int:
        return self.process.pid

    def admin(self):
        from appwrite.client import Client

        return (
            Client()
            .set_endpoint(self.creds["endpoint"])
            .set_project(self.creds["projectId"])
            .set_key(self.creds["apiKey"])
        )

    def api(self, method: str, path: str, **kwargs) -> httpx.Response:
        """A raw API request with the admin key."""
        headers = {
            "x-appwrite-project": self.creds["projectId"],
            "x-appwrite-key": self.creds["apiKey"],
            **kwargs.pop("headers", {}),
        }
        return httpx.request(
            method, self.creds["endpoint"] + path, headers=headers, timeout=120, **kwargs
        )

    def kill(self, sig: int, timeout: float = 60) -> int:
        os.kill(self.pid, sig)
        return self.process.wait(timeout)

    def executions(self, function_id: str, *statuses: str) -> list[dict]:
        from appwrite.query import Query
        from appwrite.services.functions import Functions

        queries = [Query.limit(1000)]
        if statuses:
            queries.append(Query.equal("status", list(statuses)))
        return Functions(self.admin()).list_executions(function_id, queries=queries)["executions"]

    def wait_for_queue(self, function_id: str, timeout: float = 120) -> None:
        """Until no execution of the function is waiting or processing."""
        deadline = time.monotonic() + timeout
        while self.executions(function_id, "waiting", "processing"):
            if time.monotonic() > deadline:
                raise TimeoutError(f"{function_id} executions still queued after {timeout}s")
            time.sleep(0.1)


@dataclass
class Writer:
    """Creates article rows with the admin key from a thread until stopped or refused;
    `acked` holds the ids of the creates the API acknowledged (answered 201)."""

    served: Served
    author_id: str
    limit: int = 10_000  # rows at most
    prefix: str = field(default_factory=lambda: uuid.uuid4().hex[:6])
    acked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self.thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> Writer:
        self.thread.start()
        return self

    def _run(self) -> None:
        from appwrite.services.tables_db import TablesDB

        tables = TablesDB(self.served.admin())
        number = 0
        while not self.stop.is_set() and number < self.limit:
            number += 1
            row_id = f"{self.prefix}{number:04d}"
            try:
                tables.create_row(DB, "articles", row_id, article(row_id, self.author_id))
            except Exception as exc:  # the emulator is gone: this write was not acknowledged
                self.errors.append(f"{type(exc).__name__}: {exc}"[:200])
                return
            self.acked.append(row_id)

    def wait_for(self, count: int, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while len(self.acked) < count:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"the writer stopped at {len(self.acked)}: {self.errors}")
            time.sleep(0.01)

    def join(self) -> None:
        self.stop.set()
        self.thread.join(60)


def article(row_id: str, author_id: str) -> dict:
    """A draft whose enrichment is the same on any emulator (title and body from the id)."""
    return {
        "title": f"Reliability {row_id}",
        "body": " ".join(["word"] * (50 + int(row_id[-2:]))),
        "authorId": author_id,
        "status": "draft",
    }


def until(check: Callable[[], bool], timeout: float = 60, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} not reached in {timeout}s")
        time.sleep(0.02)


# -- a data dir after the emulator is gone ------------------------------------------------------


def database(data_dir: pathlib.Path) -> pathlib.Path:
    return data_dir / "db" / "emulator.sqlite3"


def integrity(data_dir: pathlib.Path) -> str:
    conn = sqlite3.connect(database(data_dir))
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


def stored_executions(data_dir: pathlib.Path, function_id: str) -> list[dict]:
    """The stored execution documents of a function (private fields included)."""
    conn = sqlite3.connect(database(data_dir))
    try:
        rows = conn.execute(
            "SELECT document FROM functions_executions WHERE function_id = ? ORDER BY seq",
            (function_id,),
        ).fetchall()
    finally:
        conn.close()
    return [json.loads(row[0]) for row in rows]


def event_row(execution: dict) -> str | None:
    """The row id of a row-create event execution (from its stored event name)."""
    match = ROW_EVENT.search(execution.get("_event") or "")
    return match.group(1) if match else None


def worker_processes(data_dir: pathlib.Path) -> list[int]:
    """Live processes running in a worker folder of this data dir (function workers)."""
    workers = str((data_dir / "runtime").resolve())
    found = []
    for entry in pathlib.Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cwd = os.readlink(entry / "cwd")
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if cwd.startswith(workers) and state != "Z":
            found.append(int(entry.name))
    return found


def end_processes(pids: list[int]) -> None:
    """Kill processes this test's emulator left behind, by their ids."""
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
