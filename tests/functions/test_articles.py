"""`articles` through its function URL on the emulator: each route, each transition, each error."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from shared.permissions import article_permissions
from tests.functions.articles_cast import Cast, error_code, pointers, unique

FUTURE = (datetime.now(UTC) + timedelta(days=30)).replace(microsecond=0)
FUTURE_TEXT = FUTURE.isoformat().replace("+00:00", "Z")
PAST_TEXT = "2020-01-01T00:00:00Z"


@pytest.fixture(scope="module")
def cast(appwrite, site_admin):
    return Cast.assemble(appwrite, site_admin)


def stored(tables, row_id):
    return tables.get_row("newsroom", "articles", row_id)


# -- POST /articles ------------------------------------------------------------------


def test_create_answers_201_with_a_draft_row_and_matrix_permissions(cast, tables):
    response = cast.call(
        "author",
        "POST",
        "/articles",
        {
            "title": "Budget vote",
            "body": "The council met.",
            "tags": ["city", "money"],
            "summary": "Short.",
        },
    )
    assert response.status_code == 201
    row = response.json()
    assert (row["title"], row["status"], row["authorId"], row["teamId"], row["tags"]) == (
        "Budget vote",
        "draft",
        cast.id("author"),
        None,
        ["city", "money"],
    )
    assert row["publishedAt"] is None and row["publishAt"] is None
    assert stored(tables, row["$id"])["$permissions"] == article_permissions(
        cast.id("author"), None, "draft"
    )


def test_a_team_article_needs_a_membership_and_gets_the_team_permissions(cast, tables):
    row = cast.create("author", title="Desk story")
    assert row["teamId"] == cast.team_id
    expected = article_permissions(cast.id("author"), cast.team_id, "draft")
    assert stored(tables, row["$id"])["$permissions"] == expected
    refused = cast.call(
        "stranger", "POST", "/articles", {"title": "x", "body": "y", "teamId": cast.team_id}
    )
    assert (refused.status_code, error_code(refused)) == (403, "not_team_member")
    unknown = cast.call(
        "author", "POST", "/articles", {"title": "x", "body": "y", "teamId": unique("none")}
    )
    assert unknown.status_code == 403


def test_an_unconfirmed_invitation_is_no_membership(cast, appwrite):
    from appwrite.services.teams import Teams

    invitee = appwrite.create_user(f"{unique('invitee')}@example.com")
    Teams(appwrite.as_user(cast.users["owner"])).create_membership(
        cast.team_id, ["editor"], user_id=invitee["$id"], url="http://localhost/join"
    )
    response = appwrite.invoke_http(
        "articles",
        "/articles",
        method="POST",
        user=invitee,
        json={"title": "x", "body": "y", "teamId": cast.team_id},
    )
    assert (response.status_code, error_code(response)) == (403, "not_team_member")


def test_create_with_a_future_publish_at_is_scheduled(cast):
    row = cast.create("author", publishAt=FUTURE_TEXT)
    assert row["status"] == "scheduled"
    assert datetime.fromisoformat(row["publishAt"]) == FUTURE


def test_create_with_a_past_publish_at_is_a_400(cast):
    response = cast.call(
        "author", "POST", "/articles", {"title": "x", "body": "y", "publishAt": PAST_TEXT}
    )
    assert pointers(response) == {"/publishAt"}


def test_create_reports_every_invalid_field_with_its_pointer(cast):
    response = cast.call(
        "author",
        "POST",
        "/articles",
        {
            "body": "",
            "summary": 3,
            "tags": ["ok", "ok", "x" * 65, " padded"],
            "teamId": "not an id!",
            "publishAt": "tomorrow",
            "status": "published",
        },
    )
    assert error_code(response) == "validation_failed"
    assert pointers(response) >= {
        "/title",
        "/body",
        "/summary",
        "/tags",
        "/tags/2",
        "/tags/3",
        "/teamId",
        "/publishAt",
        "/status",
    }
    assert pointers(
        cast.call("author", "POST", "/articles", {"title": "t" * 256, "body": "b"})
    ) == {"/title"}
    assert pointers(cast.call("author", "POST", "/articles", ["not", "an", "object"])) == {""}


def test_create_rejects_a_body_that_is_not_json(cast):
    response = cast.call("author", "POST", "/articles", body=b"{title: nope")
    assert (response.status_code, error_code(response)) == (400, "invalid_json")
    empty = cast.call("author", "POST", "/articles", body=b"")
    assert (empty.status_code, error_code(empty)) == (400, "empty_body")


def test_bodies_up_to_2_mib_are_accepted_and_larger_ones_are_413(cast):
    text = "word " * 300_000  # 1.5 MB: above the runtime's default limit, below the function's
    accepted = cast.call("author", "POST", "/articles", {"title": "Long read", "body": text})
    assert accepted.status_code == 201 and len(accepted.json()["body"]) == len(text)
    oversized = json.dumps({"title": "x", "body": "w" * (2 * 1024 * 1024)})
    too_large = cast.call("author", "POST", "/articles", body=oversized)
    assert (too_large.status_code, error_code(too_large)) == (413, "payload_too_large")


def test_writes_need_a_verified_jwt(cast):
    missing = cast.call(None, "POST", "/articles", {"title": "x", "body": "y"})
    assert (missing.status_code, error_code(missing)) == (401, "missing_jwt")
    forged = cast.call(
        None,
        "POST",
        "/articles",
        {"title": "x", "body": "y"},
        headers={"x-appwrite-user-id": cast.id("author")},
    )
    assert (forged.status_code, error_code(forged)) == (401, "missing_jwt")
    bogus = cast.call(
        None,
        "POST",
        "/articles",
        {"title": "x", "body": "y"},
        headers={"authorization": "Bearer aaa.bbb.ccc"},
    )
    assert (bogus.status_code, error_code(bogus)) == (401, "invalid_jwt")
    row = cast.create("author")
    for method, path in (
        ("PATCH", ""),
        ("DELETE", ""),
        ("POST", "/publish"),
        ("POST", "/archive"),
        ("POST", "/schedule"),
    ):
        response = cast.call(
            None, method, f"/articles/{row['$id']}{path}", {"publishAt": FUTURE_TEXT}
        )
        assert response.status_code == 401, (method, path)


def test_a_rest_execution_by_a_signed_in_user_creates_as_that_user(cast, appwrite):
    execution = appwrite.execute(
        "articles",
        "/articles",
        method="POST",
        user=cast.users["editor"],
        body=json.dumps({"title": "Via REST", "body": "b"}),
        headers={"content-type": "application/json"},
    )
    assert execution["responseStatusCode"] == 201
    assert json.loads(execution["responseBody"])["authorId"] == cast.id("editor")


# -- GET /articles/{id} ----------------------------------------------------------------


def test_guests_read_a_published_article_through_the_url(cast, appwrite):
    row = cast.published("author", title="Open to all")
    response = appwrite.invoke_http("articles", f"/articles/{row['$id']}")
    assert response.status_code == 200
    assert (response.json()["title"], response.json()["status"]) == ("Open to all", "published")


@pytest.mark.parametrize("row_id", ["nope0000000000000000", "bad id!", "x" * 37])
def test_an_unknown_article_is_404(cast, row_id):
    response = cast.call("author", "GET", f"/articles/{row_id}")
    assert (response.status_code, error_code(response)) == (404, "article_not_found")


def test_an_unknown_route_is_404_and_a_wrong_method_405(cast):
    assert cast.call("author", "GET", "/nothing").status_code == 404
    wrong = cast.call("author", "PUT", "/articles/abc", {"title": "x"})
    assert wrong.status_code == 405
    assert set(wrong.headers["allow"].replace(" ", "").split(",")) >= {"GET", "PATCH", "DELETE"}
    assert cast.call("author", "GET", "/articles/abc/publish").status_code == 405


# -- PATCH /articles/{id} --------------------------------------------------------------


def test_patch_changes_content_and_keeps_status(cast, tables):
    row = cast.published("author")
    response = cast.call(
        "editor",
        "PATCH",
        f"/articles/{row['$id']}",
        {"title": "Edited", "tags": ["x"], "body": "one two three " * 100},
    )
    assert response.status_code == 200
    edited = response.json()
    assert (edited["title"], edited["tags"], edited["status"]) == ("Edited", ["x"], "published")
    assert (edited["wordCount"], edited["readingMinutes"]) == (300, 2)
    assert stored(tables, row["$id"])["$permissions"] == article_permissions(
        cast.id("author"), cast.team_id, "published"
    )


def test_patch_publish_at_schedules_and_null_unschedules(cast, tables):
    row = cast.create("author")
    scheduled = cast.call(
        "author", "PATCH", f"/articles/{row['$id']}", {"publishAt": FUTURE_TEXT}
    ).json()
    assert scheduled["status"] == "scheduled"
    back = cast.call("author", "PATCH", f"/articles/{row['$id']}", {"publishAt": None})
    assert (back.json()["status"], back.json()["publishAt"]) == ("draft", None)
    past = cast.call("author", "PATCH", f"/articles/{row['$id']}", {"publishAt": PAST_TEXT})
    assert pointers(past) == {"/publishAt"}


def test_patch_validation(cast):
    row = cast.create("author")
    assert pointers(cast.call("author", "PATCH", f"/articles/{row['$id']}", {})) == {""}
    assert pointers(
        cast.call("author", "PATCH", f"/articles/{row['$id']}", {"teamId": "other", "title": ""})
    ) == {"/teamId", "/title"}


def test_patch_of_an_archived_article_is_409(cast):
    row = cast.published("author")
    cast.call("author", "POST", f"/articles/{row['$id']}/archive")
    response = cast.call("author", "PATCH", f"/articles/{row['$id']}", {"title": "late"})
    assert (response.status_code, error_code(response)) == (409, "invalid_transition")


# -- schedule / publish / archive ------------------------------------------------------


def test_schedule_sets_publish_at_and_must_be_in_the_future(cast):
    row = cast.create("author")
    response = cast.call(
        "editor", "POST", f"/articles/{row['$id']}/schedule", {"publishAt": FUTURE_TEXT}
    )
    assert response.status_code == 200
    assert response.json()["status"] == "scheduled"
    assert datetime.fromisoformat(response.json()["publishAt"]) == FUTURE
    assert pointers(
        cast.call("author", "POST", f"/articles/{row['$id']}/schedule", {"publishAt": PAST_TEXT})
    ) == {"/publishAt"}
    assert pointers(cast.call("author", "POST", f"/articles/{row['$id']}/schedule", {})) == {
        "/publishAt"
    }


def test_publish_adds_public_read_and_archive_removes_it(cast, appwrite, tables):
    row = cast.create("author", publishAt=FUTURE_TEXT)
    assert appwrite.invoke_http("articles", f"/articles/{row['$id']}").status_code == 404
    published = cast.call("editor", "POST", f"/articles/{row['$id']}/publish")
    assert published.status_code == 200
    body = published.json()
    assert body["status"] == "published" and body["publishedAt"] is not None
    assert 'read("any")' in stored(tables, row["$id"])["$permissions"]
    assert appwrite.invoke_http("articles", f"/articles/{row['$id']}").status_code == 200

    archived = cast.call("author", "POST", f"/articles/{row['$id']}/archive")
    assert archived.status_code == 200
    assert (archived.json()["status"], archived.json()["publishedAt"]) == (
        "archived",
        body["publishedAt"],
    )
    assert archived.json()["archivedAt"] is not None
    assert 'read("any")' not in stored(tables, row["$id"])["$permissions"]
    assert appwrite.invoke_http("articles", f"/articles/{row['$id']}").status_code == 404


@pytest.mark.parametrize(
    "status, action",
    [
        ("published", "publish"),
        ("published", "schedule"),
        ("archived", "publish"),
        ("archived", "archive"),
        ("archived", "schedule"),
    ],
)
def test_invalid_transitions_are_409(cast, status, action):
    row = cast.published("author")
    if status == "archived":
        assert cast.call("author", "POST", f"/articles/{row['$id']}/archive").status_code == 200
    response = cast.call(
        "author",
        "POST",
        f"/articles/{row['$id']}/{action}",
        {"publishAt": FUTURE_TEXT} if action == "schedule" else None,
    )
    assert (response.status_code, error_code(response)) == (409, "invalid_transition")


def test_publish_and_archive_take_no_body(cast):
    row = cast.create("author")
    assert pointers(
        cast.call("author", "POST", f"/articles/{row['$id']}/publish", {"now": True})
    ) == {"/now"}
    assert pointers(cast.call("author", "POST", f"/articles/{row['$id']}/archive", [])) == {""}


# -- DELETE /articles/{id} -------------------------------------------------------------


def test_delete_answers_204_and_the_article_is_gone(cast, tables):
    from appwrite.exception import AppwriteException

    row = cast.create("author")
    response = cast.call("author", "DELETE", f"/articles/{row['$id']}")
    assert (response.status_code, response.content) == (204, b"")
    assert cast.call("author", "GET", f"/articles/{row['$id']}").status_code == 404
    with pytest.raises(AppwriteException):
        stored(tables, row["$id"])
    assert cast.call("author", "DELETE", f"/articles/{row['$id']}").status_code == 404


def test_health(cast):
    assert cast.call(None, "GET", "/health").json() == {"ok": True, "function": "articles"}
