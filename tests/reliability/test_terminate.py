"""`serve` stopped with SIGTERM in the middle of a write load, then started again (figure
"Concurrency and durability"). A graceful stop finishes the executions that are running,
keeps the queued ones in the store, stops every worker, and the next start runs the queue:
every acknowledged write ends up enriched."""

from __future__ import annotations

import dataclasses
import signal
import uuid

import pytest
from appwrite.services.tables_db import TablesDB
from appwrite.services.users import Users

from tests.reliability.support import (
    DB,
    Served,
    Writer,
    end_processes,
    event_row,
    integrity,
    stored_executions,
    until,
    worker_processes,
)

pytestmark = pytest.mark.slow  # two `serve` processes (still run by make test)


@dataclasses.dataclass
class Stopped:
    acked: list[str]
    exit_code: int
    statuses: dict[str, str]
    rows_of: dict[str, str]
    integrity: str
    workers_left: list[int]
    restarted: Served


@pytest.fixture(scope="module")
def stopped(tmp_path_factory):
    data = tmp_path_factory.mktemp("terminated") / "data"
    served = Served.start(data)
    author = Users(served.admin()).create(
        "unique()", email=f"term-{uuid.uuid4().hex[:8]}@example.com", password="term-password-1"
    )
    slow = {
        "method": "PATCH",
        "path": f"/v1/tablesdb/{DB}/tables/articles/rows/*",
        "fault": "delay",
        "delay": 0.5,
        "times": None,
        "dynamicKeysOnly": True,
    }
    assert served.api("POST", "/emulator/faults", json=slow).status_code == 201
    writer = Writer(served, author["$id"], limit=16).start()
    writer.wait_for(8)
    until(lambda: served.executions("enrich-article", "processing"), what="an enrichment running")
    exit_code = served.kill(signal.SIGTERM)
    writer.join()
    stored = stored_executions(data, "enrich-article")
    left = worker_processes(data)
    end_processes(left)
    observed = {
        "acked": list(writer.acked),
        "exit_code": exit_code,
        "statuses": {e["$id"]: e["status"] for e in stored},
        "rows_of": {e["$id"]: event_row(e) for e in stored},
        "integrity": integrity(data),
        "workers_left": left,
    }
    restarted = Served.start(data)
    restarted.wait_for_queue("enrich-article")
    yield Stopped(**observed, restarted=restarted)
    restarted.kill(signal.SIGTERM)
    end_processes(worker_processes(data))


def test_a_graceful_stop_exits_cleanly_and_keeps_the_queue(stopped):
    counts = list(stopped.statuses.values())
    print(
        f"\nSIGTERM: {len(stopped.acked)} writes acknowledged; enrich-article at the stop: "
        f"{counts.count('completed')} completed, {counts.count('processing')} processing, "
        f"{counts.count('waiting')} waiting; exit {stopped.exit_code}; integrity "
        f"{stopped.integrity}; {len(stopped.workers_left)} worker process(es) left running"
    )
    assert stopped.exit_code == 0
    statuses = set(stopped.statuses.values())
    assert "processing" not in statuses  # running ones finished before the exit
    assert "waiting" in statuses  # queued ones stayed queued, in the store


def test_no_acknowledged_write_is_lost(stopped):
    tables = TablesDB(stopped.restarted.admin())
    for row_id in stopped.acked:
        assert tables.get_row(DB, "articles", row_id)["$id"] == row_id


def test_the_database_is_intact(stopped):
    assert stopped.integrity == "ok"


def test_no_worker_process_is_left_behind(stopped):
    assert stopped.workers_left == []


def test_every_acknowledged_write_is_enriched_after_the_restart(stopped):
    assert set(stopped.acked) <= set(stopped.rows_of.values())
    tables = TablesDB(stopped.restarted.admin())
    assert all(tables.get_row(DB, "articles", r).get("enrichedAt") for r in stopped.acked)
    assert not stopped.restarted.executions("enrich-article", "waiting", "processing")
