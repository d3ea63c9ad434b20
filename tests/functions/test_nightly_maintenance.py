"""nightly-maintenance end to end, in a private project (it purges whole tables): cron runs at
chosen moments, results read back through the real SDK. `nightly-maintenance` runs with
the defaults; `nightly-small` with MAINTENANCE_BATCH_SIZE=2 and a time budget of 0 s (one
batch of work per run) to show a run stopping early and the next ones finishing;
`nightly-misconfigured` with an invalid ARCHIVE_RETENTION_DAYS. The pure scheduling logic
(src/schedule.py) is tested first, loaded from its file."""

import datetime as dt
import importlib.util
import json
import sys
import uuid

import pytest
from appwrite.exception import AppwriteException
from appwrite.services.tables_db import TablesDB
from appwrite.services.users import Users

from shared.audit import audit_row_id
from tests.functions.scheduled_support import ROOT, function_entry, start

DB = "newsroom"
UTC = dt.UTC
DAY = dt.timedelta(days=1)
STATS_COLUMNS = (
    "day",
    "users",
    "articlesDraft",
    "articlesScheduled",
    "articlesPublished",
    "articlesArchived",
    "publishedThatDay",
    "purgedArticles",
    "purgedUsers",
)


def load_schedule():
    path = ROOT / "functions" / "nightly-maintenance" / "src" / "schedule.py"
    spec = importlib.util.spec_from_file_location("nightly_schedule", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


schedule = load_schedule()


# -- pure: the report day, cut-offs and the time budget --------------------------------------------


def test_a_run_reports_on_the_day_that_ended():
    day = schedule.ReportDay.before(dt.datetime(2031, 7, 1, 3, 0, tzinfo=UTC))
    assert (day.id, day.start, day.end, day.run_day_end) == (
        "2031-06-30",
        dt.datetime(2031, 6, 30, tzinfo=UTC),
        dt.datetime(2031, 7, 1, tzinfo=UTC),
        dt.datetime(2031, 7, 2, tzinfo=UTC),
    )
    assert schedule.ReportDay.before(dt.datetime(2031, 7, 1, 23, 59, tzinfo=UTC)).id == "2031-06-30"
    assert schedule.ReportDay.before(dt.datetime(2031, 3, 1, 0, 0, tzinfo=UTC)).id == "2031-02-28"


def test_cutoff_and_stop_at():
    now = dt.datetime(2031, 7, 1, 3, 0, tzinfo=UTC)
    assert schedule.cutoff(now, 90) == dt.datetime(2031, 4, 2, 3, 0, tzinfo=UTC)
    assert schedule.stop_at(100.0, deadline=399.0, budget_seconds=300, reserve=20.0) == 379.0
    assert schedule.stop_at(100.0, deadline=399.0, budget_seconds=5, reserve=20.0) == 105.0


def steps_from(pages):
    """Steps whose batches are the given pages, then empty ones."""
    return [(name, lambda name=name: pages[name].pop(0) if pages[name] else []) for name in pages]


def test_run_batches_until_each_step_is_exhausted():
    steps = steps_from({"a": [["a1", "a2"], ["a3", "a4"]], "b": [["b1"]]})
    done, finished = schedule.run_batches(steps, schedule.Budget(stop_at=float("inf")), size=2)
    assert (done, finished) == ({"a": ["a1", "a2", "a3", "a4"], "b": ["b1"]}, True)


def test_run_batches_out_of_time_still_does_one_batch_of_work():
    steps = steps_from({"a": [], "b": [["b1", "b2"], ["b3", "b4"], ["b5"]]})

    def out_of_time():
        return schedule.Budget(stop_at=-1.0, clock=lambda: 0.0)

    runs = [schedule.run_batches(steps, out_of_time(), size=2) for _ in range(4)]
    assert runs == [
        ({"a": [], "b": ["b1", "b2"]}, False),  # an empty batch is no work: b still runs
        ({"a": [], "b": ["b3", "b4"]}, False),
        ({"a": [], "b": ["b5"]}, True),
        ({"a": [], "b": []}, True),
    ]


def test_budget_allows_batches_until_stop_at():
    now = [0.0]
    budget = schedule.Budget(stop_at=10.0, clock=lambda: now[0])
    budget.spent()
    assert budget.allows_batch()
    now[0] = 10.0
    assert not budget.allows_batch()


# -- end to end ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    client = start(
        tmp_path_factory.mktemp("nightly"),
        [
            function_entry("nightly-maintenance"),
            function_entry(
                "nightly-maintenance",
                as_id="nightly-small",
                vars={"MAINTENANCE_BATCH_SIZE": "2", "MAINTENANCE_TIME_BUDGET_SECONDS": "0"},
            ),
            function_entry(
                "nightly-maintenance",
                as_id="nightly-misconfigured",
                vars={"ARCHIVE_RETENTION_DAYS": "0"},
            ),
            function_entry(
                "nightly-maintenance",
                as_id="nightly-no-users-write",
                scopes=["rows.read", "rows.write", "users.read"],
            ),
        ],
    )
    yield client
    client.stack.close()


