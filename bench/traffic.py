"""Round trips, connections, TLS handshakes and warm latency of every Newsroom operation,
over HTTPS as on Appwrite, with and without the workers' keep-alive pool (issue 13,
items 1–3).

For each operation, in a private emulator started with `tls=True`: `--runs` warm samples
(a fresh subject prepared untimed before each, its side executions waited for), each
timed by the execution's own duration (executor → worker → response) and read back
through the emulator's traffic counters (`AppwriteTestClient.execution_stats`): API
requests (round trips, JWT checks included), connections, new connections, TLS
handshakes. Then the same with `NEWSROOM_HTTP_KEEPALIVE=off` (the SDK's own way: a new
connection per call).

Anchors measured in the same run:
* `health`  — a warm execution that makes no API call (`articles GET /health`);
* `api_rt`  — one API round trip on a kept-alive TLS connection from this process;
floor(op) = health + requests(op) × api_rt; every latency is also given as op / floor.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import pathlib
import statistics
import tempfile
import time
import uuid

from .common import quiet_tls_warnings

ROOT = pathlib.Path(__file__).resolve().parent.parent
DB = "newsroom"
ENRICHED_COLUMNS = ("slug", "summary", "wordCount", "readingMinutes", "enrichedAt")
BODY = "word " * 300


class Harness:
    """The operations, on one stack; each `op()` → a fresh invocation (prepared untimed)."""

    def __init__(self, stack, due: int):
        from emulator.testclient import AppwriteTestClient

        self.stack = stack
        self.client = AppwriteTestClient(stack)
        self.runner = stack.executions.runner
        self.due = due
        self.admin = self.client.create_user(self._email("admin"), "bench-password-1", "Admin")
        from appwrite.services.users import Users

        Users(self.client.admin_client()).update_labels(self.admin["$id"], ["admin"])
        self.jwt = self.client.jwt_for(self.admin)
        self.pool = [self._new_article() for _ in range(3)]

    @staticmethod
    def _email(prefix: str) -> str:
        return f"{prefix}-{uuid.uuid4().hex[:10]}@example.test"

    # -- plumbing ---------------------------------------------------------------------------
    def execute(self, invocation) -> dict:
        execution = self.runner.execute(invocation)
        model = execution.model(with_logs=True)
        if model["status"] != "completed" or model["responseStatusCode"] >= 400:
            raise SystemExit(
                f"{invocation.function_id} {invocation.method} {invocation.path}: "
                f"{model['responseStatusCode']} {model['responseBody'][:300]} "
                f"{model['errors'][-500:]}"
            )
        return model

    def http(self, fid: str, method: str, path: str, body: dict | None = None):
        from emulator.services.executions.model import Invocation

        headers = {"content-type": "application/json", "authorization": f"Bearer {self.jwt}"}
        return Invocation(
            fid,
            "http",
            method=method,
            path=path,
            headers=headers,
            body=json.dumps(body, separators=(",", ":")) if body is not None else "",
            via_domain=True,
        )

    def _new_article(self) -> str:
        body = {"title": f"Bench {uuid.uuid4().hex[:6]}", "body": BODY}
        model = self.execute(self.http("articles", "POST", "/articles", body))
        self.stack.executions.wait_idle()
        return json.loads(model["responseBody"])["$id"]

    def _due_articles(self, count: int) -> None:
        from appwrite.services.tables_db import TablesDB

        past = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)).isoformat()
        tables = TablesDB(self.client.admin_client())
        for first in range(0, count, 100):
            rows = [
                {
                    "title": f"Due {i}",
                    "body": BODY,
                    "authorId": self.admin["$id"],
                    "status": "scheduled",
                    "publishAt": past,
                }
                for i in range(first, min(first + 100, count))
            ]
            tables.create_rows(DB, "articles", rows)
        self.stack.executions.wait_idle()

    # -- the operations: name → (function id, prepare → invocation) ------------------------------
    def operations(self) -> dict:
        from emulator.services.executions.model import Invocation

        def signup():
            body = {"email": self._email("b"), "password": "bench-password-1", "name": "B"}
            return self.http("accounts", "POST", "/signup", body)

        def create():
            return self.http("articles", "POST", "/articles", {"title": "New", "body": BODY})

        def listing():
            return self.http("articles", "GET", "/articles?limit=10")

        def get():
            return self.http("articles", "GET", f"/articles/{self.pool[0]}")

        def update():
            title = f"Edited {uuid.uuid4().hex[:6]}"
            return self.http("articles", "PATCH", f"/articles/{self.pool[1]}", {"title": title})

        def publish():
            return self.http("articles", "POST", f"/articles/{self._new_article()}/publish", {})

        def enrich():
            # A new article's first enrichment. An article made through `articles` is
            # enriched at once by its own `create` event, and the run measured would then
            # only find it done. So: a copy of such an article under a new id, written by
            # an upsert (whose event is `…upsert`, which enrich-article does not follow),
            # without the fields enrichment fills and with a title of its own; then its
            # `create` event, sent here.
            from appwrite.id import ID
            from appwrite.services.tables_db import TablesDB

            tables = TablesDB(self.client.admin_client())
            made = tables.get_row(DB, "articles", self._new_article())
            data = {
                key: value
                for key, value in made.items()
                if not key.startswith("$") and key not in ENRICHED_COLUMNS
            }
            data["title"] = f"Bench {uuid.uuid4().hex[:6]}"  # its own slug: free, as most are
            row = tables.upsert_row(DB, "articles", ID.unique(), data, made["$permissions"])
            name = f"databases.{DB}.collections.articles.documents.{row['$id']}.create"
            return Invocation("enrich-article", "event", body=json.dumps(row), event=name)

        def provision():
            user = self.client.create_user(self._email("p"), "bench-password-1", "P")
            self.stack.executions.wait_idle()
            name = f"users.{user['$id']}.create"
            return Invocation("provision-profile", "event", body=json.dumps(user), event=name)

        def scheduled():
            self._due_articles(self.due)
            return Invocation("publish-scheduled", "schedule")

        def nightly():
            return Invocation("nightly-maintenance", "schedule")

        def health():
            return self.http("articles", "GET", "/health")

        return {
            "health": ("articles", health),
            "sign-up": ("accounts", signup),
            "create article": ("articles", create),
            "list articles": ("articles", listing),
            "get article": ("articles", get),
            "update article": ("articles", update),
            "publish article": ("articles", publish),
            "enrich": ("enrich-article", enrich),
            "provision": ("provision-profile", provision),
            f"publish-scheduled ({self.due} due)": ("publish-scheduled", scheduled),
            "nightly-maintenance": ("nightly-maintenance", nightly),
        }

    def set_keepalive(self, on: bool) -> None:
        """Workers with or without the pool (each restarted, then warmed untimed)."""
        for spec in self.stack.manifest.functions:
            deployment = self.runner.deployment(spec)
            if on:
                deployment.env.pop("NEWSROOM_HTTP_KEEPALIVE", None)
            else:
                deployment.env["NEWSROOM_HTTP_KEEPALIVE"] = "off"
            self.runner.executor.stop(spec.id)

    def sample(self, prepare, runs: int) -> list[dict]:
        """One untimed warm-up, then `runs` samples: duration and counters."""
        out = []
        for i in range(runs + 1):
            invocation = prepare()
            self.stack.executions.wait_idle()
            model = self.execute(invocation)
            self.stack.executions.wait_idle()
            stats = self.client.execution_stats(model["$id"])
            if i:
                out.append({"ms": model["duration"] * 1000, **stats})
        return out


def api_round_trip(stack, runs: int) -> float:
    """Median ms of one API request on a kept-alive TLS connection (this process)."""
    import requests

    session = requests.Session()
    verify = str(stack.tls.ca) if stack.tls else True  # per call: the env would win over .verify
    url = stack.endpoint + "/users?limit=1"
    headers = {"x-appwrite-project": stack.project_id, "x-appwrite-key": stack.api_key}
    samples = []
    for i in range(runs + 5):
        started = time.perf_counter()
        session.get(url, headers=headers, verify=verify).raise_for_status()
        if i >= 5:
            samples.append(time.perf_counter() - started)
    session.close()
    return statistics.median(samples) * 1000


def _digest(samples: list[dict]) -> dict:
    return {
        "ms": statistics.median(s["ms"] for s in samples),
        "requests": statistics.median(s["requests"] for s in samples),
        "connections": statistics.median(s["connections"] for s in samples),
        "new_connections": statistics.median(s["newConnections"] for s in samples),
        "handshakes": statistics.median(s["tlsHandshakes"] for s in samples),
        "handshakes_max": max(s["tlsHandshakes"] for s in samples),
    }


def measure(
    runs: int = 9,
    due: int = 10,
    tls: bool = True,
    python: str | None = None,
    modes: tuple[str, ...] = ("keepalive", "per-call"),
) -> dict:
    from emulator.stack import Stack

    quiet_tls_warnings()
    results: dict = {"runs": runs, "due": due, "tls": tls, "operations": {}}
    with (
        tempfile.TemporaryDirectory(prefix="newsroom-bench-traffic-") as tmp,
        Stack.start(ROOT / "appwrite.json", data_dir=tmp, realtime_cron=False, tls=tls) as stack,
    ):
        if python:
            stack.executions.runner.python = pathlib.Path(python)
        harness = Harness(stack, due)
        operations = harness.operations()
        results["api_rt_ms"] = api_round_trip(stack, 50)
        for mode in modes:
            harness.set_keepalive(mode == "keepalive")
            for name, (_fid, prepare) in operations.items():
                print(f"  {mode:9} {name} …", flush=True)
                digest = _digest(harness.sample(prepare, runs))
                results["operations"].setdefault(name, {})[mode] = digest
    health = results["operations"]["health"]
    for by_mode in results["operations"].values():
        for mode, digest in list(by_mode.items()):
            floor = health[mode]["ms"] + digest["requests"] * results["api_rt_ms"]
            digest["floor_ms"] = floor
            digest["ratio_to_floor"] = digest["ms"] / floor
        if "per-call" in by_mode and "keepalive" in by_mode:
            by_mode["speedup"] = by_mode["per-call"]["ms"] / by_mode["keepalive"]["ms"]
    return results


def tables(results: dict) -> str:
    ops = results["operations"]
    lines = [
        f"API round trip on a kept-alive TLS connection (anchor): {results['api_rt_ms']:.2f} ms; "
        f"`health` = a warm execution with no API call. floor = health + requests × round trip.",
        "",
        "| operation | round trips | keep-alive: new conn. / TLS handshakes per execution "
        "| per call: TLS handshakes | warm ms, keep-alive (÷ floor) | warm ms, per call (÷ floor) "
        "| per call ÷ keep-alive |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, modes in ops.items():
        k, c = modes["keepalive"], modes["per-call"]
        lines.append(
            f"| {name} | {k['requests']:g} | {k['new_connections']:g} / {k['handshakes']:g} "
            f"(max {k['handshakes_max']}) | {c['handshakes']:g} "
            f"| {k['ms']:.1f} ({k['ratio_to_floor']:.2f}×) "
            f"| {c['ms']:.1f} ({c['ratio_to_floor']:.2f}×) "
            f"| {modes['speedup']:.2f}× |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench traffic", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--due", type=int, default=10, help="due articles for publish-scheduled")
    parser.add_argument("--plain", action="store_true", help="plain HTTP instead of TLS")
    parser.add_argument("--python", help="the workers' interpreter (e.g. .venv-sdk27/bin/python)")
    args = parser.parse_args(argv)
    results = measure(args.runs, args.due, tls=not args.plain, python=args.python)
    print(tables(results))
    return 0
