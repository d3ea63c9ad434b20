"""Sign-up: the user (Users API) and their profile row, or neither.

The profile's id is the user's id. `provision-profile` reacts to the same user's
`users.*.create` event and may create the row first: then sign-up reads it instead.
If the profile cannot be written at all, the user is removed again so the caller can
simply retry the sign-up.
"""

from __future__ import annotations

import math
from typing import Any

from ..shared import Conflict, retry
from ..shared.profiles import DATABASE_ID, create_profile, profile_data
from ..shared.profiles import TABLE_ID as PROFILES

EMAIL_TAKEN = ("user_already_exists", "user_email_already_exists")


def create_user(users: Any, email: str, password: str, name: str) -> dict:
    from appwrite.exception import AppwriteException
    from appwrite.id import ID

    try:
        return users.create(ID.unique(), email=email, password=password, name=name)
    except AppwriteException as exc:
        if exc.code == 409 and exc.type in EMAIL_TAKEN:
            raise Conflict(
                "An account with this email address already exists.", code="email_taken"
            ) from None
        raise


def ensure_profile(tables: Any, users: Any, user: dict, *, deadline: float = math.inf) -> dict:
    """The user's profile row, created now or by `provision-profile` a moment ago."""
    user_id = user["$id"]
    try:
        row = create_profile(tables, user_id, profile_data(user), deadline=deadline)
        return (
            row
            if row is not None
            else retry(lambda: tables.get_row(DATABASE_ID, PROFILES, user_id), deadline=deadline)
        )
    except Exception:
        _remove_quietly(lambda: users.delete(user_id))
        _remove_quietly(lambda: tables.delete_row(DATABASE_ID, PROFILES, user_id))
        raise


def _remove_quietly(call: Any) -> None:
    try:
        call()
    except Exception:  # best effort: the original failure is what the caller must see
        pass
