"""The permission migration: every article and profile row gets the `$permissions` the
current rule gives it (read only — DESIGN §4), whatever version of the functions wrote it.

Rows made by older versions carry `update`/`delete` for their users; those let a user
rewrite any column and the row's permissions directly. This sweep walks both tables in
pages of 100 (`$sequence` order, only the columns the rule needs) and rewrites the rows
whose permissions differ. Idempotent: a second run finds nothing to change and writes
nothing. A row to fix is read again just before the write, so an article published or
archived meanwhile gets the permissions of its new status; its `$updatedAt` is kept.

It runs first in every nightly run (see README.md): the first night after an upgrade
migrates the old rows, later nights only read, and repair any drift (for instance a
status change that raced with a team clean-up).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..shared import retry
from ..shared.gone import fetch_or_none
from ..shared.permissions import article_permissions, same_permissions
from ..shared.profiles import profile_permissions
from ..shared.tables import ARTICLES, DATABASE_ID, PROFILES
from .schedule import Budget

PAGE = 100


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


def migrate_permissions(
    tables: Any, budget: Budget, deadline: float
) -> tuple[dict[str, list[str]], bool]:
    """The ids rewritten per table, and whether both tables were walked to the end."""
    from appwrite.query import Query

    fixed: dict[str, list[str]] = {table: [] for table, _, _ in TABLES}
    for table, columns, rule in TABLES:
        cursor: list[str] = []
        while True:
            if not budget.allows_batch():
                return fixed, False
            queries = [
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
