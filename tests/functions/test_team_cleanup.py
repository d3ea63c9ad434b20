"""team-cleanup: a deleted team is taken off its articles (issue 9, item 2), through the real
`teams.*.delete` event, the worker and the SDK. Its sweep is tested in test_sweeps.py, its
idempotency in test_event_idempotency.py, and what every caller may then do in
tests/security/test_permission_matrix.py."""

from __future__ import annotations

import json
import pathlib
import uuid

import pytest
from appwrite.services.tables_db import TablesDB
from appwrite.services.teams import Teams

from shared.permissions import article_permissions
from shared.tables import ARTICLES, DATABASE_ID
from tests.functions.events_support import deliver

FUNCTION = "team-cleanup"


@pytest.fixture(scope="module")
def keyed(appwrite):
    return TablesDB(appwrite.admin_client())


@pytest.fixture
def desk(appwrite, unique_email):
    """(owner, editor, team id) of a fresh team."""
    owner = appwrite.create_user(unique_email("owner"), name="Owner")
    editor = appwrite.create_user(unique_email("editor"), name="Editor")
    team_id = "desk" + uuid.uuid4().hex[:8]
    Teams(appwrite.as_user(owner)).create(team_id, "Desk")
    Teams(appwrite.admin_client()).create_membership(team_id, ["editor"], user_id=editor["$id"])
    return owner, editor, team_id


def article(appwrite, user, team_id, step=None, **fields):
    body = {"title": "Story", "body": "Words.", "teamId": team_id, **fields}
    row = appwrite.invoke_http("articles", "/articles", method="POST", user=user, json=body)
    assert row.status_code == 201, row.text
    if step:
        row = appwrite.invoke_http(
            "articles", f"/articles/{row.json()['$id']}/{step}", method="POST", user=user
        )
        assert row.status_code == 200, row.text
    return row.json()


def test_deleting_a_team_takes_it_off_its_articles(appwrite, keyed, desk):
    owner, editor, team_id = desk
    draft = article(appwrite, editor, team_id)
    published = article(appwrite, owner, team_id, step="publish")
    archived = article(appwrite, editor, team_id, step="archive")
    appwrite.wait_for_executions()

    with appwrite.caused_executions() as executions:
        Teams(appwrite.as_user(owner)).delete(team_id)

    [run] = executions
    assert (run["functionId"], run["trigger"], run["status"]) == (FUNCTION, "event", "completed")
    answer = json.loads(run["responseBody"])
    assert answer["teamId"] == team_id and answer["finished"] is True
    assert sorted(answer["articles"]) == sorted(r["$id"] for r in (draft, published, archived))
    for row, author in ((draft, editor), (published, owner), (archived, editor)):
        stored = keyed.get_row(DATABASE_ID, ARTICLES, row["$id"])
        assert (stored["teamId"], stored["authorId"], stored["status"]) == (
            None,
            author["$id"],
            row["status"],
        )
        assert stored["$permissions"] == article_permissions(author["$id"], None, row["status"])
    # the author keeps the article; the editor of the team that is gone keeps nothing else
    mine = appwrite.invoke_http("articles", f"/articles/{draft['$id']}", user=editor)
    assert mine.status_code == 200 and mine.json()["teamId"] is None
    theirs = appwrite.invoke_http("articles", f"/articles/{archived['$id']}", user=owner)
    assert theirs.status_code == 404


def test_a_team_created_again_with_the_same_id_inherits_nothing(appwrite, desk, unique_email):
    owner, editor, team_id = desk
    draft = article(appwrite, editor, team_id)
    appwrite.wait_for_executions()
    Teams(appwrite.as_user(owner)).delete(team_id)
    appwrite.wait_for_executions()
    squatter = appwrite.create_user(unique_email("squatter"), name="Squatter")
    Teams(appwrite.as_user(squatter)).create(team_id, "Same id")

    path = f"/articles/{draft['$id']}"
    assert appwrite.invoke_http("articles", path, user=squatter).status_code == 404
    assert appwrite.invoke_http("articles", path, method="DELETE", user=squatter).status_code == 404
    direct = TablesDB(appwrite.as_user(squatter))
    with pytest.raises(Exception) as denied:
        direct.get_row(DATABASE_ID, ARTICLES, draft["$id"])
    assert denied.value.code == 404
    # writing into the new team is the new team's business: its articles are its own
    fresh = article(appwrite, squatter, team_id)
    assert fresh["teamId"] == team_id


def test_a_late_delete_event_spares_the_articles_of_a_team_that_reused_the_id(
    appwrite, keyed, desk, unique_email
):
    """The old team's delete event comes after the id was taken again and used: only the
    articles older than the new team are the old team's."""
    _, editor, team_id = desk
    team = Teams(appwrite.admin_client()).get(team_id)
    Teams(appwrite.admin_client()).delete(team_id)
    appwrite.wait_for_executions()
    newcomer = appwrite.create_user(unique_email("newcomer"), name="Newcomer")
    reborn = Teams(appwrite.as_user(newcomer)).create(team_id, "New desk")
    new = article(appwrite, newcomer, team_id)
    # an article of the old team that its (lost) event never reached, made before the new team
    old = keyed.create_row(
        DATABASE_ID,
        ARTICLES,
        "unique()",
        {
            "title": "Old",
            "body": "b",
            "authorId": editor["$id"],
            "teamId": team_id,
            "status": "draft",
            "$createdAt": team["$createdAt"],
        },
        article_permissions(editor["$id"], team_id, "draft"),
    )
    appwrite.wait_for_executions()
    assert old["$createdAt"] < reborn["$createdAt"] <= new["$createdAt"]

    status, answer, _ = deliver(appwrite, FUNCTION, f"teams.{team_id}.delete", team)

    assert (status, answer["articles"]) == (200, [old["$id"]])
    assert keyed.get_row(DATABASE_ID, ARTICLES, new["$id"])["teamId"] == team_id
    assert keyed.get_row(DATABASE_ID, ARTICLES, old["$id"])["teamId"] is None


@pytest.mark.parametrize(
    "event, body, status, code",
    [
        ("teams.t1.delete", {}, 400, "validation_failed"),
        ("teams.t1.delete", {"$id": "t2"}, 400, "event_mismatch"),
        ("teams.t1.delete", "not json", 400, "invalid_json"),
        ("teams.t1.update", {"$id": "t1"}, 404, "event_not_handled"),
    ],
)
def test_a_body_or_event_that_is_not_a_team_deletion_is_refused(
    appwrite, event, body, status, code
):
    got, answer, _ = deliver(appwrite, FUNCTION, event, body)
    assert (got, answer["error"]["code"]) == (status, code)


def test_its_scopes_are_the_four_it_needs():
    """rows.read/rows.write for the articles, teams.read to know whether a team exists,
    files.write to take the team off an article's cover (test_articles_covers.py shows it is
    needed). The tests pass with exactly these (the emulator enforces scopes as Appwrite
    does)."""
    manifest = json.loads((pathlib.Path(__file__).parents[2] / "appwrite.json").read_text())
    spec = next(f for f in manifest["functions"] if f["$id"] == FUNCTION)
    assert (spec["scopes"], spec["events"], spec["schedule"], spec["execute"]) == (
        ["rows.read", "rows.write", "teams.read", "files.write"],
        ["teams.*.delete"],
        "20 * * * *",
        [],
    )
