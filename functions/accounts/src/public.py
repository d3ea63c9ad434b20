"""What callers see of a user: Appwrite's User model without its secrets.

An allow-list, so a field Appwrite adds later never leaks by default: no password hash,
hash algorithm or options, no prefs, targets or MFA state.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

USER_FIELDS = (
    "$id",
    "$createdAt",
    "$updatedAt",
    "name",
    "email",
    "phone",
    "emailVerification",
    "phoneVerification",
    "status",
    "labels",
    "registration",
    "accessedAt",
)


def public_user(user: Mapping[str, Any]) -> dict[str, Any]:
    return {name: user.get(name) for name in USER_FIELDS}
