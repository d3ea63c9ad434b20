"""The `daily_stats` row of a reported day: counts read from Appwrite, written with one
upsert. Every value is recomputed from the data each time (purges from their audit rows),
so a second run writes the same row — nothing is added twice."""

from __future__ import annotations

from typing import Any

from ..shared import retry
from ..shared.articles import STATUSES, appwrite_datetime
from ..shared.tables import ARTICLES, AUDIT_LOG, DAILY_STATS, DATABASE_ID
from .purge import ARTICLE_PURGED, USER_PURGED
from .schedule import ReportDay


def _total(call: Any, deadline: float) -> int:
    return int(retry(call, deadline=deadline)["total"])


def _rows(tables: Any, table: str, queries: list[str], deadline: float) -> int:
    from appwrite.query import Query

    return _total(
        lambda: tables.list_rows(DATABASE_ID, table, [*queries, Query.limit(1)]), deadline
    )


def collect(tables: Any, users: Any, day: ReportDay, deadline: float) -> dict[str, Any]:
    """The row's columns. Users and articles by status: totals now (just after the day ended).
    `publishedThatDay`: articles whose `publishedAt` is on the reported day, whatever their
    status now. `purged*`: rows purged by the runs of the day after it (audit rows created then)."""
    from appwrite.query import Query

    def between(column: str, start, end) -> list[str]:
        return [
            Query.greater_than_equal(column, appwrite_datetime(start)),
            Query.less_than(column, appwrite_datetime(end)),
        ]

    def purged(action: str) -> int:
        return _rows(
            tables,
            AUDIT_LOG,
            [Query.equal("action", [action]), *between("$createdAt", day.end, day.run_day_end)],
            deadline,
        )

    data: dict[str, Any] = {
        "day": day.id,
        "users": _total(lambda: users.list([Query.limit(1)]), deadline),
    }
    for status in STATUSES:
        data["articles" + status.capitalize()] = _rows(
            tables, ARTICLES, [Query.equal("status", [status])], deadline
        )
    data["publishedThatDay"] = _rows(
        tables, ARTICLES, between("publishedAt", day.start, day.end), deadline
    )
    data["purgedArticles"] = purged(ARTICLE_PURGED)
    data["purgedUsers"] = purged(USER_PURGED)
    return data


def write(tables: Any, data: dict[str, Any], deadline: float) -> dict:
    """Create or update the day's row (row id = `day`)."""
    return retry(
        lambda: tables.upsert_row(DATABASE_ID, DAILY_STATS, data["day"], data), deadline=deadline
    )
