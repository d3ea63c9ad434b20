"""The emulator's own CPU per request, in-process (no network, no client): the ASGI app
called directly, `time.process_time()` around each call — steadier than wall time on a
shared machine, and what the hot-path work of issue 13 item 6 was measured with.

    python -m bench inprocess                      # empty / get / list / bulk, medians
    python -m bench inprocess --profile bulk       # cProfile of one operation

Same table as `python -m bench emulator` (generic, not Newsroom's), `--rows` rows.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import pathlib
import pstats
import statistics
import tempfile
import time
import urllib.parse

from .emulator_ops import _row

QUERIES = [
    {"method": "equal", "attribute": "category", "values": ["c7"]},
    {"method": "equal", "attribute": "status", "values": ["live"]},
    {"method": "orderDesc", "attribute": "score"},
    {"method": "limit", "values": [25]},
]


class InProcess:
    def __init__(self, app, key: str, project: str):
        self.app, self.key, self.project = app, key, project

    async def call(self, method: str, path: str, query: bytes = b"", body=None) -> dict:
        raw = json.dumps(body).encode() if body is not None else b""
        headers = [
            (b"x-appwrite-project", self.project.encode()),
            (b"x-appwrite-key", self.key.encode()),
            (b"content-type", b"application/json"),
            (b"content-length", str(len(raw)).encode()),
        ]
        scope = {
            "type": "http",
            "http_version": "1.1",
            "method": method,
            "path": path,
            "raw_path": path.encode(),
            "query_string": query,
            "headers": headers,
            "client": ("127.0.0.1", 5555),
            "server": ("127.0.0.1", 80),
            "scheme": "http",
            "root_path": "",
        }
        pending = [{"type": "http.request", "body": raw, "more_body": False}]

        async def receive():
            return pending.pop() if pending else {"type": "http.disconnect"}

        out: dict = {"body": b""}

        async def send(message):
            if message["type"] == "http.response.start":
                out["status"] = message["status"]
            else:
                out["body"] += message.get("body", b"")

        await self.app(scope, receive, send)
        return out


async def _run(rows: int, runs: int, profile: str | None) -> dict:
    from emulator.app import create_app
    from emulator.core.state import EmulatorState

    with tempfile.TemporaryDirectory(prefix="newsroom-bench-inproc-") as tmp:
        state = EmulatorState.open(pathlib.Path(tmp) / "db", project_id="bench")
        api = InProcess(create_app(state), state.admin_key, "bench")
        base = "/v1/tablesdb/bench/tables/items"
        await api.call("POST", "/v1/tablesdb", body={"databaseId": "bench", "name": "B"})
        await api.call("POST", "/v1/tablesdb/bench/tables", body={"tableId": "items", "name": "I"})
        for key, size in (("category", 32), ("status", 16), ("body", 200)):
            column = {"key": key, "size": size, "required": key != "body"}
            await api.call("POST", f"{base}/columns/varchar", body=column)
        await api.call("POST", f"{base}/columns/integer", body={"key": "score", "required": True})
        index = {"key": "by_cat", "type": "key", "columns": ["category", "status", "score"]}
        await api.call("POST", f"{base}/indexes", body=index)
        for first in range(0, rows, 100):
            batch = [_row(i) for i in range(first, min(first + 100, rows))]
            await api.call("POST", f"{base}/rows", body={"rows": batch})
        query = urllib.parse.urlencode([("queries[]", json.dumps(q)) for q in QUERIES]).encode()
        counter = iter(range(50_000_000, 60_000_000, 100))

        def bulk():
            first = next(counter)
            return api.call(
                "POST", f"{base}/rows", body={"rows": [_row(i) for i in range(first, first + 100)]}
            )

        operations = {
            "empty": lambda: api.call("GET", "/v1/nothing"),
            "get": lambda: api.call("GET", f"{base}/rows/r0000123"),
            "list": lambda: api.call("GET", f"{base}/rows", query),
            "bulk": bulk,
        }
        results, profiler = {}, cProfile.Profile()
        for name, operation in operations.items():
            answer = await operation()
            if answer["status"] >= 300 and name != "empty":
                raise SystemExit(f"{name}: {answer['status']} {answer['body'][:300]!r}")
            samples = []
            if name == profile:
                profiler.enable()
            for _ in range(runs if name != "bulk" else max(10, runs // 5)):
                started = time.process_time()
                await operation()
                samples.append(time.process_time() - started)
            if name == profile:
                profiler.disable()
            results[name] = statistics.median(samples) * 1000
        if profile:
            pstats.Stats(profiler).sort_stats("tottime").print_stats(30)
        return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench inprocess", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--profile", choices=["empty", "get", "list", "bulk"])
    args = parser.parse_args(argv)
    results = asyncio.run(_run(args.rows, args.runs, args.profile))
    for name, ms in results.items():
        print(f"{name:6} {ms:.3f} ms CPU per request (median)")
    return 0
