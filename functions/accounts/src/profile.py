"""`PATCH /users/{id}/profile`: a user's `displayName` and `bio`, written with the key.

Profile rows grant users no `update` (DESIGN §4: a row's `update` would also let its user
set `articleCount` and the row's permissions), so this route is how a profile changes.
Each write also sets the row's permissions to the current rule (`read("any")` only), so a
profile made by an older version is brought up to date by its first edit.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from ..shared.gone import fetch_or_none
from ..shared.profiles import create_profile, profile_data, profile_permissions
from ..shared.safe_text import normalize_name
from ..shared.tables import DATABASE_ID, PROFILES
from .lookup import fetch_user


def normalized(fields: Any) -> Any:
    """The body with outer spaces trimmed from `displayName` (left for the schema otherwise)."""
    if isinstance(fields, dict) and isinstance(fields.get("displayName"), str):
        return {**fields, "displayName": fields["displayName"].strip(" ")}
    return fields


def changes(fields: Mapping[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    if "displayName" in fields:
        data["displayName"] = normalize_name(fields["displayName"])
    if "bio" in fields:
        data["bio"] = fields["bio"] or None
    return data


def update_profile(
    tables: Any, users: Any, user_id: str, data: dict[str, Any], *, deadline: float = math.inf
) -> dict:
    """The updated profile row; made first if the user has none yet (provisioning missed)."""
    permissions = profile_permissions(user_id)
    update = lambda: tables.update_row(DATABASE_ID, PROFILES, user_id, data, permissions)  # noqa: E731
    row = fetch_or_none(update, deadline=deadline)
    if row is not None:
        return row
    user = fetch_user(users, user_id, deadline=deadline)
    made = create_profile(tables, user_id, {**profile_data(user), **data}, deadline=deadline)
    return made if made is not None else update()
