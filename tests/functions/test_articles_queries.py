"""`GET /articles` as pure logic: parameters → the exact TablesDB queries, and the page."""

from __future__ import annotations

import json

import pytest
from appwrite.query import Query

from functions.articles.shared import BadRequest, Identity  # the function's own copy of shared
from functions.articles.shared.articles import SUMMARY_COLUMNS, SUMMARY_FIELDS
from functions.articles.src.listing import (
    ListParams,
    list_queries,
    page,
    parse_list_query,
    readable_by,
)

USER = Identity(id="u1", email="u1@example.com", name="U")
ADMIN = Identity(id="a1", email="a1@example.com", name="A", labels=("admin",))


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
    assert readable_by(None, ["desk"]) == [Query.equal("status", ["published"])]


def test_site_admins_read_everything():
    assert readable_by(ADMIN, []) == []


def test_users_read_published_own_and_team_rows():
    [only] = readable_by(USER, ["desk", "arts"])
    assert only == Query.or_queries(
        [
            Query.equal("status", ["published"]),
            Query.equal("authorId", ["u1"]),
            Query.equal("teamId", ["arts", "desk"]),
        ]
    )


def test_many_teams_are_split_into_queries_of_at_most_100_values():
    [only] = readable_by(USER, [f"t{i:03}" for i in range(250)])
    team_queries = [q for q in json.loads(only)["values"] if q["attribute"] == "teamId"]
    assert [len(q["values"]) for q in team_queries] == [100, 100, 50]


def test_list_queries_in_order():
    params = ListParams(
        status="published", tag="city", q="budget", cursor="c1", limit=10, order="published"
    )
    assert list_queries(params, None, []) == [
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
