"""Deleting a user together with what is theirs — the one implementation, used by
`accounts` (`DELETE /users/{id}`) and `nightly-maintenance` (purging unverified users).

In this order, each step safe to repeat (already gone = done), the user last, so a
failure half-way leaves something that the next attempt simply deletes again:

1. the user's unpublished articles (`draft`, `scheduled`, `archived`), one bulk
   `delete_rows` by query — published articles stay (their `authorId` keeps the old id);
2. the profile row;
3. the user.

Team memberships, sessions and tokens are Appwrite's to remove: its deletes worker does
that once the user is deleted (and lowers each team's member count).
"""

from __future__ import annotations

import math
from typing import Any

from .gone import delete_if_present
from .retry import retry
from .tables import ARTICLES, DATABASE_ID, PROFILES

UNPUBLISHED = ("draft", "scheduled", "archived")


def delete_user_and_data(
    tables: Any, users: Any, user_id: str, *, deadline: float = math.inf
) -> dict[str, Any]:
    """`{"userId", "profileDeleted", "articlesDeleted"}` once the user and their data are gone.

    `tables` needs `rows.write`, `users` needs `users.write`.
    """
    from appwrite.query import Query

    articles = retry(
        lambda: tables.delete_rows(
            DATABASE_ID,
            ARTICLES,
            [Query.equal("authorId", [user_id]), Query.equal("status", list(UNPUBLISHED))],
        ),
        deadline=deadline,
    )
    profile_deleted = delete_if_present(
        lambda: tables.delete_row(DATABASE_ID, PROFILES, user_id), deadline=deadline
    )
    delete_if_present(lambda: users.delete(user_id), deadline=deadline)
    return {
        "userId": user_id,
        "profileDeleted": profile_deleted,
        "articlesDeleted": int(articles.get("total", 0)),
    }
