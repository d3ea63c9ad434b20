"""The Newsroom walkthrough of the README, end to end: every function in its real worker,
every trigger kind, every step checked through the SDK.

Sign up two users → one creates a team with the other as editor → an article is created
(enrich-article fills slug and counts) → scheduled → published by publish-scheduled when
the clock passes publishAt → read by a guest through the function URL → archived →
purged by nightly-maintenance after the retention period.

Runs on a private emulator: the nightly purge moves the clock three months ahead.
"""

import datetime as dt
import pathlib
import uuid

import pytest
from appwrite.exception import AppwriteException
from appwrite.services.tables_db import TablesDB
from appwrite.services.teams import Teams
from appwrite.services.users import Users

from emulator.stack import Stack
from emulator.testclient import AppwriteTestClient

ROOT = pathlib.Path(__file__).resolve().parents[2]
UTC = dt.UTC


@pytest.fixture(scope="module")
def newsroom(tmp_path_factory):
    stack = Stack.start(
        ROOT / "appwrite.json", data_dir=tmp_path_factory.mktemp("newsroom"), realtime_cron=False
    )
    yield AppwriteTestClient(stack)
    stack.close()


def iso(moment: dt.datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def test_the_life_of_a_team_article(newsroom):
    admin = newsroom.admin_client()
    tables, users, teams = TablesDB(admin), Users(admin), Teams(admin)
    tag = uuid.uuid4().hex[:8]

    # 1. Two people sign up through the accounts function's URL.
    accounts = []
    for name in ("Ann", "Ben"):
        with newsroom.caused_executions() as executions:
            response = newsroom.invoke_http(
                "accounts",
                "/signup",
                method="POST",
                json={
                    "email": f"{name.lower()}-{tag}@example.com",
                    "password": f"{name}-password-{tag}",
                    "name": name,
                },
            )
        assert response.status_code == 201, response.text
        user = response.json()["user"]
        assert "password" not in user and "hash" not in user
        assert [e["functionId"] for e in executions if e["trigger"] == "event"] == [
            "provision-profile"
        ]
        assert tables.get_row("newsroom", "profiles", user["$id"])["displayName"] == name
        users.update_email_verification(user["$id"], True)  # as clicking the e-mail link would
        accounts.append(user)
    ann, ben = accounts

    # 2. Ann creates a team; Ben joins it as an editor.
    team = Teams(newsroom.as_user(ann)).create("unique()", f"Desk {tag}")
    membership = teams.create_membership(team["$id"], ["editor"], user_id=ben["$id"])
    assert membership["confirm"] is True and membership["roles"] == ["editor"]

    # 3. Ann writes a team article; enrich-article fills slug and counts.
    with newsroom.caused_executions() as executions:
        response = newsroom.invoke_http(
            "articles",
            "/articles",
            method="POST",
            user=ann,
            json={
                "title": f"Election night {tag}",
                "teamId": team["$id"],
                "tags": ["politics"],
                "body": " ".join(["word"] * 450),
            },
        )
    assert response.status_code == 201, response.text
    article_id = response.json()["$id"]
    assert [(e["functionId"], e["status"]) for e in executions if e["trigger"] == "event"] == [
        ("enrich-article", "completed")
    ]
    row = tables.get_row("newsroom", "articles", article_id)
    assert row["status"] == "draft"
    assert row["slug"] == f"election-night-{tag}"
    assert (row["wordCount"], row["readingMinutes"]) == (450, 3)
    assert row["summary"]
    assert tables.get_row("newsroom", "profiles", ann["$id"])["articleCount"] == 1

    # Ben, a team editor, may edit it; a guest may not even see the draft.
    response = newsroom.invoke_http(
        "articles",
        f"/articles/{article_id}",
        method="PATCH",
        user=ben,
        json={"summary": "Edited by the desk."},
    )
    assert response.status_code == 200, response.text
    assert newsroom.invoke_http("articles", f"/articles/{article_id}").status_code == 404

    # 4. Ann schedules it for tomorrow.
    publish_at = (dt.datetime.now(UTC) + dt.timedelta(days=1)).replace(second=0, microsecond=0)
    response = newsroom.invoke_http(
        "articles",
        f"/articles/{article_id}/schedule",
        method="POST",
        user=ann,
        json={"publishAt": iso(publish_at)},
    )
    assert response.status_code == 200, response.text
    assert tables.get_row("newsroom", "articles", article_id)["status"] == "scheduled"

    # 5. publish-scheduled does nothing before publishAt, and publishes it after.
    newsroom.run_schedule("publish-scheduled", at=publish_at - dt.timedelta(minutes=5))
    assert tables.get_row("newsroom", "articles", article_id)["status"] == "scheduled"
    run = newsroom.run_schedule("publish-scheduled", at=publish_at + dt.timedelta(minutes=5))
    assert run["status"] == "completed", run["errors"]
    row = tables.get_row("newsroom", "articles", article_id)
    assert row["status"] == "published"
    assert row["publishedAt"].startswith(iso(publish_at + dt.timedelta(minutes=5))[:16])
    assert 'read("any")' in row["$permissions"]

    # 6. A guest reads it through the function URL, and finds it in the list.
    response = newsroom.invoke_http("articles", f"/articles/{article_id}")
    assert response.status_code == 200 and response.json()["title"] == f"Election night {tag}"
    listed = newsroom.invoke_http("articles", f"/articles?q={tag}").json()
    assert [a["$id"] for a in listed["articles"]] == [article_id]

    # 7. Ann archives it: public read goes away.
    response = newsroom.invoke_http(
        "articles", f"/articles/{article_id}/archive", method="POST", user=ann
    )
    assert response.status_code == 200, response.text
    row = tables.get_row("newsroom", "articles", article_id)
    assert row["status"] == "archived" and 'read("any")' not in row["$permissions"]
    assert newsroom.invoke_http("articles", f"/articles/{article_id}").status_code == 404

    # 8. The nightly job keeps it for 90 days, then purges it.
    archived_at = dt.datetime.fromisoformat(row["archivedAt"])

    def night(days):
        return (archived_at + dt.timedelta(days=days)).replace(
            hour=3, minute=0, second=0, microsecond=0
        )

    assert newsroom.run_schedule("nightly-maintenance", at=night(30))["status"] == "completed"
    assert tables.get_row("newsroom", "articles", article_id)["status"] == "archived"
    run = newsroom.run_schedule("nightly-maintenance", at=night(92))
    assert run["status"] == "completed", run["errors"]
    with pytest.raises(AppwriteException) as gone:
        tables.get_row("newsroom", "articles", article_id)
    assert gone.value.code == 404
    day_before = (night(92) - dt.timedelta(days=1)).date().isoformat()
    stats = tables.get_row("newsroom", "daily_stats", day_before)
    assert stats["purgedArticles"] >= 1
    # The verified authors and their team stay.
    assert users.get(ann["$id"])["$id"] == ann["$id"] and teams.get(team["$id"])["total"] == 2
