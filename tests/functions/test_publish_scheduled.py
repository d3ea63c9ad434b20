"""publish-scheduled end to end: cron runs at chosen moments (the worker's clock moved),
articles read back through the real SDK, in a private project where only these tests'
articles live. `publish-scheduled` there has PUBLISH_BATCH_LIMIT=3 (a function variable in
appwrite.json); `publish-default` is the same code without it, `publish-misconfigured`
with an invalid value, `publish-many` with 250."""

import datetime as dt
import importlib
import json
import uuid

import pytest
from appwrite.exception import AppwriteException
from appwrite.query import Query
from appwrite.services.tables_db import TablesDB

from shared.permissions import article_permissions
from tests.functions.scheduled_support import function_entry, start

DB = "newsroom"
UTC = dt.UTC
T0 = dt.datetime(2031, 3, 1, 10, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    client = start(
        tmp_path_factory.mktemp("publish"),
        [
            function_entry("publish-scheduled", vars={"PUBLISH_BATCH_LIMIT": "3"}),
            function_entry("publish-scheduled", as_id="publish-default"),
            function_entry(
                "publish-scheduled",
                as_id="publish-misconfigured",
                vars={"PUBLISH_BATCH_LIMIT": "lots"},
            ),
            function_entry("publish-scheduled", as_id="publish-read-only", scopes=["rows.read"]),
            function_entry(
                "publish-scheduled", as_id="publish-many", vars={"PUBLISH_BATCH_LIMIT": "250"}
            ),
        ],
    )
    yield client
    client.stack.close()


@pytest.fixture(scope="module")
def tables(project):
    return TablesDB(project.admin_client())


@pytest.fixture(autouse=True)
def no_articles_left(tables):
    yield
    tables.delete_rows(DB, "articles", [Query.is_not_null("$id")])


def scheduled(tables, publish_at, *, team=None, status="scheduled"):
    author = "au" + uuid.uuid4().hex[:12]
    return tables.create_row(
        DB,
        "articles",
        "unique()",
        {
            "title": "Scheduled",
            "body": "text",
            "authorId": author,
            "teamId": team,
            "status": status,
            "publishAt": publish_at.isoformat(),
        },
        article_permissions(author, team, status),
    )


def run(project, function_id, at):
    execution = project.run_schedule(function_id, at=at)
    return execution, json.loads(execution["responseBody"])


def moment(text):
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_an_article_is_published_once_its_time_has_come(project, tables):
    row = scheduled(tables, T0, team="desk")
    guest = TablesDB(project.guest_client())

    execution, before = run(project, "publish-scheduled", T0 - dt.timedelta(minutes=5))
    assert (execution["status"], before["published"], before["due"]) == ("completed", [], 0)
    assert tables.get_row(DB, "articles", row["$id"])["status"] == "scheduled"
    with pytest.raises(AppwriteException) as hidden:
        guest.get_row(DB, "articles", row["$id"])
    assert hidden.value.code == 404

    at = T0 + dt.timedelta(minutes=5)
    execution, after = run(project, "publish-scheduled", at)
    assert (execution["status"], after["published"], after["remaining"]) == (
        "completed",
        [row["$id"]],
        0,
    )
    published = tables.get_row(DB, "articles", row["$id"])
    assert published["status"] == "published"
    assert moment(published["publishedAt"]) == at
    assert sorted(published["$permissions"]) == sorted(
        article_permissions(published["authorId"], "desk", "published")
    )
    assert guest.get_row(DB, "articles", row["$id"])["$id"] == row["$id"]  # public read
    assert f'"published":["{row["$id"]}"]' in execution["logs"]


def test_at_most_the_batch_limit_per_run_earliest_first_the_rest_next_run(project, tables):
    rows = [scheduled(tables, T0 + dt.timedelta(minutes=i)) for i in (4, 0, 3, 1, 2)]
    by_time = [r["$id"] for r in sorted(rows, key=lambda r: r["publishAt"])]
    at = T0 + dt.timedelta(minutes=10)

    _, first = run(project, "publish-scheduled", at)
    assert (first["limit"], first["due"], first["published"], first["remaining"]) == (
        3,
        5,
        by_time[:3],
        2,
    )
    _, second = run(project, "publish-scheduled", at + dt.timedelta(minutes=5))
    assert (second["due"], second["published"], second["remaining"]) == (2, by_time[3:], 0)
    statuses = {r["$id"]: r["status"] for r in tables.list_rows(DB, "articles")["rows"]}
    assert set(statuses.values()) == {"published"}


def test_a_second_run_publishes_nothing_more(project, tables):
    row = scheduled(tables, T0)
    at = T0 + dt.timedelta(minutes=1)
    run(project, "publish-scheduled", at)
    first = tables.get_row(DB, "articles", row["$id"])
    _, again = run(project, "publish-scheduled", at + dt.timedelta(minutes=5))
    assert (again["due"], again["published"], again["skipped"]) == (0, [], [])
    assert tables.get_row(DB, "articles", row["$id"])["publishedAt"] == first["publishedAt"]


def test_only_scheduled_articles_are_published(project, tables):
    due = scheduled(tables, T0)
    draft = scheduled(tables, T0, status="draft")
    archived = scheduled(tables, T0, status="archived")
    future = scheduled(tables, T0 + dt.timedelta(hours=1))
    _, body = run(project, "publish-scheduled", T0 + dt.timedelta(minutes=1))
    assert body["published"] == [due["$id"]]
    for row, status in ((draft, "draft"), (archived, "archived"), (future, "scheduled")):
        assert tables.get_row(DB, "articles", row["$id"])["status"] == status


def test_the_default_batch_limit_is_50(project, tables):
    rows = [scheduled(tables, T0) for _ in range(4)]
    _, body = run(project, "publish-default", T0 + dt.timedelta(minutes=1))
    assert (body["limit"], sorted(body["published"])) == (50, sorted(r["$id"] for r in rows))


def test_an_invalid_batch_limit_fails_loudly(project, tables):
    row = scheduled(tables, T0)
    execution, body = run(project, "publish-misconfigured", T0 + dt.timedelta(minutes=1))
    assert (execution["status"], execution["responseStatusCode"]) == ("failed", 500)
    assert body["error"]["code"] == "configuration_error"
    assert "Variable PUBLISH_BATCH_LIMIT must be a whole number, not 'lots'." in execution["errors"]
    assert tables.get_row(DB, "articles", row["$id"])["status"] == "scheduled"


def test_rows_write_is_needed_to_publish(project, tables):
    """The emulator checks scopes as Appwrite does: with `rows.read` alone the run finds the
    article but cannot publish it (logged, left scheduled for the next run)."""
    row = scheduled(tables, T0)
    execution, body = run(project, "publish-read-only", T0 + dt.timedelta(minutes=1))
    assert (body["published"], body["failed"], body["remaining"]) == ([], [row["$id"]], 1)
    assert '"error":"configuration_error"' in execution["errors"]
    assert tables.get_row(DB, "articles", row["$id"])["status"] == "scheduled"


def test_http_executions_are_not_publishing_runs(project):
    health = project.execute("publish-scheduled", "/health", method="GET")
    assert json.loads(health["responseBody"]) == {"ok": True, "function": "publish-scheduled"}
    assert project.execute("publish-scheduled", "/", method="POST")["responseStatusCode"] == 404


def many_scheduled(tables, count, publish_at):
    author = "au" + uuid.uuid4().hex[:12]
    for first in range(0, count, 100):
        rows = [
            {
                "title": f"Due {i}",
                "body": "text",
                "authorId": author,
                "status": "scheduled",
                "publishAt": publish_at.isoformat(),
                "$permissions": article_permissions(author, None, "scheduled"),
            }
            for i in range(first, min(first + 100, count))
        ]
        tables.create_rows(DB, "articles", rows)


@pytest.mark.parametrize(
    "function_id, due, published, requests",
    [
        ("publish-default", 1, 1, 2),  # one list, one bulk update
        ("publish-default", 60, 50, 2),  # the batch of 50: still one bulk update
        ("publish-many", 230, 230, 4),  # one bulk update per 100
    ],
)
def test_round_trips_do_not_grow_with_the_articles_published(
    project, tables, function_id, due, published, requests
):
    many_scheduled(tables, due, T0)
    execution, body = run(project, function_id, T0 + dt.timedelta(minutes=1))
    assert (len(body["published"]), body["skipped"], body["failed"]) == (published, [], [])
    assert project.execution_stats(execution["$id"])["requests"] == requests
    public = tables.list_rows(
        DB, "articles", [Query.equal("status", ["published"]), Query.limit(1)]
    )
    assert public["total"] == published
    assert public["rows"][0]["$permissions"] == ['read("any")']


def test_an_article_changed_after_the_list_is_skipped_not_published(project, tables):
    """The bulk update re-checks each listed article: one rescheduled, archived or deleted
    in between is left as it is (the list and the update through the real SDK)."""
    from appwrite.services.storage import Storage

    publishing = importlib.import_module("functions.publish-scheduled.src.publishing")
    rows = [scheduled(tables, T0) for _ in range(4)]
    at = T0 + dt.timedelta(minutes=1)
    due, total_due = publishing.due_articles(tables, at, 10, float("inf"))
    assert total_due == 4
    later_on = (T0 + dt.timedelta(days=1)).isoformat()
    tables.update_row(DB, "articles", rows[0]["$id"], {"publishAt": later_on})
    tables.update_row(DB, "articles", rows[1]["$id"], {"status": "archived"})
    tables.delete_row(DB, "articles", rows[2]["$id"])

    class Log:
        def error(self, *args, **kwargs):
            raise AssertionError((args, kwargs))

    done = publishing.publish_all(
        tables,
        Storage(project.admin_client()),
        due,
        at,
        float("inf"),
        Log(),
        time_left=lambda: True,
    )
    assert done.published == [rows[3]["$id"]]
    assert sorted(done.skipped) == sorted(r["$id"] for r in rows[:3])
    assert tables.get_row(DB, "articles", rows[0]["$id"])["status"] == "scheduled"
    assert tables.get_row(DB, "articles", rows[1]["$id"])["status"] == "archived"
