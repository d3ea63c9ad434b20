"""`GET /articles`: query parameters → TablesDB queries; the page.

Who may read what is part of the query, never a filter over a fetched page, so `total`
and cursor pagination stay right. A signed-in caller's list is made **with the caller's
own JWT**: Appwrite then applies the rows' read permissions, which are the access
matrix's read column (`shared.permissions.article_permissions`: published → `any`;
otherwise the author, the article's team — Appwrite evaluates `team:T` against the
current confirmed memberships — and `label:admin`). So a user sees published rows, their
own and their teams'; a site admin every row; and the JWT is verified by the same call.
A guest's list is made with the execution's key and keeps only published rows.
`nextCursor` is the last row's id when more follow (one extra row is fetched to know),
else null.

Orders: `newest` ($createdAt, newest first; the default), `oldest` ($createdAt, oldest
first), `published` (publishedAt, latest first; unpublished rows last).

Each article is answered in the summary shape (`shared.articles.SUMMARY_FIELDS`: no
`body`), and only those columns are fetched (`Query.select`), so a page of 100 stays
around a megabyte whatever the articles hold.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from appwrite.query import Query

from ..shared import load_schema
from ..shared.articles import PUBLISHED, SUMMARY_COLUMNS, summary_of
from ..shared.paging import cursor_page, list_params
from ..shared.records import Frozen, set_field

QUERY_SCHEMA = load_schema(__file__, "../schemas/list-query.json")
DEFAULT_LIMIT = 25
ORDERS = {
    "newest": (Query.order_desc("$createdAt"),),
    "oldest": (Query.order_asc("$createdAt"),),
    "published": (Query.order_desc("publishedAt"), Query.order_desc("$createdAt")),
}


class ListParams(Frozen):
    __slots__ = ("author_id", "cursor", "limit", "order", "q", "status", "tag", "team_id")
    status: str | None
    tag: str | None
    author_id: str | None
    team_id: str | None
    q: str | None
    cursor: str | None
    limit: int
    order: str

    def __init__(
        self,
        status: str | None = None,
        tag: str | None = None,
        author_id: str | None = None,
        team_id: str | None = None,
        q: str | None = None,
        cursor: str | None = None,
        limit: int = DEFAULT_LIMIT,
        order: str = "newest",
    ):
        set_field(self, "status", status)
        set_field(self, "tag", tag)
        set_field(self, "author_id", author_id)
        set_field(self, "team_id", team_id)
        set_field(self, "q", q)
        set_field(self, "cursor", cursor)
        set_field(self, "limit", limit)
        set_field(self, "order", order)


def parse_list_query(query: Mapping[str, str]) -> ListParams:
    """Validated parameters; 400 `validation_failed` with a pointer per bad parameter."""
    values = list_params(query, QUERY_SCHEMA)
    return ListParams(
        status=values.get("status"),
        tag=values.get("tag"),
        author_id=values.get("authorId"),
        team_id=values.get("teamId"),
        q=values.get("q"),
        cursor=values.get("cursor"),
        limit=values.get("limit", DEFAULT_LIMIT),
        order=values.get("order", "newest"),
    )


def list_queries(params: ListParams, guest: bool) -> list[str]:
    """The list's queries. A guest's list (made with the key) keeps published rows only; a
    signed-in caller's list is made with their JWT, so the rows' read permissions decide."""
    queries = [Query.equal("status", [PUBLISHED])] if guest else []
    if params.status is not None:
        queries.append(Query.equal("status", [params.status]))
    if params.tag is not None:
        queries.append(Query.contains("tags", [params.tag]))
    if params.author_id is not None:
        queries.append(Query.equal("authorId", [params.author_id]))
    if params.team_id is not None:
        queries.append(Query.equal("teamId", [params.team_id]))
    if params.q is not None:
        queries.append(Query.search("title", params.q))
    queries += ORDERS[params.order]
    if params.cursor is not None:
        queries.append(Query.cursor_after(params.cursor))
    queries.append(Query.limit(params.limit + 1))
    queries.append(Query.select(SUMMARY_COLUMNS))
    return queries


def page(result: Mapping[str, Any], params: ListParams) -> dict[str, Any]:
    rows, next_cursor = cursor_page(result.get("rows") or [], params.limit)
    return {
        "articles": [summary_of(row) for row in rows],
        "total": result.get("total", 0),
        "nextCursor": next_cursor,
    }
