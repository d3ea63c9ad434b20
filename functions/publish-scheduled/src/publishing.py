"""Finding due articles and publishing one of them, as `POST /articles/{id}/publish` does
(`shared.articles.publish_changes`: status, `publishedAt`, public read — for its cover too,
`shared.covers`, with scope `files.write`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..shared import retry
from ..shared.articles import SCHEDULED, appwrite_datetime, is_due, publish_changes
from ..shared.covers import change_article
from ..shared.gone import fetch_or_none
from ..shared.tables import ARTICLES, DATABASE_ID


def due_articles(tables: Any, now: datetime, limit: int, deadline: float) -> tuple[list[dict], int]:
    """Up to `limit` scheduled articles with `publishAt` ≤ `now`, earliest first, and how
    many are due in all (Appwrite counts up to 5000)."""
    from appwrite.query import Query

    found = retry(
        lambda: tables.list_rows(
            DATABASE_ID,
            ARTICLES,
            [
                Query.equal("status", [SCHEDULED]),
                Query.less_than_equal("publishAt", appwrite_datetime(now)),
                Query.order_asc("publishAt"),
                Query.order_asc("$sequence"),
                Query.limit(limit),
            ],
        ),
        deadline=deadline,
    )
    return found["rows"], int(found["total"])


def publish_if_due(
    tables: Any, storage: Any, row_id: str, now: datetime, deadline: float, log: Any = None
) -> dict | None:
    """Publish the article if it is still due when re-read; the published row, or None when
    it was published, rescheduled, archived or deleted by someone else meanwhile. Its cover,
    if it has one, becomes public with it (row first: `shared.covers.change_article`)."""
    row = fetch_or_none(lambda: tables.get_row(DATABASE_ID, ARTICLES, row_id), deadline=deadline)
    if row is None or not is_due(row, now):
        return None
    changes = publish_changes(row, now)
    return change_article(
        storage,
        row,
        changes["permissions"],
        lambda: retry(
            lambda: tables.update_row(DATABASE_ID, ARTICLES, row_id, **changes), deadline=deadline
        ),
        deadline=deadline,
        log=log,
    )
