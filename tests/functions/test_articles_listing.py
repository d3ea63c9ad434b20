"""`GET /articles`: who sees what, filters, full-text search, orders and cursor pagination."""

from __future__ import annotations

import uuid

import pytest
from appwrite.id import ID
from appwrite.query import Query

from shared.permissions import article_permissions
from tests.functions.articles_cast import Cast, error_code, pointers, unique


@pytest.fixture(scope="module")
def cast(appwrite, site_admin):
    return Cast.assemble(appwrite, site_admin)


def seed(tables, author_id, status, tags, *, team_id=None, title="Listed", published_at=None):
    data = {
        "title": title,
        "body": "b",
        "authorId": author_id,
        "teamId": team_id,
        "status": status,
        "tags": tags,
        "publishedAt": published_at,
    }
    if status == "published" and published_at is None:
        data["publishedAt"] = "2026-01-01T00:00:00.000+00:00"
    return tables.create_row(
        "newsroom", "articles", ID.unique(), data, article_permissions(author_id, team_id, status)
    )["$id"]


def listed(cast, kind, **query):
    response = cast.call(kind, "GET", "/articles", params=query)
    assert response.status_code == 200, response.text
    return response.json()


def ids(answer):
    return {row["$id"] for row in answer["articles"]}


def every_page(cast, kind, **query):
    """All rows of a list, page by page through nextCursor; and the totals seen."""
    seen, totals, cursor = [], [], None
    while True:
        answer = listed(cast, kind, **query, **({"cursor": cursor} if cursor else {}))
        seen += [row["$id"] for row in answer["articles"]]
        totals.append(answer["total"])
        cursor = answer["nextCursor"]
        if cursor is None:
            return seen, totals
        assert len(answer["articles"]) == int(query["limit"])


@pytest.fixture(scope="module")
def world(cast, tables):
    """Articles of every kind of visibility, all tagged with one fresh tag."""
    tag = unique("tag")
    author, member = cast.id("author"), cast.id("member")
    rows = {
        "team_draft": seed(tables, author, "draft", [tag], team_id=cast.team_id),
        "solo_published": seed(tables, author, "published", [tag, "extra"]),
        "stranger_draft": seed(tables, cast.id("stranger"), "draft", [tag]),
        "other_team_draft": seed(
            tables, unique("outsider"), "draft", [tag], team_id=unique("team")
        ),
        "member_solo_draft": seed(tables, member, "draft", [tag]),
        "team_archived": seed(tables, author, "archived", [tag], team_id=cast.team_id),
    }
    return tag, rows


@pytest.mark.parametrize(
    "kind, visible",
    [
        ("guest", {"solo_published"}),
        ("stranger", {"solo_published", "stranger_draft"}),
        ("member", {"solo_published", "team_draft", "team_archived", "member_solo_draft"}),
        ("editor", {"solo_published", "team_draft", "team_archived"}),
        ("author", {"solo_published", "team_draft", "team_archived"}),
        (
            "site_admin",
            {
                "solo_published",
                "team_draft",
                "team_archived",
                "member_solo_draft",
                "stranger_draft",
                "other_team_draft",
            },
        ),
    ],
)
def test_each_caller_lists_only_what_it_may_read(cast, world, kind, visible):
    tag, rows = world
    answer = listed(cast, kind, tag=tag)
    assert ids(answer) == {rows[name] for name in visible}
    assert answer["total"] == len(visible) and answer["nextCursor"] is None
    direct = cast.sdk_tables(kind).list_rows(
        "newsroom", "articles", [Query.contains("tags", [tag])]
    )
    assert {row["$id"] for row in direct["rows"]} == ids(answer)  # row permissions agree


def test_filters_combine_with_access(cast, world):
    tag, rows = world
    assert ids(listed(cast, "site_admin", tag=tag, status="archived")) == {rows["team_archived"]}
    assert ids(listed(cast, "site_admin", tag=tag, authorId=cast.id("stranger"))) == {
        rows["stranger_draft"]
    }
    assert ids(listed(cast, "member", tag=tag, teamId=cast.team_id, status="draft")) == {
        rows["team_draft"]
    }
    assert ids(listed(cast, "guest", tag=tag, status="draft")) == set()
    assert ids(listed(cast, "guest", tag="extra", authorId=cast.id("author"))) >= {
        rows["solo_published"]
    }


