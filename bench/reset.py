"""Reset between tests: SQLite snapshot/restore against starting a fresh, seeded emulator.

    python -m bench reset [--runs 20]

On Newsroom's appwrite.json seeded with seed/newsroom.json, after a test-like change (a
user, a row): `restore` = `AppwriteTestClient.restore(snapshot)` (the backup API, copying
every table back), `fresh` = what a test would do without it: start a new emulator
(provisioning the database from appwrite.json) and apply the seed. Medians and maxima.
"""

from __future__ import annotations

import argparse
import pathlib
import statistics
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
MANIFEST = ROOT / "appwrite.json"
SEED = ROOT / "seed" / "newsroom.json"


def _ms(seconds: list[float]) -> str:
    return f"{statistics.median(seconds) * 1000:.1f} ms median, {max(seconds) * 1000:.1f} max"


def main(argv: list[str] | None = None) -> int:
    from appwrite.services.tables_db import TablesDB

    from emulator.testclient import AppwriteTestClient

    parser = argparse.ArgumentParser(prog="python -m bench reset")
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        with AppwriteTestClient.start(MANIFEST, data_dir=pathlib.Path(folder) / "a") as client:
            client.apply_seed(SEED)
            started = time.perf_counter()
            snapshot = client.snapshot()
            taken = time.perf_counter() - started
            tables = TablesDB(client.admin_client())
            restores = []
            for run in range(args.runs):
                tables.create_row(
                    "newsroom",
                    "daily_stats",
                    f"bench-{run}",
                    {"day": f"2030-01-{run % 28 + 1:02d}"},
                )
                started = time.perf_counter()
                client.stack.state.db.restore(snapshot)
                restores.append(time.perf_counter() - started)
            assert tables.list_rows("newsroom", "daily_stats")["total"] == 0
            size = client.stack.state.db.query("PRAGMA page_count")[0][0] * 4096
        fresh = []
        for run in range(max(3, args.runs // 5)):
            started = time.perf_counter()
            data = pathlib.Path(folder) / f"fresh-{run}"
            with AppwriteTestClient.start(MANIFEST, data_dir=data) as client:
                client.apply_seed(SEED)
                fresh.append(time.perf_counter() - started)
    print(f"database size: {size / 1024:.0f} KiB")
    print(f"snapshot: {taken * 1000:.1f} ms")
    print(f"restore:  {_ms(restores)} ({args.runs} runs)")
    print(f"fresh emulator + seed: {_ms(fresh)} ({len(fresh)} runs)")
    return 0
