"""`GET /articles` as pure logic: parameters → the exact TablesDB queries, and the page."""

from __future__ import annotations

import pytest
from appwrite.query import Query

from functions.articles.shared import BadRequest  # the function's own copy of shared
from functions.articles.shared.articles import SUMMARY_COLUMNS, SUMMARY_FIELDS
from functions.articles.src.listing import (
    ListParams,
    list_queries,
    page,
    parse_list_query,
)


def test_defaults():
    assert parse_list_query({}) == ListParams(limit=25, order="newest")


def test_every_parameter_is_read():
    params = parse_list_query(
        {
            "status": "draft",
            "tag": "city",
            "authorId": "u2",
            "teamId": "desk",
            "q": "budget",
            "cursor": "abc",
            "limit": "7",
            "order": "oldest",
            "unused": "",
        }
    )
    assert params == ListParams(
        status="draft",
        tag="city",
        author_id="u2",
        team_id="desk",
        q="budget",
        cursor="abc",
        limit=7,
        order="oldest",
    )


def test_bad_parameters_are_listed_together():
    with pytest.raises(BadRequest) as info:
        parse_list_query({"limit": "-1", "order": "best"})
    assert [d["path"] for d in info.value.details] == ["/limit", "/order"]


def test_what_the_runtime_leaves_encoded_is_decoded():
    assert (
        parse_list_query({"q": "%2Bcity %3d %26 %3B 100%", "tag": "a%2Bb"}).q == "+city = & ; 100%"
    )
    assert parse_list_query({"tag": "a%2bb"}).tag == "a+b"


def test_guests_read_published_rows_only():
    """A guest's list is made with the key: the query keeps published rows."""
    assert list_queries(ListParams(), guest=True)[0] == Query.equal("status", ["published"])


def test_signed_in_callers_lists_carry_no_visibility_filter():
    """Made with the caller's JWT: the rows' read permissions decide (Appwrite applies them)."""
    assert list_queries(ListParams(), guest=False) == [
        Query.order_desc("$createdAt"),
        Query.limit(26),
        Query.select(SUMMARY_COLUMNS),
    ]


def test_list_queries_in_order():
    params = ListParams(
        status="published", tag="city", q="budget", cursor="c1", limit=10, order="published"
    )
    assert list_queries(params, guest=True) == [
        Query.equal("status", ["published"]),
        Query.equal("status", ["published"]),
        Query.contains("tags", ["city"]),
        Query.search("title", "budget"),
        Query.order_desc("publishedAt"),
        Query.order_desc("$createdAt"),
        Query.cursor_after("c1"),
        Query.limit(11),
        Query.select(SUMMARY_COLUMNS),  # a page never carries bodies
    ]


@pytest.mark.parametrize("fetched, next_cursor", [(3, "r1"), (2, None), (0, None)])
def test_page_fetches_one_extra_row_to_know_if_more_follow(fetched, next_cursor):
    rows = [{"$id": f"r{i}", "title": "t", "$permissions": []} for i in range(fetched)]
    answer = page({"rows": rows, "total": 40}, ListParams(limit=2))
    assert [a["$id"] for a in answer["articles"]] == [r["$id"] for r in rows[:2]]
    assert (answer["total"], answer["nextCursor"]) == (40, next_cursor)


def test_a_page_answers_the_summary_shape():
    row = {name: name for name in SUMMARY_FIELDS} | {
        "body": "long text",
        "enrichedAt": "x",
        "$permissions": ['read("any")'],
        "$sequence": "7",
        "$databaseId": "newsroom",
        "$tableId": "articles",
    }
    [item] = page({"rows": [row], "total": 1}, ListParams())["articles"]
    assert list(item) == list(SUMMARY_FIELDS) and "body" not in item
