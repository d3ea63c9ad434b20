"""The permission migration: every article and profile row gets the `$permissions` the
current rule gives it (read only — DESIGN §4), whatever version of the functions wrote it.

Rows made by older versions carry `update`/`delete` for their users; those let a user
rewrite any column and the row's permissions directly. This sweep walks both tables in
pages of 100 (`$sequence` order, only the columns the rule needs) and rewrites the rows
whose permissions differ. Idempotent: a second run finds nothing to change and writes
nothing. A row to fix is read again just before the write, so an article published or
archived meanwhile gets the permissions of its new status; its `$updatedAt` is kept.

**Incremental.** A row's permissions can only go wrong by a write, and a write moves its
`$updatedAt` (only this sweep keeps it, and it writes the rule's permissions). So a walk
that went to the end is recorded (an `audit_log` row, action `permissions.checked`, subject
the rule's fingerprint, details: how long the walk took), and the nightly run only walks
the rows updated since the last recorded walk under the same rule began — the start is
taken from the audit row's `$createdAt` (Appwrite's clock, like `$updatedAt`), less the
walk's duration and an hour of margin. A night with no writes costs one page per table,
whatever the row count. The first run of a rule (a new version that changes it, or no
walk recorded yet) walks everything, and so does `POST /migrations/permissions`.

**Resumed.** A walk the time budget cuts short records where it stopped (an `audit_log` row,
action `permissions.progress`: the table, the last `$sequence` walked, when the walk began
and which rows it walks); the next run carries on after that row instead of starting
again, so a walk longer than one night's budget still ends. When it does, the walk is
recorded as begun when its first part began: the rows updated during the nights it took
are walked again the night after.

**Covers.** The walk checks the covers too (covers.py): the covers of the articles it walks,
then, as a third part, the files of bucket `covers` updated since the last walk (all of them
on a whole walk) — orphans removed, permissions repaired. After a walk that ended, a
rolling check of `pages` pages of the bucket carries on where the last night's stopped
(recorded with the walk: `details.rolling`), the backstop for a cover whose article's
deletion event was lost.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from ..shared import retry
from ..shared.articles import STATUSES, appwrite_datetime, parse_datetime
from ..shared.audit import record
from ..shared.gone import fetch_or_none
from ..shared.permissions import article_permissions, same_permissions
from ..shared.profiles import profile_permissions
from ..shared.tables import ARTICLES, AUDIT_LOG, COVERS, DATABASE_ID, PROFILES
from .covers import Found, check_files, files_page, repair_covers, rolling_check
from .schedule import Budget

PAGE = 100
CHECKED = "permissions.checked"  # audit action of a walk that went to the end
PROGRESS = "permissions.progress"  # audit action of a walk cut short: where it stopped
MARGIN = timedelta(hours=1)  # walked again before the last walk began (clock skew, races)


def _article_rule(row: dict) -> list[str] | None:
    if not row.get("authorId") or not row.get("status"):
        return None  # not an article the rule can place; left for an admin
    return article_permissions(row["authorId"], row.get("teamId"), row["status"])


def _profile_rule(row: dict) -> list[str] | None:
    return profile_permissions(row["$id"])


TABLES: list[tuple[str, list[str], Callable[[dict], list[str] | None]]] = [
    (ARTICLES, ["authorId", "teamId", "status"], _article_rule),
    (PROFILES, ["$id"], _profile_rule),
]
PARTS = [*(table for table, _, _ in TABLES), COVERS]  # a walk's parts: the tables, the files


def _fix(tables: Any, table: str, row_id: str, rule, deadline: float) -> bool:
    """Re-read the row and write the rule's permissions if they still differ."""
    row = fetch_or_none(lambda: tables.get_row(DATABASE_ID, table, row_id), deadline=deadline)
    if row is None:
        return False
    wanted = rule(row)
    if wanted is None or same_permissions(row["$permissions"], wanted):
        return False
    # `$updatedAt` kept (an API key may set it): new permissions are no change of content,
    # and the purge of archived articles without `archivedAt` goes by `$updatedAt`.
    keep = {"$updatedAt": row["$updatedAt"]}
    retry(
        lambda: tables.update_row(DATABASE_ID, table, row_id, keep, permissions=wanted),
        deadline=deadline,
    )
    return True


