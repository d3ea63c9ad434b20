"""Sign-up: the user (Users API) and their profile row, or neither.

The input is normalised before it is validated (outer spaces trimmed; the e-mail address
lower-cased as Appwrite stores it), so `Bob@Newsroom.test ` and `bob@newsroom.test` are
the same account (409 the second time), and validated strictly before anything is
written: no control, zero-width, bidi or surrogate characters (`shared.safe_text`).

The profile's id is the user's id. `provision-profile` reacts to the same user's
`users.*.create` event and may create the row first, with the same values: sign-up
therefore upserts it (one call either way, and its answer is the row — never a second call
to read what the other writer made). If the profile cannot be written at all, the user is
removed again so the caller can simply retry the sign-up.
"""

from __future__ import annotations

import contextlib
import math
from typing import Any

from ..shared import Conflict, retry
from ..shared.profiles import profile_data, profile_permissions
from ..shared.safe_text import normalize_email, normalize_name
from ..shared.tables import DATABASE_ID, PROFILES

EMAIL_TAKEN = ("user_already_exists", "user_email_already_exists")


def normalized(fields: Any) -> Any:
    """The sign-up body with outer spaces trimmed from `email` and `name` and the e-mail
    lower-cased; anything that is not such a string is left for the schema to refuse."""
    if not isinstance(fields, dict):
        return fields
    out = dict(fields)
    if isinstance(out.get("email"), str):
        out["email"] = normalize_email(out["email"])
    if isinstance(out.get("name"), str):
        out["name"] = out["name"].strip(" ")
    return out


def create_user(users: Any, email: str, password: str, name: str) -> dict:
    from appwrite.exception import AppwriteException
    from appwrite.id import ID

    try:
        return users.create(ID.unique(), email=email, password=password, name=normalize_name(name))
    except AppwriteException as exc:
        if exc.code == 409 and exc.type in EMAIL_TAKEN:
            raise Conflict(
                "An account with this email address already exists.", code="email_taken"
            ) from None
        raise


def ensure_profile(tables: Any, users: Any, user: dict, *, deadline: float = math.inf) -> dict:
    """The user's profile row, written now — whether or not `provision-profile` created it a
    moment ago (from the same user, so with the same values). An upsert is safe to retry."""
    user_id = user["$id"]
    try:
        return retry(
            lambda: tables.upsert_row(
                DATABASE_ID, PROFILES, user_id, profile_data(user), profile_permissions(user_id)
            ),
            deadline=deadline,
        )
    except Exception:
        _remove_quietly(lambda: users.delete(user_id))
        _remove_quietly(lambda: tables.delete_row(DATABASE_ID, PROFILES, user_id))
        raise


def _remove_quietly(call: Any) -> None:
    with contextlib.suppress(Exception):  # best effort: the caller must see the original failure
        call()
