"""What a night of `nightly-maintenance` costs as the covers bucket grows (issue 13,
item 3: nightly's calls O(1) per category, whatever the count).

For each bucket size, in a fresh emulator (TLS): that many published articles, each with
its cover, written straight into SQLite two days before the runs (rows and file records;
no events). Night 1 is the first walk (every row and every cover: nothing is recorded
yet); nights 2 and 3 are quiet ones — nothing written since, nothing to fix — whose calls
are what every later night costs: the walk of what changed since the last one (nothing),
and the rolling check of `COVER_CHECK_PAGES` pages (default 10). Anchor: the quiet night
over an empty bucket in the same run; the ratio of each quiet night's calls and time to it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import pathlib
import tempfile

from .common import quiet_tls_warnings

ROOT = pathlib.Path(__file__).resolve().parent.parent
DB, TABLE, BUCKET = "newsroom", "articles", "covers"
FUNCTION = "nightly-maintenance"


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), (30, 90, 160)).save(out, "PNG")
    return out.getvalue()


def _seed(stack, covers: int) -> None:
    """`covers` published articles with their cover files, two days old."""
    from emulator.core.sqlite import dump_doc
    from shared.permissions import article_permissions

    backend = stack.api.app.state.tablesdb
    storage = stack.api.app.state.storage
    table = backend.registry.get_table(DB, TABLE)
    earlier = (dt.datetime.now(dt.UTC) - dt.timedelta(days=2)).isoformat(timespec="milliseconds")
    readable = article_permissions("bench-author", None, "published")
    picture = _png()
    for first in range(0, covers, 1000):
        ids = [f"c{i:07d}" for i in range(first, min(first + 1000, covers))]
        items = []
        for row_id in ids:
            data = {
                "title": row_id,
                "body": "word " * 50,
                "authorId": "bench-author",
                "status": "published",
                "publishedAt": earlier,
                "coverMimeType": "image/png",
                "$createdAt": earlier,
                "$updatedAt": earlier,
            }
            items.append(
                (row_id, backend.rows.prepare(table, data, None, allow_dates=True), readable)
            )
        backend.rows.insert_many(table, items)
        records = []
        for row_id in ids:
            storage.blobs.write(BUCKET, row_id, picture)
            record = {
                "$id": row_id,
                "bucketId": BUCKET,
                "$createdAt": earlier,
                "$updatedAt": earlier,
                "$permissions": readable,
                "name": "cover.png",
                "signature": "",
                "mimeType": "image/png",
                "sizeOriginal": len(picture),
                "sizeActual": len(picture),
                "chunksTotal": 1,
                "chunksUploaded": 1,
                "encryption": False,
                "compression": "none",
            }
            records.append((BUCKET, row_id, dump_doc(record)))
        with storage.store.db.transaction() as conn:
            conn.executemany(
                "INSERT INTO storage_files (bucket_id, id, doc) VALUES (?, ?, ?)", records
            )


def run_one(covers: int) -> dict:
    from emulator.services.executions.model import Invocation
    from emulator.stack import Stack

    with (
        tempfile.TemporaryDirectory(prefix="newsroom-bench-covers-") as tmp,
        Stack.start(ROOT / "appwrite.json", data_dir=tmp, realtime_cron=False, tls=True) as stack,
    ):
        runner = stack.executions.runner
        runner.sync_limit = 900
        warm = Invocation(FUNCTION, "http", method="GET", path="/health")
        if runner.execute(warm).model(with_logs=False)["status"] != "completed":
            raise SystemExit(f"{FUNCTION}: the warm-up run failed")
        _seed(stack, covers)
        nights = []
        for _ in range(3):
            execution = runner.execute(Invocation(FUNCTION, "schedule")).model(with_logs=True)
            stack.executions.wait_idle()
            if execution["status"] != "completed":
                raise SystemExit(f"{FUNCTION} failed: {execution['errors'][-800:]}")
            answer = json.loads(execution["responseBody"])
            if answer["purged"]["covers"] or answer["permissions"]["covers"]:
                raise SystemExit(f"{FUNCTION}: the seeded covers were not right: {answer}")
            stats = stack.api.app.state.traffic.stats(execution["$id"])
            nights.append({"seconds": execution["duration"], "requests": stats["requests"]})
        return {"covers": covers, "nights": nights}


def measure(sizes: list[int]) -> dict:
    quiet_tls_warnings()
    runs = []
    for covers in [0, *[s for s in sizes if s]]:
        print(f"  {FUNCTION} over {covers:,} covers …", flush=True)
        runs.append(run_one(covers))
    return {"runs": runs}


def quiet_ratio(results: dict, covers: int) -> float:
    """A quiet night's calls over `covers` covers ÷ over an empty bucket (same run)."""
    nights = {run["covers"]: run["nights"] for run in results["runs"]}
    return nights[covers][1]["requests"] / nights[0][1]["requests"]


def table(results: dict) -> str:
    anchor = results["runs"][0]["nights"][1]
    lines = [
        "| covers | night 1, the first walk: requests, s | quiet night: requests (÷ empty "
        "bucket) | quiet night: s (÷ empty bucket) | next quiet night: requests |",
        "|---|---|---|---|---|",
    ]
    for run in results["runs"]:
        first, quiet, nxt = run["nights"]
        lines.append(
            f"| {run['covers']:,} | {first['requests']}, {first['seconds']:.2f} "
            f"| {quiet['requests']} ({quiet['requests'] / anchor['requests']:.2f}×) "
            f"| {quiet['seconds']:.3f} ({quiet['seconds'] / anchor['seconds']:.2f}×) "
            f"| {nxt['requests']} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench covers", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--sizes",
        default="1000,10000",
        help="comma-separated bucket sizes (default 1000,10000; an empty bucket is the anchor)",
    )
    args = parser.parse_args(argv)
    print(table(measure([int(s) for s in args.sizes.split(",")])))
    return 0