def test_search_by_title_respects_access(cast, tables):
    word = "zq" + uuid.uuid4().hex[:8]
    shown = seed(tables, cast.id("author"), "published", [], title=f"Harbour {word} reopens")
    hidden = seed(tables, cast.id("author"), "draft", [], title=f"{word} draft notes")
    seed(tables, cast.id("author"), "published", [], title="Harbour closes")
    assert ids(listed(cast, "guest", q=word)) == {shown}
    assert ids(listed(cast, "author", q=word)) == {shown, hidden}
    assert ids(listed(cast, "guest", q=f'+{word} "(<~')) == {shown}  # search operators are no error
    tagged = seed(tables, cast.id("author"), "published", [f"c++{word}"], title="Plus")
    assert ids(listed(cast, "guest", tag=f"c++{word}")) == {tagged}  # sent as c%2B%2B…


def test_cursor_pagination_walks_every_row_once_in_order(cast, tables):
    tag = unique("page")
    created = [seed(tables, cast.id("author"), "published", [tag]) for _ in range(7)]
    newest, totals = every_page(cast, "guest", tag=tag, limit="3")
    assert newest == created[::-1] and totals == [7, 7, 7]
    oldest, _ = every_page(cast, "guest", tag=tag, limit="3", order="oldest")
    assert oldest == created


def test_pagination_skips_rows_the_caller_may_not_read(cast, tables):
    tag = unique("mixed")
    created = [
        seed(tables, cast.id("author"), "published" if i % 2 == 0 else "draft", [tag])
        for i in range(9)
    ]
    visible = created[::2]
    seen, totals = every_page(cast, "guest", tag=tag, limit="2", order="oldest")
    assert seen == visible and set(totals) == {len(visible)}
    assert every_page(cast, "author", tag=tag, limit="4", order="oldest")[0] == created


def test_order_published_puts_the_latest_publication_first(cast, tables):
    tag = unique("pub")
    early = seed(
        tables, cast.id("author"), "published", [tag], published_at="2026-01-01T00:00:00.000+00:00"
    )
    late = seed(
        tables, cast.id("author"), "published", [tag], published_at="2026-06-01T00:00:00.000+00:00"
    )
    middle = seed(
        tables, cast.id("author"), "published", [tag], published_at="2026-03-01T00:00:00.000+00:00"
    )
    answer = listed(cast, "guest", tag=tag, order="published")
    assert [row["$id"] for row in answer["articles"]] == [late, middle, early]


@pytest.mark.parametrize(
    "query, pointer",
    [
        ({"limit": "0"}, "/limit"),
        ({"limit": "101"}, "/limit"),
        ({"limit": "ten"}, "/limit"),
        ({"status": "deleted"}, "/status"),
        ({"order": "random"}, "/order"),
        ({"sort": "newest"}, "/sort"),
        ({"cursor": "not a cursor"}, "/cursor"),
        ({"q": "x" * 129}, "/q"),
        ({"authorId": "a/b"}, "/authorId"),
    ],
)
def test_invalid_parameters_are_400_with_their_pointer(cast, query, pointer):
    response = cast.call("guest", "GET", "/articles", params=query)
    assert pointers(response) == {pointer}
    assert response.json()["error"]["message"] == "The query parameters are invalid."


def test_a_cursor_must_be_an_article_the_caller_may_list(cast, world):
    _, rows = world
    assert pointers(
        cast.call("guest", "GET", "/articles", params={"cursor": "missing0000000000000"})
    ) == {"/cursor"}
    assert pointers(
        cast.call("guest", "GET", "/articles", params={"cursor": rows["stranger_draft"]})
    ) == {"/cursor"}
    assert (
        cast.call(
            "stranger", "GET", "/articles", params={"cursor": rows["stranger_draft"]}
        ).status_code
        == 200
    )


def test_an_invalid_jwt_is_401_even_for_reading(cast):
    response = cast.call(None, "GET", "/articles", headers={"authorization": "Bearer aaa.bbb.ccc"})
    assert (response.status_code, error_code(response)) == (401, "invalid_jwt")


@pytest.mark.parametrize("kind", ["guest", "stranger", "member", "site_admin"])
def test_a_page_costs_one_round_trip_and_two_with_a_cursor(cast, world, kind):
    """Counted by the emulator: a signed-in caller's list is one call made with their JWT
    (which checks the JWT too); a cursor adds one read of the cursor's article."""
    tag, _ = world

    def requests_of(response):
        assert response.status_code == 200, response.text
        stats = cast.appwrite.execution_stats(response.headers["x-appwrite-execution-id"])
        return stats["requests"]

    first = cast.call(kind, "GET", "/articles", params={"tag": tag, "limit": "1"})
    assert requests_of(first) == 1
    cursor = first.json()["articles"][0]["$id"]
    second = cast.call(
        kind, "GET", "/articles", params={"tag": tag, "limit": "1", "cursor": cursor}
    )
    assert requests_of(second) == 2
