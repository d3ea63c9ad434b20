"""`articles` at its edges (issue 9, items 4–6): anonymous sessions only read; lists answer
the summary shape and single reads the body, with the largest answers a guest can cause
bounded as documented; dates that cannot be stored are 400s; every answer is JSON."""

from __future__ import annotations

import json
import uuid

import pytest
from appwrite.services.account import Account

from shared.app import json_text
from shared.articles import SUMMARY_FIELDS
from tests.functions.articles_cast import Cast, error_code

# The documented bounds (functions/articles/README.md, docs/reliability.md).
ITEM_BOUND = 11 * 1024  # bytes of one list item, at its worst
PAGE_BOUND = 100 * ITEM_BOUND + 200  # a page of 100 and its envelope: ~1.1 MB
READ_BOUND = 2 * 1024 * 1024 + ITEM_BOUND  # one article: its body came in ≤ 2 MiB


@pytest.fixture(scope="module")
def cast(appwrite, site_admin):
    return Cast.assemble(appwrite, site_admin)


@pytest.fixture(scope="module")
def anonymous(appwrite):
    """The JWT of an anonymous session (a user without an e-mail address)."""
    session = Account(appwrite.admin_client()).create_anonymous_session()
    account = Account(appwrite.guest_client().set_session(session["secret"]))
    return account.create_jwt()["jwt"]


# -- item 4: only users with an e-mail address write ------------------------------------------


def test_an_anonymous_session_cannot_create_or_publish(cast, appwrite, anonymous):
    auth = {"authorization": f"Bearer {anonymous}"}
    created = appwrite.invoke_http(
        "articles", "/articles", method="POST", headers=auth, json={"title": "x", "body": "y"}
    )
    assert (created.status_code, error_code(created)) == (403, "email_required")
    draft = cast.create("author", team=False)
    for method, suffix, body in (
        ("PATCH", "", {"title": "mine now"}),
        ("POST", "/publish", None),
        ("POST", "/schedule", {"publishAt": "2099-01-01T00:00:00Z"}),
        ("POST", "/archive", None),
        ("DELETE", "", None),
    ):
        response = appwrite.invoke_http(
            "articles", f"/articles/{draft['$id']}{suffix}", method=method, headers=auth, json=body
        )
        assert (response.status_code, error_code(response)) == (403, "email_required"), suffix
    # it reads like a guest
    published = cast.published("author", team=False)
    read = appwrite.invoke_http("articles", f"/articles/{published['$id']}", headers=auth)
    assert read.status_code == 200


def test_an_anonymous_team_member_cannot_edit_the_teams_articles(cast, appwrite):
    from appwrite.services.teams import Teams

    session = Account(appwrite.admin_client()).create_anonymous_session()
    account = Account(appwrite.guest_client().set_session(session["secret"]))
    Teams(appwrite.admin_client()).create_membership(
        cast.team_id, ["editor"], user_id=account.get()["$id"]
    )
    auth = {"authorization": f"Bearer {account.create_jwt()['jwt']}"}
    draft = cast.create("author")
    path = f"/articles/{draft['$id']}"
    assert appwrite.invoke_http("articles", path, headers=auth).status_code == 200  # reads
    response = appwrite.invoke_http(
        "articles", path, method="PATCH", headers=auth, json={"title": "x"}
    )
    assert (response.status_code, error_code(response)) == (403, "email_required")


# -- item 5: lists are summaries, reads carry the body, both bounded ----------------------------


def test_lists_answer_the_summary_shape_and_reads_the_body(cast, appwrite):
    tag = uuid.uuid4().hex[:10]
    row = cast.published("author", team=False, tags=[tag], body="The whole story. " * 50)
    listed = appwrite.invoke_http("articles", f"/articles?tag={tag}").json()
    [item] = listed["articles"]
    assert list(item) == list(SUMMARY_FIELDS)
    assert "body" not in item and "$permissions" not in item
    read = appwrite.invoke_http("articles", f"/articles/{row['$id']}").json()
    assert read["body"] == "The whole story. " * 50
    assert set(read) == {*SUMMARY_FIELDS, "body", "enrichedAt"}