def rule_fingerprint() -> str:
    """A digest of what the rule gives every kind of row: it changes when the rule does."""
    sample = [
        article_permissions("author", team, status)
        for team in (None, "team")
        for status in STATUSES
    ] + [profile_permissions("user")]
    return hashlib.sha256(json.dumps(sample).encode()).hexdigest()[:16]


class Walk:
    """Where a permission walk starts: the rows it walks (`since`: updated from then on, or
    None for all), the part (`PARTS` index) and the `$sequence` (a table) or file id (the
    covers) it carries on after (a walk cut short), when it began (the Appwrite datetime text
    of its first part; None: now), and the file id the covers' rolling check carries on
    after (None: the first file)."""

    __slots__ = ("after", "began", "rolling", "since", "table")

    def __init__(
        self,
        since: str | None = None,
        table: int = 0,
        after: int | str | None = None,
        began: str | None = None,
        rolling: str | None = None,
    ):
        self.since = since
        self.table = table
        self.after = after
        self.began = began
        self.rolling = rolling

    def stopped_at(self, table: int, after: int | str | None) -> Walk:
        """This walk, cut short before the rows (files) after `after` of part `table`."""
        return Walk(self.since, table, after, self.began, self.rolling)


def _latest(tables: Any, deadline: float) -> dict | None:
    """The newest audit row of a walk under the current rule: ended or cut short."""
    from appwrite.query import Query

    found = retry(
        lambda: tables.list_rows(
            DATABASE_ID,
            AUDIT_LOG,
            [
                Query.equal("action", [CHECKED, PROGRESS]),
                Query.equal("subjectId", [rule_fingerprint()]),
                Query.order_desc("$createdAt"),
                Query.limit(1),
            ],
        ),
        deadline=deadline,
    )["rows"]
    return found[0] if found else None


def next_walk(tables: Any, deadline: float) -> Walk:
    """The walk tonight: the rest of one cut short, or the rows updated since the last walk
    that ended began (less `MARGIN`), or everything when none is recorded."""
    latest = _latest(tables, deadline)
    if latest is None:
        return Walk()
    details = json.loads(latest.get("details") or "{}")
    rolling = details.get("rolling")
    if not isinstance(rolling, str):
        rolling = None
    if latest.get("action") == PROGRESS:
        part = details.get("table")
        after = details.get("after")
        kind = str if part == COVERS else int
        if part in PARTS and (after is None or type(after) is kind):
            return Walk(
                details.get("since"), PARTS.index(part), after, details.get("began"), rolling
            )
        return Walk()  # a record this version cannot read: walk everything
    seconds = float(details.get("seconds", 0))
    began = parse_datetime(latest["$createdAt"]) - timedelta(seconds=seconds)
    return Walk(appwrite_datetime(began - MARGIN), rolling=rolling)


def record_walk(tables: Any, now: datetime, seconds: float, walk: Walk, deadline: float) -> None:
    """The audit row of a walk that went to the end (its duration: it began that long
    before the row's `$createdAt`; where the covers' rolling check carries on). A second one
    at the same moment is the same row."""
    fingerprint = rule_fingerprint()
    record(
        tables,
        f"permissions:checked:{fingerprint}:{appwrite_datetime(now)}",
        CHECKED,
        subject_id=fingerprint,
        details={"seconds": round(seconds, 3), "since": walk.since, "rolling": walk.rolling},
        deadline=deadline,
    )


def record_progress(tables: Any, now: datetime, walk: Walk, deadline: float) -> None:
    """The audit row of a walk cut short: where the next run carries on."""
    fingerprint = rule_fingerprint()
    record(
        tables,
        f"permissions:progress:{fingerprint}:{appwrite_datetime(now)}",
        PROGRESS,
        subject_id=fingerprint,
        details={
            "table": PARTS[walk.table],
            "after": walk.after,
            "began": walk.began,
            "since": walk.since,
            "rolling": walk.rolling,
        },
        deadline=deadline,
    )


