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
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from ..shared import retry
from ..shared.articles import STATUSES, appwrite_datetime, parse_datetime
from ..shared.audit import record
from ..shared.gone import fetch_or_none
from ..shared.permissions import article_permissions, same_permissions
from ..shared.profiles import profile_permissions
from ..shared.tables import ARTICLES, AUDIT_LOG, DATABASE_ID, PROFILES
from .schedule import Budget

PAGE = 100
CHECKED = "permissions.checked"  # audit action of a walk that went to the end
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


def walked_since(tables: Any, deadline: float) -> str | None:
    """Rows updated before this moment were checked under the current rule (Appwrite's
    datetime text); None when no walk under it is recorded: everything is to be walked."""
    from appwrite.query import Query

    found = retry(
        lambda: tables.list_rows(
            DATABASE_ID,
            AUDIT_LOG,
            [
                Query.equal("action", [CHECKED]),
                Query.equal("subjectId", [rule_fingerprint()]),
                Query.order_desc("$createdAt"),
                Query.limit(1),
            ],
        ),
        deadline=deadline,
    )["rows"]
    if not found:
        return None
    seconds = float(json.loads(found[0].get("details") or "{}").get("seconds", 0))
    began = parse_datetime(found[0]["$createdAt"]) - timedelta(seconds=seconds)
    return appwrite_datetime(began - MARGIN)


def record_walk(
    tables: Any, now: datetime, seconds: float, since: str | None, deadline: float
) -> None:
    """The audit row of a walk that went to the end (its duration: it began that long
    before the row's `$createdAt`). A second one at the same moment is the same row."""
    fingerprint = rule_fingerprint()
    record(
        tables,
        f"permissions:checked:{fingerprint}:{appwrite_datetime(now)}",
        CHECKED,
        subject_id=fingerprint,
        details={"seconds": round(seconds, 3), "since": since},
        deadline=deadline,
    )


def migrate_permissions(
    tables: Any, budget: Budget, deadline: float, *, since: str | None = None
) -> tuple[dict[str, list[str]], bool]:
    """The ids rewritten per table, and whether both tables were walked to the end; with
    `since`, only the rows updated from that moment on (Appwrite's datetime text)."""
    from appwrite.query import Query

    fixed: dict[str, list[str]] = {table: [] for table, _, _ in TABLES}
    changed = [] if since is None else [Query.greater_than_equal("$updatedAt", since)]
    for table, columns, rule in TABLES:
        cursor: list[str] = []
        while True:
            if not budget.allows_batch():
                return fixed, False
            queries = [
                *changed,
                Query.select(columns),
                Query.order_asc("$sequence"),
                Query.limit(PAGE),
                *cursor,
            ]
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
            if len(page) < PAGE:
                break
            cursor = [Query.cursor_after(page[-1]["$id"])]
    return fixed, True


def check_permissions(
    tables: Any, budget: Budget, deadline: float, now: datetime, *, everything: bool = False
) -> tuple[dict[str, list[str]], bool]:
    """`migrate_permissions` over the rows that may have drifted since the last recorded walk
    (`everything`: all rows), recorded when it went to the end."""
    started = time.monotonic()
    since = None if everything else walked_since(tables, deadline)
    fixed, finished = migrate_permissions(tables, budget, deadline, since=since)
    if finished:
        record_walk(tables, now, time.monotonic() - started, since, deadline)
    return fixed, finished