def worst_item() -> dict:
    """A list item with every field at its longest and its costliest characters (4 bytes in
    UTF-8; a `"` costs 2)."""
    astral = "\U0001f4f0"
    return {
        "$id": "i" * 36,
        "$createdAt": "2026-01-01T00:00:00.000+00:00",
        "$updatedAt": "2026-01-01T00:00:00.000+00:00",
        "title": astral * 255,
        "slug": "s" * 300,
        "summary": astral * 1000,
        "authorId": "a" * 36,
        "teamId": "t" * 36,
        "status": "scheduled",
        "publishAt": "2026-01-01T00:00:00.000+00:00",
        "publishedAt": "2026-01-01T00:00:00.000+00:00",
        "archivedAt": "2026-01-01T00:00:00.000+00:00",
        "tags": [astral * 64] * 20,
        "wordCount": 2147483647,
        "readingMinutes": 2147483647,
        "cover": {
            "fileId": "i" * 36,
            "mimeType": "image/webp",
            "sizeOriginal": 5 * 1024 * 1024,
            "width": 2147483647,
            "height": 2147483647,
        },
    }


def test_the_documented_bounds_hold_for_the_worst_item():
    assert list(worst_item()) == list(SUMMARY_FIELDS)
    item = len(json_text(worst_item()).encode())
    assert item <= ITEM_BOUND
    page = {"articles": [worst_item()] * 100, "total": 5000, "nextCursor": "c" * 36}
    assert len(json_text(page).encode()) <= PAGE_BOUND


def test_the_largest_article_a_guest_can_read_is_within_the_bound(cast, appwrite):
    """A body as large as a create request allows, in 4-byte characters, published."""
    astral = "\U0001f4f0"
    envelope = len(json.dumps({"title": "Big", "body": ""}).encode())
    body = astral * ((2 * 1024 * 1024 - envelope) // 4)
    row = cast.create("author", team=False, title="Big", body=body)
    published = cast.call("author", "POST", f"/articles/{row['$id']}/publish")
    assert published.status_code == 200
    read = appwrite.invoke_http("articles", f"/articles/{row['$id']}")
    assert read.status_code == 200 and read.json()["body"] == body
    assert len(read.content) <= READ_BOUND
    listed = appwrite.invoke_http("articles", f"/articles?authorId={cast.id('author')}&limit=100")
    assert listed.status_code == 200 and len(listed.content) <= PAGE_BOUND


# -- item 6: dates that cannot be stored, and JSON for every answer ------------------------------


@pytest.mark.parametrize(
    "publish_at",
    ["9999-12-31T23:59:59-00:01", "9999-12-31T23:59:59.999-23:59", "0001-01-01T00:00:00+00:01"],
)
def test_a_publish_at_outside_the_range_of_dates_is_400(cast, publish_at):
    create = cast.call(
        "author", "POST", "/articles", {"title": "t", "body": "b", "publishAt": publish_at}
    )
    assert create.status_code == 400, create.text
    assert create.json()["error"]["details"][0]["path"] == "/publishAt"
    draft = cast.create("author", team=False)
    for method, suffix in (("POST", "/schedule"), ("PATCH", "")):
        response = cast.call(
            "author", method, f"/articles/{draft['$id']}{suffix}", {"publishAt": publish_at}
        )
        assert response.status_code == 400, response.text
        assert response.json()["error"]["details"][0]["path"] == "/publishAt"


@pytest.mark.parametrize("method", ["OPTIONS", "PUT", "PATCH", "DELETE", "POST"])
def test_methods_without_a_route_are_json_405s(cast, method):
    response = cast.call("guest", method, "/articles" if method != "POST" else "/health")
    assert response.status_code == 405
    assert response.headers["content-type"].startswith("application/json")
    assert error_code(response) == "method_not_allowed" and "allow" in response.headers


def test_a_lowercase_method_gets_json(cast):
    response = cast.call("guest", "get", "/articles")
    assert response.headers["content-type"].startswith("application/json")
    assert response.status_code in (200, 405)  # served as GET, or refused as another method


@pytest.mark.parametrize("method", ["TRACE", "PROPFIND", "MKCOL", "PURGE"])
def test_any_method_reaches_the_function_and_gets_json(cast, method):
    response = cast.call("guest", method, "/articles")
    assert response.headers["content-type"].startswith("application/json")
    assert error_code(response) == "method_not_allowed"


def test_a_method_the_runtime_does_not_know_is_refused_before_the_function(cast):
    """A token HTTP's parser does not know (`FOO`) never reaches a function, on Appwrite
    either: open-runtimes' server (aiohttp on llhttp) refuses it with a plain-text 400."""
    response = cast.call("guest", "FOO", "/articles")
    assert response.status_code == 400 and "Invalid method" in response.text
