"""Every event handler is idempotent (issue 9, item 8): each event delivered a second time
leaves exactly the state the first delivery left — the rows it writes, compared whole,
`$updatedAt` included. Appwrite may run a handler twice (a worker that dies before it
acknowledges), and the sweeps run the same code again for what they repair."""

from __future__ import annotations

import json
import uuid

import pytest
from appwrite.query import Query
from appwrite.services.tables_db import TablesDB
from appwrite.services.teams import Teams

from shared.tables import ARTICLES, AUDIT_LOG, DATABASE_ID, PROFILES
from tests.functions.events_support import deliver


@pytest.fixture(scope="module")
def keyed(appwrite):
    return TablesDB(appwrite.admin_client())


def rows(keyed, table, queries):
    found = keyed.list_rows(DATABASE_ID, table, [*queries, Query.limit(100)])["rows"]
    return json.dumps(sorted(found, key=lambda r: r["$id"]), sort_keys=True)


def test_an_article_create_event_twice(appwrite, keyed, unique_email):
    author = appwrite.create_user(unique_email("twice"), name="Twice")
    with appwrite.caused_executions() as first:
        created = appwrite.invoke_http(
            "articles",
            "/articles",
            method="POST",
            user=author,
            json={"title": f"Twice {uuid.uuid4().hex[:6]}", "body": "Some words here."},
        )
    assert created.status_code == 201, created.text
    assert [e["functionId"] for e in first if e["trigger"] == "event"] == ["enrich-article"]
    row_id = created.json()["$id"]

    def state():
        return (
            rows(keyed, ARTICLES, [Query.equal("$id", [row_id])]),
            rows(keyed, PROFILES, [Query.equal("$id", [author["$id"]])]),
            rows(keyed, AUDIT_LOG, [Query.equal("subjectId", [row_id])]),
        )

    after_first = state()
    event = f"databases.{DATABASE_ID}.collections.{ARTICLES}.documents.{row_id}.create"
    body = keyed.get_row(DATABASE_ID, ARTICLES, row_id)
    status, answer, _ = deliver(appwrite, "enrich-article", event, body)
    assert (status, answer["enriched"], answer["reason"]) == (200, False, "already_enriched")
    assert state() == after_first


def test_a_user_create_event_twice(appwrite, keyed, users_api, unique_email):
    with appwrite.caused_executions() as first:
        user = appwrite.create_user(unique_email("again"), name="Again")
    assert [e["responseStatusCode"] for e in first if e["functionId"] == "provision-profile"] == [
        201
    ]
    after_first = rows(keyed, PROFILES, [Query.equal("$id", [user["$id"]])])
    status, answer, _ = deliver(
        appwrite, "provision-profile", f"users.{user['$id']}.create", users_api.get(user["$id"])
    )
    assert (status, answer["created"]) == (200, False)
    assert rows(keyed, PROFILES, [Query.equal("$id", [user["$id"]])]) == after_first


def test_a_team_delete_event_twice(appwrite, keyed, unique_email):
    owner = appwrite.create_user(unique_email("owner"), name="Owner")
    team_id = "twice" + uuid.uuid4().hex[:8]
    team = Teams(appwrite.as_user(owner)).create(team_id, "Twice desk")
    made = [
        appwrite.invoke_http(
            "articles",
            "/articles",
            method="POST",
            user=owner,
            json={"title": f"Desk {i}", "body": "Words.", "teamId": team_id},
        ).json()["$id"]
        for i in range(3)
    ]
    appwrite.wait_for_executions()
    with appwrite.caused_executions() as first:
        Teams(appwrite.as_user(owner)).delete(team_id)
    [cleanup] = [e for e in first if e["functionId"] == "team-cleanup"]
    assert sorted(json.loads(cleanup["responseBody"])["articles"]) == sorted(made)
    after_first = rows(keyed, ARTICLES, [Query.equal("$id", made)])

    status, answer, _ = deliver(appwrite, "team-cleanup", f"teams.{team_id}.delete", team)
    assert (status, answer["articles"]) == (200, [])
    assert rows(keyed, ARTICLES, [Query.equal("$id", made)]) == after_first
