"""The emulator's own speed (issue 13, item 6): `get_row`, `list_rows` with two filters and
an order on a large table, and bulk create of 100 rows — through the official SDK over
real HTTP — against their floors measured in the same run:

* SQLite floor: the same operation on the same SQLite file with the `sqlite3` module
  (lookup by id; the filtered, ordered page — ties in `$sequence` order, as Appwrite
  answers — plus its total capped at 5,000; 100 inserts in a transaction);
* HTTP floor: an empty request's round trip (a request the API answers at once, sent the
  SDK's way: `requests`, a new connection per call, as SDK 15.3 does).

floor = SQLite floor + HTTP floor; each operation is reported as its p50 / floor.
A bare API server (no functions) on a generic table: the emulator knows nothing of
Newsroom, nor does this benchmark.

Where the server runs (`--server`):

* `process` (the default): `emulator.server` in a child process of its own, as Appwrite
  runs apart from its clients — the SDK and the server do not share an interpreter;
* `thread`: the server as a thread of the benchmark's own process (what this benchmark
  measured before): the SDK and the server take turns on one GIL.

Each run also splits every operation's time (`--split`, on by default): CPU of the client
(the SDK, `requests`, this process's main thread) and of the server (the child process, or
the server thread), read from the kernel's per-thread run time (`/proc/.../schedstat`)
around a block of calls; the rest of the wall time is waiting (loopback, scheduling).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import multiprocessing
import os
import pathlib
import random
import sqlite3
import tempfile
import threading
import time
from contextlib import contextmanager

from .common import summary

DB, TABLE = "bench", "items"
CATEGORIES = [f"c{i}" for i in range(50)]
STATUSES = ["draft", "live", "gone"]


def _row(i: int) -> dict:
    rnd = random.Random(i)
    return {
        "$id": f"r{i:07d}",
        "category": rnd.choice(CATEGORIES),
        "status": rnd.choice(STATUSES),
        "score": rnd.randrange(1_000_000),
        "body": "lorem ipsum " * 8,
    }


def _setup(tables, rows: int, batch: int = 100) -> float:
    """The table, its index and `rows` rows (through bulk create); returns seconds taken."""
    from appwrite.enums.index_type import IndexType

    tables.create(DB, "Bench")
    tables.create_table(DB, TABLE, "Items")
    tables.create_varchar_column(DB, TABLE, "category", 32, True)
    tables.create_varchar_column(DB, TABLE, "status", 16, True)
    tables.create_integer_column(DB, TABLE, "score", True)
    tables.create_varchar_column(DB, TABLE, "body", 200, False)
    tables.create_index(DB, TABLE, "by_cat", IndexType.KEY, ["category", "status", "score"])
    started = time.perf_counter()
    for first in range(0, rows, batch):
        tables.create_rows(DB, TABLE, [_row(i) for i in range(first, min(first + batch, rows))])
    return time.perf_counter() - started


def _serve(data_dir: str, conn) -> None:
    """The child process of `--server process`: an API-only emulator on a free port."""
    from emulator.app import create_app
    from emulator.core.state import EmulatorState
    from emulator.server import start

    state = EmulatorState.open(data_dir, project_id="bench")
    running = start(state, app=create_app(state))
    conn.send(running.port)
    with contextlib.suppress(EOFError):  # the parent gone: stop too
        conn.recv()  # anything: stop
    running.stop()


def _run_ns(pid: int, tids: list[int] | None = None) -> int:
    """Nanoseconds on a CPU so far: of the threads `tids` of `pid` (default: all of them)."""
    total = 0
    for tid in tids if tids is not None else os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/schedstat") as stat:
                total += int(stat.read().split()[0])
        except FileNotFoundError:  # a thread that ended meanwhile
            pass
    return total


@contextmanager
def _server(kind: str, data_dir: pathlib.Path):
    """(endpoint, reader of the server's CPU ns) of an API-only emulator on `data_dir`."""
    if kind == "thread":
        from emulator.app import create_app
        from emulator.core.state import EmulatorState
        from emulator.server import start

        state = EmulatorState.open(data_dir, project_id="bench")
        running = start(state, app=create_app(state))
        tid = [running._thread.native_id]
        try:
            yield running.endpoint, lambda: _run_ns(os.getpid(), tid)
        finally:
            running.stop()
        return
    context = multiprocessing.get_context("spawn")  # a fresh interpreter, as a server's own
    parent, child = context.Pipe()
    process = context.Process(target=_serve, args=(str(data_dir), child), daemon=True)
    process.start()
    try:
        if not parent.poll(60):
            raise RuntimeError("the emulator server process did not start")
        port = parent.recv()
        yield f"http://127.0.0.1:{port}/v1", lambda: _run_ns(process.pid)
    finally:
        parent.send("stop")
        process.join(15)
        if process.is_alive():
            process.kill()


def measure(rows: int, runs: int, server: str = "process", split: bool = True) -> dict:
    from appwrite.client import Client
    from appwrite.query import Query
    from appwrite.services.tables_db import TablesDB

    from emulator.core.state import EmulatorState
    from emulator.services.tablesdb.registry import Registry

    with tempfile.TemporaryDirectory(prefix="newsroom-bench-emu-") as tmp:
        data_dir = pathlib.Path(tmp) / "db"
        state = EmulatorState.open(data_dir, project_id="bench")  # its keys, for both sides
        with _server(server, data_dir) as (endpoint, server_ns):
            client = Client().set_endpoint(endpoint).set_project("bench")
            tables = TablesDB(client.set_key(state.admin_key))
            print(f"  filling {rows} rows ({server} server) …", flush=True)
            fill_seconds = _setup(tables, rows)
            raw = sqlite3.connect(state.db.path)
            raw.execute("PRAGMA synchronous=NORMAL")  # as the emulator's connection
            sql = Registry(state.db).get_table(DB, TABLE).sql
            ids = [f"r{random.randrange(rows):07d}" for _ in range(runs + 10)]
            pick = iter(ids * 3)
            queries = [
                Query.equal("category", ["c7"]),
                Query.equal("status", ["live"]),
                Query.order_desc("score"),
                Query.limit(25),
            ]
            results: dict = {"rows": rows, "fill_rows_per_s": rows / fill_seconds}

            # the HTTP floor: an empty request (the API answers 404 project_not_found at once)
            import requests

            empty = endpoint + "/"

            def sqlite_list():
                # The same answer as the API's: Appwrite orders ties by `$sequence` (the
                # rowid, ascending) and caps the total at 5,000 — the statements the
                # emulator runs for this list, so the floor's SQLite is that work exactly.
                where = "category = ? AND status = ?"
                raw.execute(
                    f"SELECT * FROM {sql} WHERE {where} ORDER BY score DESC, _id ASC LIMIT 25",
                    ("c7", "live"),
                ).fetchall()
                raw.execute(
                    f"SELECT COUNT(*) FROM (SELECT 1 FROM {sql} WHERE {where} LIMIT 5000)",
                    ("c7", "live"),
                ).fetchone()

            counter = iter(range(10_000_000, 20_000_000, 100))

            def bulk():
                first = next(counter)
                tables.create_rows(DB, TABLE, [_row(i) for i in range(first, first + 100)])

            columns = ["_uid", "_createdAt", "_updatedAt", "_permissions", "category", "status"]
            columns += ["score", "body"]
            insert = (
                f"INSERT INTO {sql} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
            )
            stamp = "2026-01-01T00:00:00.000+00:00"

            def sqlite_bulk():
                first = next(counter)
                rows = [_row(i) for i in range(first, first + 100)]
                with raw:
                    raw.executemany(
                        insert,
                        [
                            (r["$id"], stamp, stamp, "[]", r["category"], r["status"])
                            + (r["score"], r["body"])
                            for r in rows
                        ],
                    )

            # Interleaved: each round runs every operation and its floors once, so a burst
            # of load on the machine hits an operation and its floor alike.
            probes = {
                "http_floor": lambda: requests.request("GET", empty, headers={}),
                "get_row": lambda: tables.get_row(DB, TABLE, next(pick)),
                "sqlite_get": lambda: raw.execute(
                    f"SELECT * FROM {sql} WHERE _uid = ?", (next(pick),)
                ).fetchall(),
                "list_rows": lambda: tables.list_rows(DB, TABLE, queries),
                "sqlite_list": sqlite_list,
                "bulk_create": bulk,
                "sqlite_bulk": sqlite_bulk,
            }
            samples: dict[str, list[float]] = {name: [] for name in probes}
            for round_ in range(runs + 3):
                for name, probe in probes.items():
                    if name in ("bulk_create", "sqlite_bulk") and round_ % 4:
                        continue  # bulk writes every 4th round: the table grows slowly
                    started = time.perf_counter()
                    probe()
                    if round_ >= 3:
                        samples[name].append(time.perf_counter() - started)
            for name, values in samples.items():
                results[name] = summary(values)
            if split:
                results["split"] = _split(probes, server_ns, max(20, runs // 4))
            raw.close()
        state.db.close()
    results["server"] = server
    http = results["http_floor"]["p50_ms"]
    for op, floor in (
        ("get_row", "sqlite_get"),
        ("list_rows", "sqlite_list"),
        ("bulk_create", "sqlite_bulk"),
    ):
        results[op]["floor_ms"] = results[floor]["p50_ms"] + http
        results[op]["ratio"] = results[op]["p50_ms"] / results[op]["floor_ms"]
    results["bulk_create"]["rows_per_s"] = 100 / (results["bulk_create"]["p50_ms"] / 1000)
    return results


def _split(probes: dict, server_ns, calls: int, rounds: int = 3) -> dict:
    """Per call, in ms: wall, client CPU (this thread), server CPU, and the rest (waiting) —
    each operation in `rounds` blocks of `calls` calls (bulk: a quarter as many), the
    operations taking turns; each figure is its best block (the least disturbed by the
    machine's other work)."""
    me = [threading.get_native_id()]
    blocks: dict[str, list[dict]] = {}
    for _ in range(rounds):
        for name, probe in probes.items():
            if name.startswith("sqlite"):
                continue
            n = calls if name != "bulk_create" else max(5, calls // 4)
            probe()
            wall, client, served = time.perf_counter(), _run_ns(os.getpid(), me), server_ns()
            for _ in range(n):
                probe()
            wall = (time.perf_counter() - wall) * 1000 / n
            client = (_run_ns(os.getpid(), me) - client) / 1e6 / n
            served = (server_ns() - served) / 1e6 / n
            blocks.setdefault(name, []).append(
                {"wall_ms": wall, "client_cpu_ms": client, "server_cpu_ms": served}
            )
    split = {}
    for name, measured in blocks.items():
        best = {key: min(b[key] for b in measured) for key in measured[0]}
        best["waiting_ms"] = max(
            0.0, best["wall_ms"] - best["client_cpu_ms"] - best["server_cpu_ms"]
        )
        split[name] = best
    return split


def split_table(results: dict) -> str:
    split = results.get("split")
    if not split:
        return ""
    lines = [
        f"Where the time goes ({results['server']} server; per call, the best of 3 blocks of "
        "calls; waiting = wall − both CPUs):",
        "",
        "| request | wall (ms) | client CPU (ms) | server CPU (ms) | waiting (ms) |",
        "|---|---|---|---|---|",
    ]
    for name, label in (
        ("http_floor", "empty request (HTTP floor)"),
        ("get_row", "`get_row`"),
        ("list_rows", "`list_rows`"),
        ("bulk_create", "bulk create, 100 rows"),
    ):
        r = split[name]
        lines.append(
            f"| {label} | {r['wall_ms']:.2f} | {r['client_cpu_ms']:.2f} "
            f"| {r['server_cpu_ms']:.2f} | {r['waiting_ms']:.2f} |"
        )
    return "\n".join(lines)


def table(results: dict) -> str:
    lines = [
        "| operation | p50 (ms) | p99 (ms) | floor (ms) = SQLite + HTTP | ratio to floor |",
        "|---|---|---|---|---|",
    ]
    http = results["http_floor"]["p50_ms"]
    for op, floor, label in (
        ("get_row", "sqlite_get", "`get_row`"),
        ("list_rows", "sqlite_list", "`list_rows` (2 filters, order, limit 25, total)"),
        ("bulk_create", "sqlite_bulk", "bulk create, 100 rows"),
    ):
        r = results[op]
        lines.append(
            f"| {label} | {r['p50_ms']:.2f} | {r['p99_ms']:.2f} "
            f"| {r['floor_ms']:.2f} = {results[floor]['p50_ms']:.2f} + {http:.2f} "
            f"| **{r['ratio']:.2f}×** |"
        )
    lines.append("")
    lines.append(
        f"Server: {results.get('server', 'thread')}. "
        f"Bulk create: {results['bulk_create']['rows_per_s']:,.0f} rows/s "
        f"(filling the table: {results['fill_rows_per_s']:,.0f} rows/s). "
        f"HTTP floor p99 {results['http_floor']['p99_ms']:.2f} ms."
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench emulator", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument(
        "--server",
        choices=["process", "thread"],
        default="process",
        help="the emulator in its own process (default, as in production) or as a thread "
        "of the benchmark's process",
    )
    parser.add_argument("--no-split", action="store_true", help="skip the CPU split")
    args = parser.parse_args(argv)
    results = measure(args.rows, args.runs, args.server, split=not args.no_split)
    print(table(results))
    print()
    print(split_table(results))
    print(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
