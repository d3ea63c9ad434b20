"""When an article's team no longer counts, and taking the team off the article.

An article's `teamId` is set when it is created, by a confirmed member, so its team
existed then. The team counts for the article only while a team with that id exists
**and was created no later than the article**: a team created after the article is a
new team that reused the id (team ids are chosen by clients), and inherits nothing.

Taking the team off an article: `teamId` cleared and the row's permissions recomputed
without the team (`shared.permissions.article_permissions`); the article stays its
author's, with its status. One `update_row` per article, and one `update_file` before it
when the article has a cover (`shared.covers`: the cover loses the team first).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from ..shared import retry
from ..shared.articles import appwrite_datetime, parse_datetime
from ..shared.covers import change_article
from ..shared.permissions import article_permissions
from ..shared.tables import ARTICLES, DATABASE_ID

PAGE = 100
COLUMNS = ["authorId", "teamId", "status", "coverMimeType"]  # the rule's inputs; a cover?


def team_counts(article: Mapping[str, Any], team: Mapping[str, Any] | None) -> bool:
    """Whether `team` (the Team model, None when it does not exist) is the article's team."""
    if team is None:
        return False
    return parse_datetime(team["$createdAt"]) <= parse_datetime(article["$createdAt"])


def strip_row(tables: Any, storage: Any, row: Mapping[str, Any], deadline: float) -> dict:
    """Clear the article's team and its team permissions — its cover's first (a failure then
    leaves the row with its team, for the next sweep to strip again)."""
    permissions = article_permissions(row["authorId"], None, row["status"])
    return change_article(
        storage,
        row,
        permissions,
        lambda: retry(
            lambda: tables.update_row(
                DATABASE_ID, ARTICLES, row["$id"], {"teamId": None}, permissions
            ),
            deadline=deadline,
        ),
        deadline=deadline,
    )


def strip_team(
    tables: Any,
    storage: Any,
    team_id: str,
    created_before: str | None,
    deadline: float,
    margin: float,
) -> tuple[list[str], bool]:
    """Take team `team_id` off its articles (only those created before `created_before`, the
    creation of a team that reuses the id, when there is one). The ids done, and whether
    none is left."""
    from appwrite.query import Query

    queries = [Query.equal("teamId", [team_id]), Query.select(COLUMNS), Query.limit(PAGE)]
    if created_before is not None:
        moment = appwrite_datetime(parse_datetime(created_before))
        queries.insert(1, Query.less_than("$createdAt", moment))
    done: list[str] = []
    while time.monotonic() < deadline - margin:
        page = retry(lambda: tables.list_rows(DATABASE_ID, ARTICLES, queries), deadline=deadline)[
            "rows"
        ]
        fresh = [row for row in page if row["$id"] not in done]
        for row in fresh:
            strip_row(tables, storage, row, deadline)
            done.append(row["$id"])
        if len(page) < PAGE or not fresh:
            return done, True
    return done, False
