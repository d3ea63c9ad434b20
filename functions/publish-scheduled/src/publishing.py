"""Finding due articles and publishing them, as `POST /articles/{id}/publish` does
(`shared.articles.publish_changes`: status, `publishedAt`, public read — for their covers
too, `shared.covers`, with scope `files.write`).

Round trips: one list, then one bulk update by query per 100 due articles (Appwrite's
`updateRows`, which answers at most 100 rows), plus one Storage call per published article
that has a cover. The update's queries repeat the conditions (`$id` among those listed,
still `scheduled`, `publishAt` passed), so an article published, rescheduled, archived or
deleted by someone else since the list is left alone — the row is re-checked by the
database in the same statement that writes it — and a second run publishes nothing twice.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from ..shared import retry
from ..shared.articles import PUBLISHED, SCHEDULED, appwrite_datetime, is_due, publish_changes
from ..shared.covers import change_article, has_cover, set_cover_permissions
from ..shared.errors import to_http
from ..shared.gone import fetch_or_none
from ..shared.records import Record
from ..shared.tables import ARTICLES, DATABASE_ID

CHUNK = 100  # rows per bulk update (the most Appwrite answers of one)


class Outcome(Record):
    __slots__ = ("failed", "postponed", "published", "skipped")
    published: list[str]
    skipped: list[str]
    failed: list[str]
    postponed: list[str]

    def __init__(
        self,
        published: list[str] | None = None,
        skipped: list[str] | None = None,
        failed: list[str] | None = None,
        postponed: list[str] | None = None,
    ):
        self.published = [] if published is None else published
        self.skipped = [] if skipped is None else skipped
        self.failed = [] if failed is None else failed
        self.postponed = [] if postponed is None else postponed


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


def publish_all(
    tables: Any,
    storage: Any,
    due: list[dict],
    now: datetime,
    deadline: float,
    log: Any,
    *,
    time_left: Callable[[], bool],
) -> Outcome:
    """Publish the listed `due` articles that are still due, in chunks of 100 (one bulk
    update each) while `time_left()`; their covers follow. A chunk whose bulk update fails
    is published article by article, so one bad article does not hold back the others."""
    outcome = Outcome()
    for start in range(0, len(due), CHUNK):
        chunk = due[start : start + CHUNK]
        if not time_left():
            outcome.postponed += [row["$id"] for row in chunk]
            continue
        try:
            published = _publish_chunk(tables, chunk, now, deadline)
        except Exception as exc:
            log.error("bulk publish failed", error=to_http(exc).code, articles=len(chunk))
            _one_by_one(tables, storage, chunk, now, deadline, log, outcome, time_left)
            continue
        for row in chunk:
            done = published.get(row["$id"])
            (outcome.published if done else outcome.skipped).append(row["$id"])
            if done and has_cover(done):
                _publish_cover(storage, done, deadline, log)
    return outcome


def _publish_chunk(tables: Any, chunk: list[dict], now: datetime, deadline: float) -> dict:
    """One bulk update of the chunk's still-due rows; the rows it published, by id."""
    from appwrite.query import Query

    changes = [publish_changes(row, now) for row in chunk]
    if len({json.dumps(c, sort_keys=True) for c in changes}) != 1:  # the rule never does this
        raise ValueError("the articles of one chunk would not be published alike")
    data = {**changes[0]["data"], "$permissions": changes[0]["permissions"]}
    ids = [row["$id"] for row in chunk]
    queries = [
        Query.equal("$id", ids),
        Query.equal("status", [SCHEDULED]),
        Query.less_than_equal("publishAt", appwrite_datetime(now)),
        Query.limit(len(ids)),
    ]
    attempts = 0

    def update() -> dict:
        nonlocal attempts
        attempts += 1
        return tables.update_rows(DATABASE_ID, ARTICLES, data, queries)

    rows = retry(update, deadline=deadline)["rows"]
    published = {row["$id"]: row for row in rows}
    missing = [i for i in ids if i not in published]
    if attempts > 1 and missing:  # a lost answer: an earlier attempt may have published them
        published.update(_published_at(tables, missing, data["publishedAt"], deadline))
    return published


def _published_at(tables: Any, ids: list[str], published_at: str, deadline: float) -> dict:
    """Those of `ids` published at exactly `published_at` (by this run)."""
    from appwrite.query import Query

    found = retry(
        lambda: tables.list_rows(
            DATABASE_ID,
            ARTICLES,
            [
                Query.equal("$id", ids),
                Query.equal("status", [PUBLISHED]),
                Query.equal("publishedAt", [published_at]),
                Query.limit(len(ids)),
            ],
        ),
        deadline=deadline,
    )
    return {row["$id"]: row for row in found["rows"]}


def _publish_cover(storage: Any, row: dict, deadline: float, log: Any) -> None:
    """The cover of an article just made public: public too (after its row, so never more
    readable than the article); a failure is logged and left to the nightly repair."""
    try:
        set_cover_permissions(storage, row["$id"], row["$permissions"], deadline=deadline)
    except Exception as exc:
        log.error("cover permissions not updated", article=row["$id"], error=to_http(exc).code)


def _one_by_one(
    tables: Any,
    storage: Any,
    chunk: list[dict],
    now: datetime,
    deadline: float,
    log: Any,
    outcome: Outcome,
    time_left: Callable[[], bool],
) -> None:
    for row in chunk:
        if not time_left():
            outcome.postponed.append(row["$id"])
            continue
        try:
            done = publish_if_due(tables, storage, row["$id"], now, deadline, log)
        except Exception as exc:
            outcome.failed.append(row["$id"])
            log.error("could not publish", row=row["$id"], error=to_http(exc).code)
            continue
        (outcome.published if done else outcome.skipped).append(row["$id"])


def publish_if_due(
    tables: Any, storage: Any, row_id: str, now: datetime, deadline: float, log: Any = None
) -> dict | None:
    """Publish one article if it is still due when re-read; the published row, or None when
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


def seconds_left(deadline: float, margin: float) -> Callable[[], bool]:
    """Whether there is still time to start something: `margin` seconds before `deadline`."""
    return lambda: time.monotonic() <= deadline - margin