@pytest.fixture(scope="module")
def tables(project):
    return TablesDB(project.admin_client())


@pytest.fixture(scope="module")
def users(project):
    return Users(project.admin_client())


@pytest.fixture(autouse=True)
def empty_project(request):
    """Each end-to-end test starts from an empty project."""
    if "project" not in request.fixturenames:
        return
    tables, users = request.getfixturevalue("tables"), request.getfixturevalue("users")
    for table in ("articles", "profiles", "audit_log", "daily_stats"):
        tables.delete_rows(DB, table)
    for user in users.list()["users"]:
        users.delete(user["$id"])


def iso(moment):
    return moment.isoformat(timespec="milliseconds")


def article(tables, status="archived", author="author-1", **fields):
    return tables.create_row(
        DB,
        "articles",
        "unique()",
        {"title": "Old news", "body": "text", "authorId": author, "status": status, **fields},
    )


def user(project, tables, verified, name="someone"):
    created = project.create_user(
        f"{uuid.uuid4().hex[:10]}@example.com", name=name, verified=verified
    )
    tables.create_row(DB, "profiles", created["$id"], {"displayName": name})
    return created


def run(project, at, function_id="nightly-maintenance"):
    execution = project.run_schedule(function_id, at=at)
    assert execution["status"] == "completed", execution["errors"]
    return json.loads(execution["responseBody"])


def exists(call):
    try:
        call()
    except AppwriteException as exc:
        assert exc.code == 404
        return False
    return True


def stats_row(tables, day):
    row = tables.get_row(DB, "daily_stats", day)
    return {column: row[column] for column in STATS_COLUMNS}


def test_archived_articles_are_purged_after_the_retention_period(project, tables):
    at = dt.datetime(2031, 6, 10, 3, 0, tzinfo=UTC)
    keep = article(tables, archivedAt=iso(at - 89 * DAY))
    purge = article(tables, archivedAt=iso(at - 91 * DAY))
    keep_by_update = article(
        tables, **{"$updatedAt": iso(at - 89 * DAY)}
    )  # no archivedAt: $updatedAt counts
    purge_by_update = article(tables, **{"$updatedAt": iso(at - 91 * DAY)})
    published = article(tables, status="published", publishedAt=iso(at - 200 * DAY))
    draft = article(tables, status="draft", **{"$updatedAt": iso(at - 200 * DAY)})

    body = run(project, at)
    assert body["finished"] is True
    assert sorted(body["purgedArticles"]) == sorted([purge["$id"], purge_by_update["$id"]])
    for row in (keep, keep_by_update, published, draft):
        assert exists(lambda row=row: tables.get_row(DB, "articles", row["$id"]))
    for row in (purge, purge_by_update):
        assert not exists(lambda row=row: tables.get_row(DB, "articles", row["$id"]))
        audit = tables.get_row(DB, "audit_log", audit_row_id(f"purge:article:{row['$id']}"))
        assert (audit["action"], audit["subjectId"], audit["actorId"]) == (
            "article.purged",
            row["$id"],
            "author-1",
        )


def test_unverified_users_are_purged_after_30_days_with_their_profile_and_drafts(
    project, tables, users
):
    registered = dt.datetime.now(UTC)
    stale = user(project, tables, verified=False)
    verified = user(project, tables, verified=True)
    draft = article(tables, status="draft", author=stale["$id"])
    published = article(
        tables, status="published", author=stale["$id"], publishedAt=iso(registered)
    )

    assert run(project, registered + 29 * DAY)["purgedUsers"] == []
    assert exists(lambda: users.get(stale["$id"]))

    body = run(project, registered + 31 * DAY)
    assert body["purgedUsers"] == [stale["$id"]]
    assert not exists(lambda: users.get(stale["$id"]))
    assert not exists(lambda: tables.get_row(DB, "profiles", stale["$id"]))
    assert not exists(lambda: tables.get_row(DB, "articles", draft["$id"]))
    assert exists(
        lambda: tables.get_row(DB, "articles", published["$id"])
    )  # published articles stay
    assert exists(lambda: users.get(verified["$id"]))
    assert exists(lambda: tables.get_row(DB, "profiles", verified["$id"]))


