"""Deleting a user together with what is theirs — the one implementation, used by
`accounts` (`DELETE /users/{id}`) and `nightly-maintenance` (purging unverified users).

In this order, each step safe to repeat (already gone = done), the user last, so a
failure half-way leaves something that the next attempt simply deletes again:

1. the covers of the user's unpublished articles (one page of 100 articles with a cover
   listed at a time; `shared.covers`), so that none outlives its article;
2. the user's unpublished articles (`draft`, `scheduled`, `archived`), one bulk
   `delete_rows` by query — published articles stay (their `authorId` keeps the old id),
   with their covers;
3. the profile row;
4. the user.

Team memberships, sessions and tokens are Appwrite's to remove: its deletes worker does
that once the user is deleted (and lowers each team's member count).
"""

from __future__ import annotations

import math
from typing import Any

from .covers import delete_covers
from .gone import delete_if_present
from .retry import retry
from .tables import ARTICLES, DATABASE_ID, PROFILES

UNPUBLISHED = ("draft", "scheduled", "archived")
PAGE = 100


def delete_user_and_data(
    tables: Any, users: Any, storage: Any, user_id: str, *, deadline: float = math.inf
) -> dict[str, Any]:
    """`{"userId", "profileDeleted", "articlesDeleted", "coversDeleted"}` once the user and
    their data are gone.

    `tables` needs `rows.read` and `rows.write`, `users` `users.write`, `storage` `files.write`.
    """
    from appwrite.query import Query

    unpublished = [Query.equal("authorId", [user_id]), Query.equal("status", list(UNPUBLISHED))]
    covers = _delete_covers(tables, storage, unpublished, deadline)
    articles = retry(
        lambda: tables.delete_rows(DATABASE_ID, ARTICLES, unpublished), deadline=deadline
    )
    profile_deleted = delete_if_present(
        lambda: tables.delete_row(DATABASE_ID, PROFILES, user_id), deadline=deadline
    )
    delete_if_present(lambda: users.delete(user_id), deadline=deadline)
    return {
        "userId": user_id,
        "profileDeleted": profile_deleted,
        "articlesDeleted": int(articles.get("total", 0)),
        "coversDeleted": covers,
    }


def _delete_covers(tables: Any, storage: Any, articles: list[str], deadline: float) -> int:
    """Delete the covers of the articles these queries find (those whose row records one)."""
    from appwrite.query import Query

    deleted, cursor = 0, []
    while True:
        queries = [
            *articles,
            Query.is_not_null("coverMimeType"),
            Query.select(["coverMimeType"]),
            Query.order_asc("$sequence"),
            Query.limit(PAGE),
            *cursor,
        ]
        page = retry(
            lambda queries=queries: tables.list_rows(DATABASE_ID, ARTICLES, queries),
            deadline=deadline,
        )["rows"]
        deleted += len(delete_covers(storage, page, deadline=deadline))
        if len(page) < PAGE:
            return deleted
        cursor = [Query.cursor_after(page[-1]["$id"])]
