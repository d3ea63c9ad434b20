"""How `publish-scheduled` and `nightly-maintenance` scale with the table (issue 13, item 5):
runs over 1k, 10k and 100k rows — time, API requests and the worker's peak memory.

For each size, in a fresh emulator (TLS): the function runs once on empty tables (its
worker warm, untimed), its peak-memory mark is reset (`/proc/PID/clear_refs`), then the
rows are written straight into the table (no events) and the scheduled runs are timed.

* publish-scheduled: every row is a scheduled article already due (a backlog); a run
  publishes at most `PUBLISH_BATCH_LIMIT` of them, whatever the backlog.
* nightly-maintenance: a newsroom of that many articles, of which 1,000 (or all, below
  1,000) were archived long ago and are due for purging, the rest published. The first
  night walks every row's permissions (none recorded yet) and purges the 1,000, with
  `MAINTENANCE_TIME_BUDGET_SECONDS` = `--budget` (enough to finish); the next night finds
  the walk recorded and nothing left to purge. Its work grows with the table (the walk)
  and should take time in proportion: "ms per 1,000 rows" stays flat. The second night's
  requests show what a night costs once the first walk is done.

Targets: time grows no faster than linearly with the table, peak memory stays flat
(paged, never loaded at once). `--quick`: 1k and 10k.
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
PURGEABLE = 1000  # nightly: the articles archived long ago, whatever the table's size


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
            else:  # written on earlier days, as a newsroom's articles are
                earlier = (now - dt.timedelta(days=2)).isoformat()
                data.update({"$createdAt": earlier, "$updatedAt": earlier})
                if i < PURGEABLE:
                    old = (now - dt.timedelta(days=400)).isoformat()
                    data.update(status="archived", archivedAt=old)
                else:
                    data.update(status="published", publishedAt=earlier)
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
        # warm: publish-scheduled by a run on empty tables; nightly by its health route, so
        # that no permission walk is recorded before its first night
        warm = (
            Invocation(function_id, "schedule")
            if kind == "due"
            else Invocation(function_id, "http", method="GET", path="/health")
        )
        if runner.execute(warm).model(with_logs=False)["status"] != "completed":
            raise SystemExit(f"{function_id}: the warm-up run failed")
        stack.executions.wait_idle()
        pid = runner.executor.worker_pid(function_id)
        seeded = _seed(stack, rows, kind)
        _reset_peak(pid)
        execution = runner.execute(Invocation(function_id, "schedule")).model(with_logs=True)
        stack.executions.wait_idle()
        answer = _answer(function_id, execution)
        handled = len(answer.get("published", [])) if kind == "due" else _purged(answer)
        stats = stack.api.app.state.traffic.stats(execution["$id"])
        result = {
            "rows": rows,
            "seconds": execution["duration"],
            "handled": handled,
            "ms_per_handled": execution["duration"] * 1000 / handled if handled else None,
            "ms_per_1000_rows": execution["duration"] * 1e6 / rows,
            "requests": stats["requests"],
            "peak_mib": _peak_mib(pid),
            "seed_s": seeded,
            "answer_keys": sorted(answer)[:12],
        }
        if kind == "archived":
            if not answer.get("finished"):
                raise SystemExit(
                    f"nightly-maintenance did not finish {rows:,} rows in its {budget} s budget"
                    " (raise --budget): the run would not measure the whole night's work"
                )
            following = runner.execute(Invocation(function_id, "schedule")).model(with_logs=True)
            stack.executions.wait_idle()
            _answer(function_id, following)
            result["next_night"] = {
                "seconds": following["duration"],
                "requests": stack.api.app.state.traffic.stats(following["$id"])["requests"],
            }
            result["peak_mib"] = _peak_mib(pid)
        return result


def _answer(function_id: str, execution: dict) -> dict:
    if execution["status"] != "completed":
        raise SystemExit(f"{function_id} failed: {execution['errors'][-800:]}")
    return json.loads(execution["responseBody"] or "{}")


def _purged(answer: dict) -> int:
    """Articles purged by the run: `purged.articles` (`purgedArticles` lists at most 100)."""
    purged = answer.get("purged")
    if isinstance(purged, dict) and isinstance(purged.get("articles"), int):
        return purged["articles"]
    listed = answer.get("purgedArticles")
    return len(listed) if isinstance(listed, list) else 0


def measure(sizes: list[int], budget: int = 120) -> dict:
    quiet_tls_warnings()
    out: dict = {"budget_s": budget, "functions": {}}
    for function_id in ("publish-scheduled", "nightly-maintenance"):
        for rows in sizes:
            print(f"  {function_id} over {rows:,} rows …", flush=True)
            out["functions"].setdefault(function_id, []).append(run_one(function_id, rows, budget))
    return out


def table(results: dict) -> str:
    lines = [
        "| function | rows | run (s) | ms per 1,000 rows | rows handled | ms per row handled "
        "| API requests | next night: run (s), requests | worker peak (MiB) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for fid, runs in results["functions"].items():
        for r in runs:
            per = f"{r['ms_per_handled']:.1f}" if r["ms_per_handled"] else "–"
            per_rows = r.get("ms_per_1000_rows")
            per_rows = f"{per_rows:.0f}" if per_rows is not None else "–"
            nxt = r.get("next_night")
            nxt = f"{nxt['seconds']:.2f}, {nxt['requests']}" if nxt else "–"
            lines.append(
                f"| {fid} | {r['rows']:,} | {r['seconds']:.2f} | {per_rows} | {r['handled']} "
                f"| {per} | {r['requests']} | {nxt} | {r['peak_mib']:.1f} |"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench scaling", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--quick", action="store_true", help="1k and 10k rows only (CI)")
    parser.add_argument("--sizes", help="comma-separated row counts (default 1000,10000,100000)")
    parser.add_argument(
        "--budget",
        type=int,
        default=120,
        help="nightly's time budget (s): enough to finish the first night at 100k rows",
    )
    args = parser.parse_args(argv)
    sizes = (
        [int(s) for s in args.sizes.split(",")]
        if args.sizes
        else ([1000, 10_000] if args.quick else [1000, 10_000, 100_000])
    )
    print(table(measure(sizes, args.budget)))
    return 0
