"""Users without a profile row: their `users.*.create` event was lost, or its execution
failed (Appwrite does not deliver an event again), or they were made before this
function existed. The schedule walks the users, newest first, 100 at a time: one Users
list and one profile lookup per page, and a create (the same create-or-keep as the event)
for each user whose profile is missing.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from ..shared import retry
from ..shared.articles import appwrite_datetime
from ..shared.tables import DATABASE_ID, PROFILES

PAGE = 100
GRACE = timedelta(minutes=2)  # the normal event execution's time to finish first


def user_pages(users: Any, now: datetime, deadline: float, margin: float) -> Iterator[list[dict]]:
    """Pages of users created before `now - GRACE`, newest first, while time allows."""
    from appwrite.query import Query

    before = appwrite_datetime(now - GRACE)
    cursor: list[str] = []
    while time.monotonic() < deadline - margin:
        queries = [
            Query.less_than("$createdAt", before),
            Query.order_desc("$createdAt"),
            Query.limit(PAGE),
            *cursor,
        ]
        page = retry(lambda queries=queries: users.list(queries), deadline=deadline)["users"]
        if page:
            yield page
        if len(page) < PAGE:
            return
        cursor = [Query.cursor_after(page[-1]["$id"])]


def without_profile(tables: Any, page: list[dict], deadline: float) -> list[dict]:
    """The users of `page` that have no profile row."""
    from appwrite.query import Query

    ids = [user["$id"] for user in page]
    found = retry(
        lambda: tables.list_rows(
            DATABASE_ID,
            PROFILES,
            [Query.equal("$id", ids), Query.select(["$id"]), Query.limit(len(ids))],
        ),
        deadline=deadline,
    )
    have = {row["$id"] for row in found["rows"]}
    return [user for user in page if user["$id"] not in have]
