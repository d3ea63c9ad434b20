"""Figure "Crash and resume", the cron functions: the worker process of `publish-scheduled`
and of `nightly-maintenance` is killed (SIGKILL) in the middle of a run; the next run must
leave exactly the rows an uninterrupted run leaves. Two private projects get the same rows
(same ids): one runs each function once, undisturbed; in the other the run is killed half
way (an injected delay on the function's writes makes "half way" certain; publish-scheduled
is killed while its one bulk update is in flight), then run again.
(The emulator itself killed mid-load: test_kill.py.)"""

from __future__ import annotations

import datetime as dt
import os
import signal
import threading

import pytest
from appwrite.query import Query
from appwrite.services.tables_db import TablesDB
from appwrite.services.users import Users

from tests.functions.scheduled_support import function_entry, start
from tests.reliability.support import until

pytestmark = pytest.mark.slow  # two private emulators, workers killed (still in make test)
DB = "newsroom"
T = (dt.datetime.now(dt.UTC) + dt.timedelta(days=400)).replace(
    hour=3, minute=0, second=0, microsecond=0
)
ARTICLES = 24
USERS = 6
FUNCTIONS = [
    function_entry("publish-scheduled"),
    function_entry("nightly-maintenance", vars={"MAINTENANCE_BATCH_SIZE": "4"}),
]
SYSTEM = ("$createdAt", "$updatedAt", "$sequence")


def seed(project) -> None:
    """The same rows in every project: due scheduled articles, long-archived articles and
    users who never verified their e-mail."""
    tables = TablesDB(project.admin_client())
    for n in range(ARTICLES):
        common = {"title": f"Article {n}", "body": "words", "authorId": f"author{n % 3}"}
        tables.create_row(
            DB,
            "articles",
            f"due{n:03d}",
            common | {"status": "scheduled", "publishAt": "2020-01-01T00:00:00.000+00:00"},
        )
        tables.create_row(
            DB,
            "articles",
            f"old{n:03d}",
            common | {"status": "archived", "archivedAt": "2020-01-01T00:00:00.000+00:00"},
        )
    users = Users(project.admin_client())
    for n in range(USERS):
        users.create(f"unverified{n}", email=f"unverified{n}@example.com")


def final_rows(project) -> dict:
    tables = TablesDB(project.admin_client())

    def rows(table: str) -> list[dict]:
        found = tables.list_rows(DB, table, [Query.limit(1000)])["rows"]
        return sorted(
            ({k: v for k, v in r.items() if k not in SYSTEM} for r in found),
            key=lambda r: r["$id"],
        )

    users = Users(project.admin_client()).list([Query.limit(1000)])["users"]
    return {
        "articles": rows("articles"),
        "daily_stats": rows("daily_stats"),
        "users": sorted(u["$id"] for u in users),
    }


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    project = start(tmp_path_factory.mktemp("uninterrupted"), FUNCTIONS)
    seed(project)
    for function_id in ("publish-scheduled", "nightly-maintenance"):
        assert project.run_schedule(function_id, at=T)["responseStatusCode"] == 200
    yield final_rows(project)
    project.stack.close()


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    project = start(tmp_path_factory.mktemp("interrupted"), FUNCTIONS)
    seed(project)
    yield project
    project.stack.close()


def kill_mid_run(project, function_id: str, slow: tuple[str, str], progressed) -> dict:
    """Run the function at T with its writes slowed down; once `progressed()` shows part of
    the work done, SIGKILL its worker process. Returns the killed execution."""
    project.inject_fault(*slow, "delay", delay=0.4, times=None, dynamic_keys_only=True)
    outcome: dict = {}
    run = threading.Thread(
        target=lambda: outcome.update(project.run_schedule(function_id, at=T)), daemon=True
    )
    run.start()
    executor = project.stack.executions.runner.executor
    until(progressed, what=f"{function_id} half way")
    os.kill(executor.worker_pid(function_id), signal.SIGKILL)
    run.join(120)
    project.clear_faults()
    return outcome


def test_publish_scheduled_killed_mid_run_converges(project):
    tables = TablesDB(project.admin_client())

    def published() -> int:
        return tables.list_rows(DB, "articles", [Query.equal("status", ["published"])])["total"]

    def bulk_update_sent() -> bool:
        return project.faults()["faults"][0]["matched"] >= 1

    # The due articles are published by one bulk update by query (one statement: all or
    # none): the worker is killed while that update is in flight, before its answer.
    killed = kill_mid_run(
        project,
        "publish-scheduled",
        ("PATCH", f"/v1/tablesdb/{DB}/tables/articles/rows"),
        bulk_update_sent,
    )
    assert killed["status"] == "failed"
    assert published() in (0, ARTICLES)  # never half a bulk update
    again = project.run_schedule("publish-scheduled", at=T)
    assert again["responseStatusCode"] == 200
    assert published() == ARTICLES


def test_nightly_maintenance_killed_mid_run_converges(project):
    tables = TablesDB(project.admin_client())

    def archived() -> int:
        return tables.list_rows(DB, "articles", [Query.equal("status", ["archived"])])["total"]

    killed = kill_mid_run(
        project,
        "nightly-maintenance",
        ("DELETE", f"/v1/tablesdb/{DB}/tables/articles/rows"),
        lambda: archived() <= ARTICLES - 4,
    )
    assert killed["status"] == "failed"
    assert 0 < archived() < ARTICLES  # it really stopped half way
    again = project.run_schedule("nightly-maintenance", at=T)
    assert again["responseStatusCode"] == 200
    assert archived() == 0


def test_the_final_rows_are_those_of_an_uninterrupted_run(project, reference):
    interrupted = final_rows(project)
    assert interrupted["users"] == reference["users"]
    assert interrupted["articles"] == reference["articles"]
    assert interrupted["daily_stats"] == reference["daily_stats"]
