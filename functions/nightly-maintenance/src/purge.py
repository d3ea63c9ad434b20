"""Purging, one batch per call, each purged row first recorded in `audit_log`.

The audit row (`purge:article:<id>` / `purge:user:<id>`) is written *before* the delete:
a crash in between leaves the row to purge, which the next run finds and deletes again
(its audit row already exists, 409 = "already recorded"). So every purged row has exactly
one audit row, and the purge counters are counts of audit rows — never counted twice.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..shared import audit, retry
from ..shared.articles import ARCHIVED, appwrite_datetime
from ..shared.covers import delete_covers
from ..shared.tables import ARTICLES, DATABASE_ID
from ..shared.user_cleanup import delete_user_and_data

ARTICLE_PURGED = "article.purged"
USER_PURGED = "user.purged"


def purge_archived_articles(
    tables: Any, storage: Any, older_than: datetime, size: int, deadline: float
) -> list[str]:
    """Delete up to `size` archived articles archived before `older_than` (by `archivedAt`,
    or `$updatedAt` when it is empty), and their covers; their ids."""
    from appwrite.query import Query

    moment = appwrite_datetime(older_than)
    found = retry(
        lambda: tables.list_rows(
            DATABASE_ID,
            ARTICLES,
            [
                Query.equal("status", [ARCHIVED]),
                Query.or_queries(
                    [
                        Query.less_than("archivedAt", moment),
                        Query.and_queries(
                            [Query.is_null("archivedAt"), Query.less_than("$updatedAt", moment)]
                        ),
                    ]
                ),
                Query.order_asc("$sequence"),
                Query.limit(size),
            ],
        ),
        deadline=deadline,
    )["rows"]
    if not found:
        return []
    audit.record_many(
        tables,
        [
            audit.audit_entry(
                f"purge:article:{row['$id']}",
                ARTICLE_PURGED,
                actor_id=row.get("authorId"),
                subject_table=ARTICLES,
                subject_id=row["$id"],
                details={
                    "title": (row.get("title") or "")[:120],
                    "archivedAt": row.get("archivedAt") or row["$updatedAt"],
                    "cover": bool(row.get("coverMimeType")),
                },
            )
            for row in found
        ],
        deadline=deadline,
    )
    delete_covers(storage, found, deadline=deadline)  # before their rows: none outlives them
    ids = [row["$id"] for row in found]
    retry(
        lambda: tables.delete_rows(
            DATABASE_ID,
            ARTICLES,
            [
                Query.equal("$id", ids),
                Query.equal("status", [ARCHIVED]),
            ],
        ),
        deadline=deadline,
    )
    return ids


def purge_unverified_users(
    tables: Any, users: Any, storage: Any, older_than: datetime, size: int, deadline: float
) -> list[str]:
    """Delete up to `size` users who never verified their email and registered before
    `older_than`, as `DELETE /users/{id}` of accounts does (`shared.user_cleanup`):
    covers and unpublished articles, profile, then the user."""
    from appwrite.query import Query

    found = retry(
        lambda: users.list(
            [
                Query.equal("emailVerification", [False]),
                Query.less_than("$createdAt", appwrite_datetime(older_than)),
                Query.limit(size),
            ]
        ),
        deadline=deadline,
    )["users"]
    purged = []
    for user in found:
        user_id = user["$id"]
        audit.record(
            tables,
            f"purge:user:{user_id}",
            USER_PURGED,
            subject_table="users",
            subject_id=user_id,
            details={"registration": user.get("registration") or user["$createdAt"]},
            deadline=deadline,
        )
        delete_user_and_data(tables, users, storage, user_id, deadline=deadline)
        purged.append(user_id)
    return purged
