"""The DESIGN access matrix, caller by caller, on draft and published team articles: through the
function URL, and through direct SDK access as the user (row permissions agree on reads, and
grant no writes: every write goes through the function). The full matrix — every role, state
and operation — is tests/security/test_permission_matrix.py."""

from __future__ import annotations

import pytest
from appwrite.exception import AppwriteException
from appwrite.id import ID

from shared.permissions import article_permissions
from tests.functions.articles_cast import KINDS, Cast

# kind → (read draft, update, delete) as HTTP statuses for a draft article. 404: the caller
# may not even read it; 403: reads but may not do this; 401: a guest (no JWT).
DRAFT = {
    "author": (200, 200, 204),
    "member": (200, 403, 403),
    "editor": (200, 200, 403),
    "team_admin": (200, 200, 204),
    "owner": (200, 200, 204),
    "site_admin": (200, 200, 204),
    "stranger": (404, 404, 404),
    "guest": (404, 401, 401),
}
# Published: everybody reads; who may change or delete is the same, the others get 403.
PUBLISHED = {
    kind: (200, 403 if u == 404 else u, 403 if d == 404 else d) for kind, (_, u, d) in DRAFT.items()
}


@pytest.fixture(scope="module")
def cast(appwrite, site_admin):
    return Cast.assemble(appwrite, site_admin)


def seed(cast, tables, status):
    """A team article by the author, written with the key (as the function writes it)."""
    data = {
        "title": "Matrix",
        "body": "b",
        "authorId": cast.id("author"),
        "teamId": cast.team_id,
        "status": status,
        "publishedAt": "2026-01-01T00:00:00.000+00:00" if status == "published" else None,
    }
    return tables.create_row(
        "newsroom",
        "articles",
        ID.unique(),
        data,
        article_permissions(cast.id("author"), cast.team_id, status),
    )


def sdk_allows(call) -> bool:
    try:
        call()
    except AppwriteException as exc:
        assert exc.code in (401, 404), exc
        return False
    return True


@pytest.mark.parametrize("status", ["draft", "published"])
@pytest.mark.parametrize("kind", KINDS)
def test_the_matrix_through_the_url_and_the_sdk(cast, tables, kind, status):
    read, update, delete = (DRAFT if status == "draft" else PUBLISHED)[kind]
    row = seed(cast, tables, status)
    path = f"/articles/{row['$id']}"

    assert cast.call(kind, "GET", path).status_code == read
    assert cast.call(kind, "PATCH", path, {"summary": f"by {kind}"}).status_code == update
    assert cast.call(kind, "DELETE", path).status_code == delete

    other = seed(cast, tables, status)
    published = cast.call(kind, "POST", f"/articles/{other['$id']}/publish")
    if status == "draft":
        assert published.status_code == update
    else:  # allowed callers meet the transition rule: a published article cannot be published again
        assert published.status_code == (409 if update == 200 else update)

    sdk = cast.sdk_tables(kind)
    fresh = seed(cast, tables, status)
    assert sdk_allows(lambda: sdk.get_row("newsroom", "articles", fresh["$id"])) == (read == 200)
    assert not sdk_allows(
        lambda: sdk.update_row("newsroom", "articles", fresh["$id"], {"summary": kind})
    )
    assert not sdk_allows(lambda: sdk.delete_row("newsroom", "articles", fresh["$id"]))


def test_a_failed_update_changes_nothing(cast, tables):
    row = seed(cast, tables, "draft")
    assert (
        cast.call("member", "PATCH", f"/articles/{row['$id']}", {"title": "hijack"}).status_code
        == 403
    )
    assert cast.call("member", "POST", f"/articles/{row['$id']}/archive").status_code == 403
    after = tables.get_row("newsroom", "articles", row["$id"])
    assert (after["title"], after["status"]) == ("Matrix", "draft")


def test_a_member_who_left_the_team_loses_access(cast, appwrite, tables):
    from appwrite.query import Query
    from appwrite.services.teams import Teams

    leaver = appwrite.create_user(f"leaver-{ID.unique()}@example.com")
    teams = Teams(appwrite.admin_client())
    membership = teams.create_membership(cast.team_id, ["editor"], user_id=leaver["$id"])
    row = seed(cast, tables, "draft")
    assert (
        appwrite.invoke_http("articles", f"/articles/{row['$id']}", user=leaver).status_code == 200
    )
    teams.delete_membership(cast.team_id, membership["$id"])
    assert not teams.list_memberships(
        cast.team_id, queries=[Query.equal("userId", [leaver["$id"]])]
    )["memberships"]
    assert (
        appwrite.invoke_http("articles", f"/articles/{row['$id']}", user=leaver).status_code == 404
    )
