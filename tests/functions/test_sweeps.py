"""The product does not depend on every event arriving (issue 9, item 8): the schedules of
the event functions repair what a lost event left undone, and the nightly job migrates
row permissions written by older versions.

A private project where the event functions subscribe to nothing — every event is "lost" —
so only their schedules can do the work; the cron runs at chosen moments. Each sweep run
twice: the second changes nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest
from appwrite.query import Query
from appwrite.services.tables_db import TablesDB
from appwrite.services.teams import Teams

from shared.permissions import article_permissions
from shared.tables import ARTICLES, DATABASE_ID, PROFILES
from tests.functions.scheduled_support import function_entry, start

UTC = dt.UTC


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    client = start(
        tmp_path_factory.mktemp("sweeps"),
        [
            function_entry("articles"),
            function_entry("enrich-article", events=[]),
            function_entry("provision-profile", events=[]),
            function_entry("team-cleanup", events=[]),
            function_entry("nightly-maintenance"),
        ],
    )
    yield client
    client.stack.close()


@pytest.fixture(scope="module")
def keyed(project):
    return TablesDB(project.admin_client())


def later(minutes=10):
    return dt.datetime.now(UTC) + dt.timedelta(minutes=minutes)


def run(project, function_id, at=None):
    execution = project.run_schedule(function_id, at=at or later())
    assert execution["status"] == "completed", execution["errors"]
    return json.loads(execution["responseBody"])


def write(project, user, json_body):
    response = project.invoke_http(
        "articles", "/articles", method="POST", user=user, json=json_body
    )
    assert response.status_code == 201, response.text
    return response.json()


def test_users_whose_profile_was_never_provisioned_get_one(project, keyed):
    with project.caused_executions() as executions:
        user = project.create_user(f"lost-{uuid.uuid4().hex[:8]}@example.com", name="Lost Event")
    assert executions == []  # nobody listens: the event is lost
    assert keyed.list_rows(DATABASE_ID, PROFILES, [Query.equal("$id", [user["$id"]])])["total"] == 0

    first = run(project, "provision-profile")
    assert user["$id"] in first["created"] and first["checked"] >= 1
    profile = keyed.get_row(DATABASE_ID, PROFILES, user["$id"])
    assert (profile["displayName"], profile["articleCount"], profile["$permissions"]) == (
        "Lost Event",
        0,
        ['read("any")'],
    )
    assert run(project, "provision-profile")["created"] == []
    assert keyed.get_row(DATABASE_ID, PROFILES, user["$id"]) == profile


def test_a_user_made_a_moment_ago_is_left_to_its_event(project, keyed):
    user = project.create_user(f"fresh-{uuid.uuid4().hex[:8]}@example.com", name="Fresh")
    answer = run(project, "provision-profile", at=dt.datetime.now(UTC))
    assert user["$id"] not in answer["created"]


def missed_articles(project, name: str, count: int, body: str) -> list[dict]:
    """`count` articles by a new author, whose events are lost (this project subscribes the
    event functions to nothing), after a sweep of what other tests left missed."""
    while run(project, "enrich-article")["remaining"]:
        pass
    author = project.create_user(f"{name.lower()}-{uuid.uuid4().hex[:8]}@example.com", name=name)
    run(project, "provision-profile")
    return [
        write(project, author, {"title": f"{name} {uuid.uuid4().hex[:8]}", "body": body})
        for _ in range(count)
    ]


def test_articles_that_missed_their_enrichment_are_enriched(project, keyed):
    author = project.create_user(f"writer-{uuid.uuid4().hex[:8]}@example.com", name="Writer")
    run(project, "provision-profile")
    with project.caused_executions() as executions:
        row = write(project, author, {"title": "Missed event", "body": "One two three four."})
    assert [e for e in executions if e["trigger"] == "event"] == []
    assert keyed.get_row(DATABASE_ID, ARTICLES, row["$id"])["enrichedAt"] is None

    too_soon = run(project, "enrich-article", at=dt.datetime.now(UTC))
    assert row["$id"] not in too_soon["enriched"]  # its event may still be on its way
    first = run(project, "enrich-article")
    assert row["$id"] in first["enriched"] and first["failed"] == []
    stored = keyed.get_row(DATABASE_ID, ARTICLES, row["$id"])
    assert (stored["slug"], stored["wordCount"], stored["readingMinutes"]) == ("missed-event", 4, 1)
    assert stored["enrichedAt"] is not None
    assert keyed.get_row(DATABASE_ID, PROFILES, author["$id"])["articleCount"] == 1

    again = run(project, "enrich-article")
    assert row["$id"] not in again["enriched"]
    assert keyed.get_row(DATABASE_ID, ARTICLES, row["$id"]) == stored


def test_a_sweep_reads_its_rows_a_page_at_a_time_and_enriches_each_in_four_calls(project, keyed):
    """The listing gives the ids; the rows are read 10 at a time with the columns enrichment
    needs, and each is enriched from the row read (no re-read): for 12 articles with free
    slugs, 1 listing + 2 pages + 12 × 4 calls."""
    made = missed_articles(project, "Page", 12, "Three words.")
    author = made[0]["authorId"]
    execution = project.run_schedule("enrich-article", at=later())
    answer = json.loads(execution["responseBody"])
    assert (answer["missed"], answer["failed"], answer["remaining"]) == (12, [], 0)
    assert answer["enriched"] == [row["$id"] for row in made]  # oldest first
    assert project.execution_stats(execution["$id"])["requests"] == 1 + 2 + 12 * 4
    for row in made:
        stored = keyed.get_row(DATABASE_ID, ARTICLES, row["$id"])
        assert (stored["slug"], stored["wordCount"]) == (row["title"].lower().replace(" ", "-"), 2)
    assert keyed.get_row(DATABASE_ID, PROFILES, author)["articleCount"] == 12


def test_a_deleted_team_is_taken_off_its_articles_even_when_the_event_is_lost(project, keyed):
    owner = project.create_user(f"owner-{uuid.uuid4().hex[:8]}@example.com", name="Owner")
    squatter = project.create_user(f"squat-{uuid.uuid4().hex[:8]}@example.com", name="Squatter")
    gone_id, kept_id, reused_id = (f"{p}{uuid.uuid4().hex[:8]}" for p in ("gone", "kept", "reuse"))
    owner_teams = Teams(project.as_user(owner))
    for team_id in (gone_id, kept_id, reused_id):
        owner_teams.create(team_id, team_id)
    gone = write(project, owner, {"title": "Gone", "body": "b", "teamId": gone_id})
    kept = write(project, owner, {"title": "Kept", "body": "b", "teamId": kept_id})
    reused = write(project, owner, {"title": "Reused", "body": "b", "teamId": reused_id})
    with project.caused_executions() as executions:
        owner_teams.delete(gone_id)
        owner_teams.delete(reused_id)
    assert executions == []  # the teams.*.delete events are lost
    Teams(project.as_user(squatter)).create(reused_id, "Not the same team")
    # before the sweep, the squatter's re-created team still reads the draft directly
    squatter_sdk = TablesDB(project.as_user(squatter))
    assert (
        squatter_sdk.list_rows(DATABASE_ID, ARTICLES, [Query.equal("$id", [reused["$id"]])])[
            "total"
        ]
        == 1
    )

    answer = run(project, "team-cleanup")
    assert sorted(answer["articles"]) == sorted([gone["$id"], reused["$id"]])
    assert gone_id in answer["gone"] and reused_id not in answer["gone"]
    for row in (gone, reused):
        stored = keyed.get_row(DATABASE_ID, ARTICLES, row["$id"])
        assert (stored["teamId"], stored["authorId"], stored["status"]) == (
            None,
            owner["$id"],
            "draft",
        )
        assert stored["$permissions"] == article_permissions(owner["$id"], None, "draft")
    assert keyed.get_row(DATABASE_ID, ARTICLES, kept["$id"])["teamId"] == kept_id
    assert (
        squatter_sdk.list_rows(DATABASE_ID, ARTICLES, [Query.equal("$id", [reused["$id"]])])[
            "total"
        ]
        == 0
    )
    assert run(project, "team-cleanup")["articles"] == []


def test_the_nightly_run_migrates_permissions_of_rows_from_older_versions(project, keyed):
    """Rows as the previous version wrote them: `update`/`delete` for their users."""
    author = "old" + uuid.uuid4().hex[:10]
    old_article = [
        f'read("user:{author}")',
        'read("label:admin")',
        f'update("user:{author}")',
        'update("label:admin")',
        f'delete("user:{author}")',
        'delete("label:admin")',
    ]
    article = keyed.create_row(
        DATABASE_ID,
        ARTICLES,
        "unique()",
        {"title": "Old", "body": "b", "authorId": author, "status": "draft"},
        old_article,
    )
    published = keyed.create_row(
        DATABASE_ID,
        ARTICLES,
        "unique()",
        {"title": "Old public", "body": "b", "authorId": author, "status": "published"},
        ['read("any")', f'update("user:{author}")', f'delete("user:{author}")'],
    )
    profile = keyed.create_row(
        DATABASE_ID,
        PROFILES,
        author,
        {"displayName": "Old"},
        ['read("any")', f'update("user:{author}")'],
    )
    at = dt.datetime.now(UTC).replace(hour=3, minute=0, second=0, microsecond=0) + dt.timedelta(
        days=1
    )
    first = run(project, "nightly-maintenance", at=at)
    assert first["permissions"]["finished"] is True
    assert first["permissions"][ARTICLES] >= 2 and first["permissions"][PROFILES] >= 1
    for row, wanted in (
        (article, article_permissions(author, None, "draft")),
        (published, ['read("any")']),
    ):
        stored = keyed.get_row(DATABASE_ID, ARTICLES, row["$id"])
        assert stored["$permissions"] == wanted
        assert stored["$updatedAt"] == row["$updatedAt"]  # not a change of content
    assert keyed.get_row(DATABASE_ID, PROFILES, profile["$id"])["$permissions"] == ['read("any")']

    second = run(project, "nightly-maintenance", at=at)
    assert (second["permissions"][ARTICLES], second["permissions"][PROFILES]) == (0, 0)


def test_the_migration_runs_at_once_when_asked_after_a_deploy(project, keyed):
    author = "dep" + uuid.uuid4().hex[:10]
    row = keyed.create_row(
        DATABASE_ID,
        ARTICLES,
        "unique()",
        {"title": "Old", "body": "b", "authorId": author, "status": "published"},
        ['read("any")', 'update("any")', 'delete("any")'],
    )
    execution = project.execute("nightly-maintenance", "/migrations/permissions", method="POST")
    assert execution["responseStatusCode"] == 200, execution["responseBody"]
    answer = json.loads(execution["responseBody"])
    assert answer[ARTICLES] >= 1 and answer["finished"] is True
    assert keyed.get_row(DATABASE_ID, ARTICLES, row["$id"])["$permissions"] == ['read("any")']
    again = project.execute("nightly-maintenance", "/migrations/permissions", method="POST")
    assert json.loads(again["responseBody"])[ARTICLES] == 0


def test_a_page_of_missed_rows_that_cannot_be_read_is_enriched_row_by_row(project, keyed):
    """The listing of the missed ids works, but reading their page keeps failing (503): the
    sweep logs it and hands each id alone to the enrichment, which reads its own row
    (sweep.listed's fallback) — every article is still enriched, in the same run."""
    made = missed_articles(project, "Unread", 3, "Two words.")
    rows = f"/v1/tablesdb/{DATABASE_ID}/tables/{ARTICLES}/rows"
    # the first list of the run (the missed ids) is served; every later one fails
    project.inject_fault("GET", rows, "delay", delay=0.01, times=1, dynamic_keys_only=True)
    project.inject_fault("GET", rows, "503", times=None, dynamic_keys_only=True)
    try:
        execution = project.run_schedule("enrich-article", at=later())
        journal = project.faults()
    finally:
        project.clear_faults()
    answer = json.loads(execution["responseBody"])
    assert execution["status"] == "completed", execution["errors"]
    assert (answer["enriched"], answer["failed"]) == ([row["$id"] for row in made], [])
    assert "could not read missed articles" in execution["logs"] + execution["errors"]
    assert journal["faults"][1]["matched"] >= 1  # the page read was tried, and failed
    reads = [r["path"] for r in journal["requests"] if r["method"] == "GET"]
    for row in made:
        assert reads.count(f"{rows}/{row['$id']}") == 1  # each row read on its own, once
        stored = keyed.get_row(DATABASE_ID, ARTICLES, row["$id"])
        assert (stored["slug"], stored["wordCount"]) == (row["title"].lower().replace(" ", "-"), 2)
