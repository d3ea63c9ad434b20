""" "404 means gone": Appwrite's not-found answer read as a result, not a failure.

    row = fetch_or_none(lambda: tables.get_row(DATABASE_ID, ARTICLES, row_id), deadline=d)
    if row is None: ...                                  # never existed, or deleted meanwhile
    deleted = delete_if_present(lambda: tables.delete_row(DATABASE_ID, PROFILES, uid), deadline=d)

Both retry transient failures (`shared.retry`). A delete that is retried after an attempt
whose answer was lost may find the row gone: that row was deleted by this call, so
`delete_if_present` answers True; it answers False only when the row was already gone at
the first attempt.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, TypeVar

from .retry import retry

T = TypeVar("T")


def is_gone(exc: BaseException) -> bool:
    """An Appwrite answer (or any exception with `code`) saying the resource does not exist."""
    return getattr(exc, "code", None) == 404


def fetch_or_none(call: Callable[[], T], *, deadline: float = math.inf) -> T | None:
    """`call()` retried on transient failures; None when Appwrite answers 404."""
    try:
        return retry(call, deadline=deadline)
    except Exception as exc:
        if is_gone(exc):
            return None
        raise


def delete_if_present(call: Callable[[], Any], *, deadline: float = math.inf) -> bool:
    """Run a delete, retried; True when this call deleted it, False when it was already gone."""
    attempts = 0

    def attempt() -> bool:
        nonlocal attempts
        attempts += 1
        try:
            call()
        except Exception as exc:
            if is_gone(exc) and attempts > 1:  # an earlier attempt of ours did delete it
                return True
            raise
        return True

    try:
        return retry(attempt, deadline=deadline)
    except Exception as exc:
        if is_gone(exc):
            return False
        raise
