"""Who may do what in `accounts`: site admins (label `admin`) manage everyone; a user
may read and delete their own account. Pure checks on a verified `Identity`."""

from __future__ import annotations

from ..shared import Forbidden, Identity, NotFound
from ..shared.patterns import lazy

_USER_ID = lazy(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,35}$")


def require_admin(who: Identity) -> None:
    if not who.is_admin:
        raise Forbidden("Only site admins can do this.")


def require_self_or_admin(who: Identity, user_id: str) -> None:
    if who.id != user_id and not who.is_admin:
        raise Forbidden("You can only do this for your own account.")


def check_user_id(user_id: str) -> str:
    """A path user id; one Appwrite could never have issued is simply not found."""
    if not _USER_ID.match(user_id):
        raise NotFound("User not found.", code="user_not_found")
    return user_id
