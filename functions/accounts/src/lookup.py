"""Reading users through the Users API, with Appwrite's errors turned into ours."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, TypeVar

from ..shared import BadRequest, NotFound, retry
from ..shared.gone import is_gone
from .listing import ListParams, list_queries

T = TypeVar("T")


def on_user(call: Callable[[], T], *, deadline: float = math.inf) -> T:
    """`call()` (a Users API call on one user, retried); Appwrite's 404 → our `user_not_found`."""
    try:
        return retry(call, deadline=deadline)
    except Exception as exc:
        if is_gone(exc):
            raise NotFound("User not found.", code="user_not_found") from None
        raise


def fetch_user(users: Any, user_id: str, *, deadline: float = math.inf) -> dict:
    """The user, or 404 `user_not_found`."""
    return on_user(lambda: users.get(user_id), deadline=deadline)


def fetch_page(users: Any, params: ListParams, *, deadline: float = math.inf) -> dict:
    """Appwrite's UserList for the parameters; an unknown cursor is the caller's 400."""
    from appwrite.exception import AppwriteException

    try:
        return retry(
            lambda: users.list(queries=list_queries(params), search=params.search),
            deadline=deadline,
        )
    except AppwriteException as exc:
        if exc.type == "general_cursor_not_found":
            raise BadRequest(
                "The cursor does not name a user.",
                code="validation_failed",
                details=[{"path": "/cursor", "message": f"no user {params.cursor!r}"}],
            ) from None
        raise
