"""The profile row of a user: one per user in `newsroom.profiles`, row id = user id.

Created by `accounts` sign-up and by `provision-profile` (event `users.*.create`) for users
made any other way; both may run for the same user at the same moment, so creation is
create-or-keep: the row id is the user id, and Appwrite's 409 `row_already_exists` means
another writer got there first — never an error.

    data = profile_data(user)                       # pure: from Appwrite's User model
    created = create_profile(tables, user["$id"], data, deadline=req.deadline)

A profile row carries `read("any")` only: users change their `displayName` and `bio`
through `accounts` (`PATCH /users/{id}/profile`); `articleCount` is enrich-article's alone.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from .retry import retry
from .safe_text import clean_name
from .tables import DATABASE_ID
from .tables import PROFILES as TABLE_ID

DISPLAY_NAME_MAX = 128  # the column's size in appwrite.json
FALLBACK_NAME = "New user"
PUBLIC_FIELDS = ("$id", "$createdAt", "$updatedAt", "displayName", "bio", "articleCount")


def display_name(user: Mapping[str, Any]) -> str:
    """The user's name, else the local part of their email, else a neutral placeholder.

    Never the phone number: profiles are public. Control, format (zero-width, bidi) and
    unassigned characters are dropped: users made outside sign-up (Console, Users API) are
    not validated by us, and their names must not make a look-alike or a broken profile.
    """
    name = clean_name(str(user.get("name") or ""))
    if not name:
        email = str(user.get("email") or "")
        name = clean_name(email.split("@", 1)[0]) if "@" in email else ""
    return (name or FALLBACK_NAME)[:DISPLAY_NAME_MAX].strip()


def profile_data(user: Mapping[str, Any]) -> dict[str, Any]:
    """The columns of a new profile row."""
    return {"displayName": display_name(user), "articleCount": 0}


def profile_permissions(user_id: str) -> list[str]:
    """Everyone reads a profile; nobody writes it directly (only the functions, with the key)."""
    if not user_id:
        raise ValueError("a profile needs a user id")
    return ['read("any")']


def public_profile(row: Mapping[str, Any]) -> dict[str, Any]:
    """A profile row as answered to callers (no permissions, no database/table ids)."""
    return {name: row.get(name) for name in PUBLIC_FIELDS}


def is_already_exists(exc: BaseException) -> bool:
    """An AppwriteException saying the row id is taken (either spelling of the error type)."""
    return getattr(exc, "code", None) == 409 and getattr(exc, "type", None) in (
        "row_already_exists",
        "document_already_exists",
    )


def create_profile(
    tables: Any, user_id: str, data: Mapping[str, Any], *, deadline: float = math.inf
) -> dict | None:
    """Create the profile row; the new row, or None when it already exists (from any writer).

    A retried create whose first attempt did reach Appwrite also ends in None: safe to repeat.
    """
    from appwrite.exception import AppwriteException

    try:
        return retry(
            lambda: tables.create_row(
                DATABASE_ID, TABLE_ID, user_id, dict(data), profile_permissions(user_id)
            ),
            deadline=deadline,
        )
    except AppwriteException as exc:
        if is_already_exists(exc):
            return None
        raise
