"""The articles that missed their enrichment: created more than `GRACE` ago and still
without `enrichedAt` (their event was lost, or its execution failed or timed out).

Appwrite does not deliver an event again, so the schedule of this function enriches
them: the same steps as the event handler, which are safe to repeat, so a sweep that
meets an execution still running for the same row changes nothing twice.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from ..shared import retry
from ..shared.articles import appwrite_datetime
from ..shared.tables import ARTICLES, DATABASE_ID

GRACE = timedelta(minutes=2)  # the normal event execution's time to finish first


def missed(tables: Any, now: datetime, limit: int, deadline: float) -> tuple[list[str], int]:
    """Ids of up to `limit` unenriched articles created before `now - GRACE`, oldest first,
    and how many there are in all."""
    from appwrite.query import Query

    found = retry(
        lambda: tables.list_rows(
            DATABASE_ID,
            ARTICLES,
            [
                Query.is_null("enrichedAt"),
                Query.less_than("$createdAt", appwrite_datetime(now - GRACE)),
                Query.order_asc("$createdAt"),
                Query.limit(limit),
                Query.select(["$id"]),
            ],
        ),
        deadline=deadline,
    )
    return [row["$id"] for row in found["rows"]], int(found["total"])