def test_the_daily_stats_row_and_a_second_run_that_changes_nothing(project, tables):
    at = dt.datetime(2031, 7, 1, 3, 0, tzinfo=UTC)
    user(project, tables, verified=True)
    user(project, tables, verified=True)
    user(project, tables, verified=False)  # registered years before `at`: purged
    article(tables, status="draft")
    article(tables, status="scheduled", publishAt=iso(at + DAY))
    for published_at in (
        dt.datetime(2031, 6, 30, 0, 0, tzinfo=UTC),
        dt.datetime(2031, 6, 30, 23, 59, tzinfo=UTC),
        dt.datetime(2031, 6, 29, 23, 59, tzinfo=UTC),
    ):  # two on the reported day
        article(tables, status="published", publishedAt=iso(published_at))
    article(tables, archivedAt=iso(at - 10 * DAY))
    article(tables, archivedAt=iso(at - 100 * DAY))  # purged

    first = run(project, at)
    expected = {
        "day": "2031-06-30",
        "users": 2,
        "articlesDraft": 1,
        "articlesScheduled": 1,
        "articlesPublished": 3,
        "articlesArchived": 1,
        "publishedThatDay": 2,
        "purgedArticles": 1,
        "purgedUsers": 1,
    }
    assert first["stats"] == expected
    assert stats_row(tables, "2031-06-30") == expected
    assert tables.get_row(DB, "daily_stats", "2031-06-30")["$id"] == "2031-06-30"

    second = run(project, at + dt.timedelta(hours=2))
    assert (second["purgedArticles"], second["purgedUsers"], second["finished"]) == ([], [], True)
    assert stats_row(tables, "2031-06-30") == expected

    next_day = run(project, at + DAY)
    assert next_day["stats"] == {
        **expected,
        "day": "2031-07-01",
        "publishedThatDay": 0,
        "purgedArticles": 0,
        "purgedUsers": 0,
    }
    assert stats_row(tables, "2031-06-30") == expected


def test_a_run_out_of_time_stops_and_the_next_runs_finish(project, tables):
    at = dt.datetime(2031, 8, 1, 3, 0, tzinfo=UTC)
    old = [article(tables, archivedAt=iso(at - 120 * DAY))["$id"] for _ in range(5)]
    stale = [user(project, tables, verified=False)["$id"] for _ in range(3)]

    runs = [run(project, at + dt.timedelta(minutes=i), "nightly-small") for i in range(6)]
    assert [r["purged"] for r in runs] == [
        {"articles": a, "users": u, "covers": 0}
        for a, u in ((2, 0), (2, 0), (1, 0), (0, 2), (0, 1), (0, 0))
    ]
    assert [r["finished"] for r in runs] == [False, False, False, False, True, True]
    assert sorted([a for r in runs for a in r["purgedArticles"]]) == sorted(old)
    assert sorted([u for r in runs for u in r["purgedUsers"]]) == sorted(stale)
    assert [r["stats"]["purgedArticles"] for r in runs] == [2, 4, 5, 5, 5, 5]
    assert [r["stats"]["purgedUsers"] for r in runs] == [0, 0, 0, 2, 3, 3]
    assert stats_row(tables, "2031-07-31")["purgedArticles"] == 5


def test_a_purge_interrupted_after_its_audit_row_is_completed_and_counted_once(project, tables):
    at = dt.datetime(2031, 9, 1, 3, 0, tzinfo=UTC)
    row = article(tables, archivedAt=iso(at - 100 * DAY))
    key = f"purge:article:{row['$id']}"
    tables.create_row(
        DB,
        "audit_log",
        audit_row_id(key),
        {  # what the crashed run wrote before dying
            "idempotencyKey": key,
            "action": "article.purged",
            "subjectTable": "articles",
            "subjectId": row["$id"],
            "$createdAt": iso(at - dt.timedelta(minutes=10)),
        },
    )
    body = run(project, at)
    assert body["purgedArticles"] == [row["$id"]]
    assert not exists(lambda: tables.get_row(DB, "articles", row["$id"]))
    assert body["stats"]["purgedArticles"] == 1


def test_an_invalid_variable_fails_loudly_and_purges_nothing(project, tables):
    at = dt.datetime(2031, 10, 1, 3, 0, tzinfo=UTC)
    row = article(tables, archivedAt=iso(at - 100 * DAY))
    execution = project.run_schedule("nightly-misconfigured", at=at)
    assert (execution["status"], execution["responseStatusCode"]) == ("failed", 500)
    assert json.loads(execution["responseBody"])["error"]["code"] == "configuration_error"
    assert (
        "Variable ARCHIVE_RETENTION_DAYS must be between 1 and 36500, not 0." in execution["errors"]
    )
    assert exists(lambda: tables.get_row(DB, "articles", row["$id"]))


def test_each_scope_is_needed_deleting_users_needs_users_write(project, tables, users):
    """The emulator checks the dynamic key's scopes as Appwrite does: without `users.write`
    the purge of a stale user fails (and is retried whole by the next run)."""
    stale = user(project, tables, verified=False)
    execution = project.run_schedule(
        "nightly-no-users-write", at=dt.datetime(2031, 11, 1, 3, 0, tzinfo=UTC)
    )
    assert (execution["status"], execution["responseStatusCode"]) == ("failed", 500)
    assert json.loads(execution["responseBody"])["error"]["code"] == "configuration_error"
    assert "general_unauthorized_scope" in execution["errors"]
    assert exists(lambda: users.get(stale["$id"]))


def test_http_executions_do_not_run_maintenance(project):
    health = project.execute("nightly-maintenance", "/health", method="GET")
    assert json.loads(health["responseBody"]) == {"ok": True, "function": "nightly-maintenance"}
    assert project.execute("nightly-maintenance", "/", method="POST")["responseStatusCode"] == 404
