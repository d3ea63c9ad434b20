"""Deleting a user and what is theirs: unpublished articles, the profile, then the user.

The user goes last, so a failure half-way leaves something an admin can simply delete
again; every step is safe to repeat (already gone = done). Published articles stay.
Team memberships, sessions and tokens are Appwrite's to remove: its deletes worker does
that once the user is deleted (and lowers each team's member count).
"""

from __future__ import annotations

import math
from typing import Any

from ..shared import retry
from ..shared.profiles import DATABASE_ID
from ..shared.profiles import TABLE_ID as PROFILES

ARTICLES = "articles"
UNPUBLISHED = ("draft", "scheduled", "archived")


def _gone(exc: BaseException) -> bool:
    return getattr(exc, "code", None) == 404


def delete_user_and_data(
    tables: Any, users: Any, user_id: str, *, deadline: float = math.inf
) -> dict[str, Any]:
    from appwrite.exception import AppwriteException
    from appwrite.query import Query

    articles = retry(
        lambda: tables.delete_rows(
            DATABASE_ID,
            ARTICLES,
            [
                Query.equal("authorId", [user_id]),
                Query.equal("status", list(UNPUBLISHED)),
            ],
        ),
        deadline=deadline,
    )

    try:
        retry(lambda: tables.delete_row(DATABASE_ID, PROFILES, user_id), deadline=deadline)
        profile_deleted = True
    except AppwriteException as exc:
        if not _gone(exc):
            raise
        profile_deleted = False

    try:
        retry(lambda: users.delete(user_id), deadline=deadline)
    except AppwriteException as exc:
        if not _gone(exc):
            raise

    return {
        "userId": user_id,
        "profileDeleted": profile_deleted,
        "articlesDeleted": int(articles.get("total", 0)),
    }
