"""First-request cost and peak memory of each Newsroom function, in its real worker,
answering a realistic first request against the emulator.

For each function: stop its worker, start a fresh one (not timed), then time the first
execution (module import + first `main()` with its Appwrite calls), then a warm one;
peak memory is the worker's VmHWM after both. Workers run on the functions' own
environment (built from their requirements.txt: appwrite 15.3.0, jsonschema 4.26.0, on
Python 3.12, as `serve` runs them). Targets (issue 2): first request ≤ 150 ms,
peak memory ≤ 45 MiB.
"""

from __future__ import annotations

import argparse
import json
import pathlib
import statistics
import tempfile
import uuid

from emulator.services.executions.model import Invocation
from emulator.stack import Stack
from emulator.testclient import AppwriteTestClient

ROOT = pathlib.Path(__file__).resolve().parent.parent


def _peak_mib(pid: int) -> float:
    for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def requests_for(client: AppwriteTestClient) -> dict[str, callable]:
    """Per function, `prepare()` → a `run()` that makes one realistic request (fresh
    subject each time); preparing may itself run the function, so it happens first."""
    author = client.create_user(
        f"bench-{uuid.uuid4().hex[:8]}@example.test", "bench-password-1", "Bench"
    )
    jwt = client.jwt_for(author)
    article = {
        "title": "Bench",
        "body": "word " * 300,
        "authorId": author["$id"],
        "status": "draft",
    }
    functions = client.stack.executions.runner

    def run(invocation):
        return functions.execute(invocation).model(with_logs=True)

    def http(fid, method, path, body=None, auth=False):
        headers = {"content-type": "application/json"}
        if auth:
            headers["authorization"] = f"Bearer {jwt}"
        return lambda: (
            lambda: run(
                Invocation(
                    fid,
                    "http",
                    method=method,
                    path=path,
                    headers=headers,
                    body=json.dumps(body(), separators=(",", ":")) if body else "",
                    via_domain=True,
                )
            )
        )

    def event(fid, pattern_body):
        def prepare():  # the write fires the real event first; the timed run is a redelivery
            payload, name = pattern_body()
            return lambda: run(Invocation(fid, "event", body=json.dumps(payload), event=name))

        return prepare

    def new_row():
        row = client.admin_client()
        from appwrite.services.tables_db import TablesDB

        created = TablesDB(row).create_row("newsroom", "articles", "unique()", article)
        functions.wait_idle()
        return created, f"databases.newsroom.collections.articles.documents.{created['$id']}.create"

    def new_user():
        user = client.create_user(
            f"bench-{uuid.uuid4().hex[:8]}@example.test", "bench-password-1", "B"
        )
        functions.wait_idle()
        return user, f"users.{user['$id']}.create"

    return {
        "accounts": http(
            "accounts",
            "POST",
            "/signup",
            lambda: {
                "email": f"b-{uuid.uuid4().hex}@example.test",
                "password": "bench-password-1",
                "name": "B",
            },
        ),
        "articles": http("articles", "GET", "/articles?limit=10", auth=True),
        "enrich-article": event("enrich-article", new_row),
        "provision-profile": event("provision-profile", new_user),
        "publish-scheduled": lambda: lambda: run(Invocation("publish-scheduled", "schedule")),
        "nightly-maintenance": lambda: lambda: run(Invocation("nightly-maintenance", "schedule")),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench functions", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--runs", type=int, default=5, help="fresh workers per function (default 5)"
    )
    args = parser.parse_args(argv)
    rows = []
    with (
        tempfile.TemporaryDirectory(prefix="newsroom-bench-") as tmp,
        Stack.start(ROOT / "appwrite.json", data_dir=tmp, realtime_cron=False) as stack,
    ):
        client = AppwriteTestClient(stack)
        executor = stack.executions.runner.executor
        for fid, make in requests_for(client).items():
            print(f"measuring {fid} …", flush=True)
            spec = stack.executions.runner.spec(fid)
            first, warm, peak = [], [], []
            for _ in range(args.runs + 1):  # the first round compiles bytecode; discarded
                cold_run, hot_run = make(), make()
                stack.executions.wait_idle()
                executor.stop(fid)
                executor.warm(stack.executions.runner.deployment(spec))
                cold = cold_run()
                hot = hot_run()
                for execution in (cold, hot):
                    if execution["status"] != "completed":
                        raise SystemExit(
                            f"{fid} failed: {execution['responseStatusCode']} {execution['errors']}"
                        )
                first.append(cold["duration"])
                warm.append(hot["duration"])
                peak.append(_peak_mib(executor.worker_pid(fid)))
            rows.append(
                (
                    fid,
                    statistics.median(first[1:]) * 1000,
                    min(first[1:]) * 1000,
                    statistics.median(warm[1:]) * 1000,
                    statistics.median(peak[1:]),
                )
            )
    print()
    print("| function | first request (ms, median / min) | warm request (ms) | peak memory (MiB) |")
    print("|---|---|---|---|")
    for fid, median, low, hot, mib in rows:
        print(f"| {fid} | {median:.0f} / {low:.0f} | {hot:.0f} | {mib:.1f} |")
    return 0
