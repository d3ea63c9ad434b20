"""The emulator's notion of "now".

Normally the system clock. An execution started from the controllable cron clock
(`tick --at`, `run_schedule(at=...)`) runs with that moment as its "now": its worker's
clock is moved, and the API stamps the rows it writes with it. The moment travels with
the execution's dynamic key (claim `now`), and `at(moment)` sets it for the request.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
from collections.abc import Iterator

UTC = dt.UTC
_override: contextvars.ContextVar[dt.datetime | None] = contextvars.ContextVar(
    "emulator_now", default=None
)


def now() -> dt.datetime:
    """The current moment, timezone-aware UTC."""
    return _override.get() or dt.datetime.now(UTC)


@contextlib.contextmanager
def at(moment: dt.datetime | None) -> Iterator[None]:
    """Within the block, `now()` is `moment` (None: the system clock)."""
    token = _override.set(moment.astimezone(UTC) if moment else None)
    try:
        yield
    finally:
        _override.reset(token)


def iso(moment: dt.datetime | None = None) -> str:
    """Appwrite's date format: `2026-01-01T00:00:00.000+00:00`."""
    moment = (moment or now()).astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+00:00"


def parse_iso(value: str) -> dt.datetime:
    """Parse an ISO 8601 date (naive = UTC)."""
    moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
