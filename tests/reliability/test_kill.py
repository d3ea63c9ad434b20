"""`serve` killed with SIGKILL in the middle of a write load, then started again on the same
data (issue 9 item 8; figures "Crash and resume" and "Concurrency and durability").

The load: a writer creates article rows with the admin key as fast as the API acknowledges
them; each create queues an `enrich-article` execution. Enrichment's last write (the
article's PATCH) is slowed to 3 s by an injected fault, so when the emulator is killed some
executions are running (`processing`) and more are queued (`waiting`) — every time.
"""

from __future__ import annotations

import dataclasses
import signal
import time
import uuid

import pytest
from appwrite.services.tables_db import TablesDB
from appwrite.services.users import Users

from emulator.services.executions.recovery import INTERRUPTED
from emulator.testclient import AppwriteTestClient
from tests.reliability.support import (
    DB,
    MANIFEST,
    Served,
    Writer,
    article,
    end_processes,
    event_row,
    integrity,
    stored_executions,
    until,
    worker_processes,
)

ENRICHED = ("slug", "wordCount", "readingMinutes", "summary")
pytestmark = pytest.mark.slow  # two `serve` processes and a reference emulator (still in make test)


@dataclasses.dataclass
class Killed:
    acked: list[str]
    statuses: dict[str, str]  # execution id → status at the kill
    rows_of: dict[str, str]  # execution id → article row id
    integrity: str
    orphans: list[int]
    author_id: str
    restarted: Served

    def rows(self, status: str) -> set[str]:
        return {self.rows_of[e] for e, s in self.statuses.items() if s == status}


@pytest.fixture(scope="module")
def killed(tmp_path_factory):
    data = tmp_path_factory.mktemp("killed") / "data"
    served = Served.start(data)
    author = Users(served.admin()).create(
        "unique()", email=f"kill-{uuid.uuid4().hex[:8]}@example.com", password="kill-password-1"
    )
    slow = {
        "method": "PATCH",
        "path": f"/v1/tablesdb/{DB}/tables/articles/rows/*",
        "fault": "delay",
        "delay": 3,
        "times": None,
        "dynamicKeysOnly": True,
    }
    assert served.api("POST", "/emulator/faults", json=slow).status_code == 201
    writer = Writer(served, author["$id"], limit=40).start()
    writer.wait_for(12)
    until(
        lambda: len(served.executions("enrich-article", "processing")) >= 2,
        what="two enrichments running",
    )
    served.kill(signal.SIGKILL)
    writer.join()
    stored = stored_executions(data, "enrich-article")
    # a worker notices its emulator is gone (its lifeline closes) and exits within moments
    deadline = time.monotonic() + 5
    while worker_processes(data) and time.monotonic() < deadline:
        time.sleep(0.05)
    orphans = worker_processes(data)
    end_processes(orphans)
    observed = {
        "acked": list(writer.acked),
        "statuses": {e["$id"]: e["status"] for e in stored},
        "rows_of": {e["$id"]: event_row(e) for e in stored},
        "integrity": integrity(data),
        "orphans": orphans,
        "author_id": author["$id"],
    }
    restarted = Served.start(data)
    restarted.wait_for_queue("enrich-article")
    yield Killed(**observed, restarted=restarted)
    restarted.kill(signal.SIGTERM)
    end_processes(worker_processes(data))


def test_the_kill_came_mid_load_with_work_running_and_queued(killed):
    statuses = list(killed.statuses.values())
    print(
        f"\nKILL -9: {len(killed.acked)} writes acknowledged; enrich-article at the kill: "
        f"{statuses.count('completed')} completed, {statuses.count('processing')} processing, "
        f"{statuses.count('waiting')} waiting; integrity {killed.integrity}; "
        f"{len(killed.orphans)} worker process(es) left running"
    )
    assert len(killed.acked) >= 12
    assert statuses.count("processing") >= 2 and statuses.count("waiting") >= 1, statuses


def test_no_acknowledged_write_is_lost(killed):
    tables = TablesDB(killed.restarted.admin())
    missing = []
    for row_id in killed.acked:
        try:
            tables.get_row(DB, "articles", row_id)
        except Exception:
            missing.append(row_id)
    assert not missing


def test_the_database_is_intact(killed):
    assert killed.integrity == "ok"


def test_every_acknowledged_write_had_its_event_queued(killed):
    assert set(killed.acked) <= set(killed.rows_of.values())


def test_restart_runs_what_was_waiting_and_fails_what_was_running(killed):
    now = {e["$id"]: e for e in killed.restarted.executions("enrich-article")}
    waiting = [e for e, s in killed.statuses.items() if s == "waiting"]
    running = [e for e, s in killed.statuses.items() if s == "processing"]
    assert {now[e]["status"] for e in waiting} == {"completed"}
    assert {now[e]["status"] for e in running} == {"failed"}
    assert all(now[e]["errors"] == INTERRUPTED for e in running)
    assert all(now[e]["responseStatusCode"] == 500 for e in running)
    assert not killed.restarted.executions("enrich-article", "waiting", "processing")


def test_requeued_enrichment_is_what_an_uninterrupted_run_gives(killed, tmp_path):
    """The rows whose events were still queued at the kill end up exactly as on an emulator
    that never stopped (same rows, same ids, enriched there without interruption)."""
    requeued = sorted(killed.rows("waiting"))
    tables = TablesDB(killed.restarted.admin())
    after_restart = {r: tables.get_row(DB, "articles", r) for r in requeued}
    with AppwriteTestClient.start(MANIFEST, data_dir=tmp_path / "reference") as reference:
        ref_tables = TablesDB(reference.admin_client())
        with reference.caused_executions():
            for row_id in requeued:
                ref_tables.create_row(DB, "articles", row_id, article(row_id, killed.author_id))
        uninterrupted = {r: ref_tables.get_row(DB, "articles", r) for r in requeued}
    for row_id in requeued:
        assert after_restart[row_id]["enrichedAt"]
        got = {k: after_restart[row_id][k] for k in ENRICHED}
        assert got == {k: uninterrupted[row_id][k] for k in ENRICHED}, row_id


def test_no_worker_process_outlives_the_killed_emulator(killed):
    assert killed.orphans == []


def test_the_next_cron_runs_repair_what_the_kill_interrupted(killed):
    interrupted = sorted(killed.rows("processing"))
    response = killed.restarted.api(
        "POST",
        "/emulator/schedules/tick",
        json={"at": "2031-01-02T10:05:00Z"},  # the sweep (*/5), not the nightly purge
    )
    assert response.status_code == 200
    killed.restarted.wait_for_queue("enrich-article")
    tables = TablesDB(killed.restarted.admin())
    assert all(tables.get_row(DB, "articles", r).get("enrichedAt") for r in interrupted)
