"""Retry an Appwrite call with exponential backoff and full jitter, within a deadline.

    row = retry(lambda: tables.get_row(DB, "articles", row_id), deadline=request.deadline)

Retried: `AppwriteException` with code 429 or ≥ 500, and connection failures (the SDK
raises those as code 0 wrapping an `OSError`; plain `ConnectionError`/`TimeoutError`
too). Anything else is raised at once. Never sleeps past `deadline` (a
`time.monotonic()` instant); when tries or time run out, raises `UpstreamUnavailable`
(503) chained to the last failure. Retry only idempotent calls (reads, writes with a
fixed row id): a 5xx may hide a write that happened.

The first wait is drawn from [0, 200 ms], doubling with each try up to 2 s. The function
variable `RETRY_BASE_DELAY_MS` (0–2000, default 200) changes that 200 ms: a deployment
tunes its backoff without a code change, and a test of persistent faults need not sleep
through the production backoff (a value that is not a whole number in range fails the
call with a `ConfigurationError` naming the variable).
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable
from typing import Any, TypeVar

from .errors import UpstreamUnavailable, is_appwrite_exception
from .settings import int_setting

T = TypeVar("T")
BASE_DELAY_VARIABLE = "RETRY_BASE_DELAY_MS"
DEFAULT_BASE_DELAY_MS = 200


def is_retryable(exc: BaseException) -> bool:
    if isinstance(exc, (ConnectionError, TimeoutError)):
        return True
    if not is_appwrite_exception(exc):
        return False
    code = getattr(exc, "code", 0)
    if isinstance(code, int) and (code == 429 or code >= 500):
        return True
    return code in (0, None) and isinstance(getattr(exc, "message", None), OSError)


def backoff(
    attempt: int, *, base: float, cap: float, rand: Callable[[], float] = random.random
) -> float:
    """Full jitter: uniform in [0, min(cap, base·2^attempt)] for attempt 0, 1, 2, …"""
    return rand() * min(cap, base * (2**attempt))


def configured_base_delay() -> float:
    """The first backoff's upper bound in seconds, from `RETRY_BASE_DELAY_MS` (read on each
    call: a dictionary lookup, and the variable is fixed for the worker's life anyway)."""
    return (
        int_setting(BASE_DELAY_VARIABLE, default=DEFAULT_BASE_DELAY_MS, minimum=0, maximum=2000)
        / 1000
    )


def retry(
    call: Callable[[], T],
    *,
    deadline: float = math.inf,
    attempts: int = 4,
    base_delay: float | None = None,
    max_delay: float = 2.0,
    sleep: Callable[[float], Any] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> T:
    """`call()`'s result, retrying transient failures (see module doc). `base_delay`
    (seconds): default `RETRY_BASE_DELAY_MS`, else 0.2."""
    if attempts < 1:
        raise ValueError("attempts must be at least 1")
    if base_delay is None:
        base_delay = configured_base_delay()
    last: BaseException | None = None
    for attempt in range(attempts):
        try:
            return call()
        except Exception as exc:
            if not is_retryable(exc):
                raise
            last = exc
        if attempt == attempts - 1:
            break
        delay = backoff(attempt, base=base_delay, cap=max_delay)
        if clock() + delay >= deadline:
            break
        sleep(delay)
    raise UpstreamUnavailable() from last
