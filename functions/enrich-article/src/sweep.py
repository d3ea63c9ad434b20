"""The articles that missed their enrichment: created more than `GRACE` ago and still
without `enrichedAt` (their event was lost, or its execution failed or timed out).

Appwrite does not deliver an event again, so the schedule of this function enriches
them: the same steps as the event handler, which are safe to repeat, so a sweep that
meets an execution still running for the same row changes nothing twice.

The listing gives the ids; the rows themselves, with the columns enrichment derives from,
are read `PAGE` at a time (an article's `body` may hold up to 16 MiB), and each is enriched
from its row as read, like the event handler from the event's body: no re-read.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from ..shared import retry
from ..shared.articles import appwrite_datetime
from ..shared.errors import to_http
from ..shared.tables import ARTICLES, DATABASE_ID
from .enrich import ROW_FIELDS

GRACE = timedelta(minutes=2)  # the normal event execution's time to finish first
PAGE = 10  # rows read at once


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


def listed(
    tables: Any, ids: list[str], deadline: float, log: Any
) -> Iterator[tuple[str, dict | None]]:
    """Each of `ids` with its row (the columns of `ROW_FIELDS`), read a page at a time as the
    caller goes on; None for a row deleted or enriched since the listing. A page that cannot
    be read gives its ids alone: `enrich` then reads each row itself."""
    from appwrite.query import Query

    for start in range(0, len(ids), PAGE):
        page = ids[start : start + PAGE]
        try:
            found = retry(
                lambda page=page: tables.list_rows(
                    DATABASE_ID,
                    ARTICLES,
                    [
                        Query.equal("$id", page),
                        Query.is_null("enrichedAt"),
                        Query.select(list(ROW_FIELDS)),
                        Query.limit(len(page)),
                    ],
                ),
                deadline=deadline,
            )
        except Exception as exc:
            log.warning("could not read missed articles", rows=page, error=to_http(exc).code)
            rows = {row_id: {"$id": row_id} for row_id in page}
        else:
            rows = {row["$id"]: row for row in found["rows"]}
        for row_id in page:
            yield row_id, rows.get(row_id)