def _walk_files(
    tables: Any,
    storage: Any,
    budget: Budget,
    deadline: float,
    walk: Walk,
    changed: list,
    limit: int,
    found: Found,
) -> Walk | None:
    """The walk's last part: the files updated since it began (all of them: `changed` is
    empty), checked against their articles (covers.check_files); where it stopped, or None."""
    position = PARTS.index(COVERS)
    after = walk.after if walk.table == position else None
    while True:
        if not budget.allows_batch():
            return walk.stopped_at(position, after)
        files = files_page(storage, changed, after, deadline)
        budget.spent()
        if not check_files(tables, storage, files, limit, found, deadline):
            return walk.stopped_at(position, after)  # this page again, next run
        if len(files) < PAGE:
            return None
        after = files[-1]["$id"]


def migrate_permissions(
    tables: Any,
    storage: Any,
    budget: Budget,
    deadline: float,
    walk: Walk,
    limit: int,
    found: Found,
) -> tuple[dict[str, list[str]], Walk | None]:
    """The ids rewritten per table, and where the walk stopped (None: both tables and the
    covers walked to the end); `walk` says which rows (`since`) and where to start. Covers
    repaired and orphans removed (at most `limit`) go to `found`."""
    from appwrite.query import Query

    fixed: dict[str, list[str]] = {table: [] for table, _, _ in TABLES}
    changed = [] if walk.since is None else [Query.greater_than_equal("$updatedAt", walk.since)]
    for position in range(walk.table, len(TABLES)):
        table, columns, rule = TABLES[position]
        after = walk.after if position == walk.table else None
        while True:
            if not budget.allows_batch():
                return fixed, walk.stopped_at(position, after)
            queries = [*changed, Query.select(columns), Query.order_asc("$sequence")]
            if after is not None:  # by `$sequence`, not a cursor row: that row may be purged
                queries.append(Query.greater_than("$sequence", after))
            queries.append(Query.limit(PAGE))
            page = retry(
                lambda table=table, queries=queries: tables.list_rows(DATABASE_ID, table, queries),
                deadline=deadline,
            )["rows"]
            budget.spent()
            for row in page:
                wanted = rule(row)
                stale = wanted is not None and not same_permissions(row["$permissions"], wanted)
                if stale and _fix(tables, table, row["$id"], rule, deadline):
                    fixed[table].append(row["$id"])
            if table == ARTICLES:
                repair_covers(storage, page, found, deadline)
            if len(page) < PAGE:
                break
            after = int(page[-1]["$sequence"])
    stopped = _walk_files(tables, storage, budget, deadline, walk, changed, limit, found)
    return fixed, stopped


def check_permissions(
    tables: Any,
    storage: Any,
    budget: Budget,
    deadline: float,
    now: datetime,
    *,
    found: Found,
    everything: bool = False,
    limit: int = 0,
    rolling_pages: int = 0,
) -> tuple[dict[str, list[str]], bool]:
    """`migrate_permissions` over the rows and covers that may have drifted since the last
    walk that ended (`everything`: all of them), carrying on a walk cut short; then, after a
    walk of the drifted ones that ended, `rolling_pages` pages of the covers' rolling check.
    Recorded when it ends, and where it stopped when it does not. At most `limit` orphan
    covers are removed (0: none); they, and the covers repaired, go to `found`."""
    if everything:  # every row and cover; the rolling check's place is kept (below)
        walk = Walk(rolling=next_walk(tables, deadline).rolling)
    else:
        walk = next_walk(tables, deadline)
    walk.began = walk.began or appwrite_datetime(now)
    fixed, stopped = migrate_permissions(tables, storage, budget, deadline, walk, limit, found)
    if stopped is not None:
        if (stopped.table, stopped.after) != (walk.table, walk.after):  # it got somewhere
            record_progress(tables, now, stopped, deadline)
        return fixed, False
    if walk.since is not None:
        walk.rolling = rolling_check(
            tables, storage, walk.rolling, rolling_pages, limit, found, budget, deadline
        )
    elif limit:  # every cover was just checked, orphans removed: the rolling check restarts
        walk.rolling = None
    # (a whole walk that removed no orphan — `POST /migrations/permissions` — leaves the
    # rolling check where it was: the orphans it is there for are still to be found)
    ended = datetime.now(UTC)
    seconds = max(0.0, (ended - parse_datetime(walk.began)).total_seconds())
    record_walk(tables, now, seconds, walk, deadline)
    return fixed, True
