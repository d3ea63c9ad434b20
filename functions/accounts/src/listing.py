"""`GET /users`: query parameters → Users API queries, and the page → the answer.

Cursor pagination: the answer's `nextCursor` is the last user's id when more follow
(one extra user is fetched to know), else null; `total` counts every match.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..shared import load_schema
from ..shared.identity import public_user
from ..shared.paging import cursor_page, list_params
from ..shared.records import Frozen, set_field

QUERY_SCHEMA = load_schema(__file__, "../schemas/list-users-query.json")
DEFAULT_LIMIT = 25


class ListParams(Frozen):
    __slots__ = ("cursor", "limit", "search", "status")
    search: str | None
    status: str | None  # active | blocked
    cursor: str | None
    limit: int

    def __init__(
        self,
        search: str | None = None,
        status: str | None = None,
        cursor: str | None = None,
        limit: int = DEFAULT_LIMIT,
    ):
        set_field(self, "search", search)
        set_field(self, "status", status)
        set_field(self, "cursor", cursor)
        set_field(self, "limit", limit)


def parse_list_query(query: Mapping[str, str]) -> ListParams:
    """Validated parameters; 400 `validation_failed` with a pointer per bad parameter."""
    values = list_params(query, QUERY_SCHEMA)
    return ListParams(
        search=values.get("search"),
        status=values.get("status"),
        cursor=values.get("cursor"),
        limit=values.get("limit", DEFAULT_LIMIT),
    )


def list_queries(params: ListParams) -> list[str]:
    from appwrite.query import Query

    queries = [Query.limit(params.limit + 1)]
    if params.status is not None:
        queries.append(Query.equal("status", [params.status == "active"]))
    if params.cursor is not None:
        queries.append(Query.cursor_after(params.cursor))
    return queries


def page(result: Mapping[str, Any], params: ListParams) -> dict[str, Any]:
    users, next_cursor = cursor_page(result.get("users") or [], params.limit)
    return {
        "total": result.get("total", 0),
        "users": [public_user(u) for u in users],
        "nextCursor": next_cursor,
    }
