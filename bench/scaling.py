"""How `publish-scheduled` and `nightly-maintenance` scale with the table (issue 13, item 5):
one run over 1k, 10k and 100k rows — time and the worker's peak memory.

For each size, in a fresh emulator (TLS): the function runs once on empty tables (its
worker warm, untimed), its peak-memory mark is reset (`/proc/PID/clear_refs`), then the
rows are written straight into the table (no events) and one scheduled run is timed.

* publish-scheduled: every row is a scheduled article already due (a backlog); a run
  publishes at most `PUBLISH_BATCH_LIMIT` of them.
* nightly-maintenance: every row is an article archived long ago (purgeable); the run
  purges until `MAINTENANCE_TIME_BUDGET_SECONDS` (set to `--budget`).

Targets (for the product work): time per row handled grows no faster than linearly with
the table, peak memory stays flat (paged, never loaded at once). `--quick`: 1k and 10k.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import pathlib
import tempfile
import time

from .common import quiet_tls_warnings

ROOT = pathlib.Path(__file__).resolve().parent.parent
DB, TABLE = "newsroom", "articles"


def _peak_mib(pid: int) -> float:
    for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _reset_peak(pid: int) -> None:
    # not Linux, or not allowed: the peak then includes the warm-up
    with contextlib.suppress(OSError):
        pathlib.Path(f"/proc/{pid}/clear_refs").write_text("5")


def _seed(stack, rows: int, kind: str) -> float:
    """Write `rows` articles of `kind` straight into SQLite, with the permissions the
    functions give them; returns seconds taken."""
    from shared.permissions import article_permissions

    backend = stack.api.app.state.tablesdb
    table = backend.registry.get_table(DB, TABLE)
    now = dt.datetime.now(dt.UTC)
    started = time.perf_counter()
    for first in range(0, rows, 1000):
        items = []
        for i in range(first, min(first + 1000, rows)):
            data = {"title": f"Row {i}", "body": "word " * 50, "authorId": "bench-author"}
            if kind == "due":
                data.update(
                    status="scheduled", publishAt=(now - dt.timedelta(minutes=5)).isoformat()
                )
            else:
                old = (now - dt.timedelta(days=400)).isoformat()
                data.update(status="archived", archivedAt=old)
            prepared = backend.rows.prepare(table, data, None, allow_dates=True)
            # the permissions the functions give such a row (an empty list would be "drift"
            # that nightly-maintenance's permission walk repairs row by row first)
            permissions = article_permissions(data["authorId"], None, data["status"])
            items.append((f"s{i:07d}", prepared, permissions))
        backend.rows.insert_many(table, items)
    return time.perf_counter() - started


def run_one(function_id: str, rows: int, budget: int) -> dict:
    from emulator.services.executions.model import Invocation
    from emulator.stack import Stack

    kind = "due" if function_id == "publish-scheduled" else "archived"
    with (
        tempfile.TemporaryDirectory(prefix="newsroom-bench-scale-") as tmp,
        Stack.start(ROOT / "appwrite.json", data_dir=tmp, realtime_cron=False, tls=True) as stack,
    ):
        runner = stack.executions.runner
        runner.sync_limit = 900
        spec = runner.spec(function_id)
        runner.deployment(spec).env["MAINTENANCE_TIME_BUDGET_SECONDS"] = str(budget)
        runner.execute(Invocation(function_id, "schedule"))  # warm, on empty tables
        stack.executions.wait_idle()
        pid = runner.executor.worker_pid(function_id)
        seeded = _seed(stack, rows, kind)
        _reset_peak(pid)
        execution = runner.execute(Invocation(function_id, "schedule")).model(with_logs=True)
        stack.executions.wait_idle()
        if execution["status"] != "completed":
            raise SystemExit(f"{function_id} failed: {execution['errors'][-800:]}")
        answer = json.loads(execution["responseBody"] or "{}")
        handled = len(answer.get("published", [])) if kind == "due" else _purged(answer)
        stats = stack.api.app.state.traffic.stats(execution["$id"])
        return {
            "rows": rows,
            "seconds": execution["duration"],
            "handled": handled,
            "ms_per_handled": execution["duration"] * 1000 / handled if handled else None,
            "requests": stats["requests"],
            "peak_mib": _peak_mib(pid),
            "seed_s": seeded,
            "answer_keys": sorted(answer)[:12],
        }


def _purged(answer: dict) -> int:
    """Articles purged by the run: `purged.articles` (`purgedArticles` lists at most 100)."""
    purged = answer.get("purged")
    if isinstance(purged, dict) and isinstance(purged.get("articles"), int):
        return purged["articles"]
    listed = answer.get("purgedArticles")
    return len(listed) if isinstance(listed, list) else 0


def measure(sizes: list[int], budget: int = 15) -> dict:
    quiet_tls_warnings()
    out: dict = {"budget_s": budget, "functions": {}}
    for function_id in ("publish-scheduled", "nightly-maintenance"):
        for rows in sizes:
            print(f"  {function_id} over {rows:,} rows …", flush=True)
            out["functions"].setdefault(function_id, []).append(run_one(function_id, rows, budget))
    return out


def table(results: dict) -> str:
    lines = [
        "| function | rows | run (s) | rows handled | ms per row handled | API requests "
        "| worker peak (MiB) |",
        "|---|---|---|---|---|---|---|",
    ]
    for fid, runs in results["functions"].items():
        for r in runs:
            per = f"{r['ms_per_handled']:.1f}" if r["ms_per_handled"] else "–"
            lines.append(
                f"| {fid} | {r['rows']:,} | {r['seconds']:.2f} | {r['handled']} | {per} "
                f"| {r['requests']} | {r['peak_mib']:.1f} |"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench scaling", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--quick", action="store_true", help="1k and 10k rows only (CI)")
    parser.add_argument("--sizes", help="comma-separated row counts (default 1000,10000,100000)")
    parser.add_argument("--budget", type=int, default=15, help="nightly's time budget (s)")
    args = parser.parse_args(argv)
    sizes = (
        [int(s) for s in args.sizes.split(",")]
        if args.sizes
        else ([1000, 10_000] if args.quick else [1000, 10_000, 100_000])
    )
    print(table(measure(sizes, args.budget)))
    return 0
