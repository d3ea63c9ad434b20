"""Articles whose team no longer counts although no `teams.*.delete` reached this function
(the event was lost, its execution failed, or the team was deleted before this function
was deployed). The schedule walks the team articles — `teamId` set — in pages of 100,
looks each team up once per run, and takes the team off every article it no longer
counts for (`stale.team_counts`).
"""

from __future__ import annotations

import time
from typing import Any

from ..shared import retry
from ..shared.gone import fetch_or_none
from ..shared.tables import ARTICLES, DATABASE_ID
from .stale import COLUMNS, PAGE, strip_row, team_counts


def sweep_team_articles(
    tables: Any, teams: Any, storage: Any, deadline: float, margin: float
) -> tuple[dict[str, Any], list[str], bool]:
    """(teams looked up → exists?, article ids stripped, whether every article was seen)."""
    from appwrite.query import Query

    known: dict[str, Any] = {}
    stripped: list[str] = []
    cursor: list[str] = []
    while time.monotonic() < deadline - margin:
        queries = [
            Query.is_not_null("teamId"),
            Query.select(COLUMNS),
            Query.order_asc("$sequence"),
            Query.limit(PAGE),
            *cursor,
        ]
        page = retry(
            lambda queries=queries: tables.list_rows(DATABASE_ID, ARTICLES, queries),
            deadline=deadline,
        )["rows"]
        for row in page:
            team_id = row["teamId"]
            if team_id not in known:
                known[team_id] = fetch_or_none(
                    lambda team_id=team_id: teams.get(team_id), deadline=deadline
                )
            if not team_counts(row, known[team_id]):
                strip_row(tables, storage, row, deadline)
                stripped.append(row["$id"])
        if len(page) < PAGE:
            return {t: team is not None for t, team in known.items()}, stripped, True
        cursor = [Query.cursor_after(page[-1]["$id"])]
    return {t: team is not None for t, team in known.items()}, stripped, False
