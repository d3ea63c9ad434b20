"""The emulator's notion of "now", and Appwrite's datetime format (the one formatter).

`now()` is normally the system clock. An execution started from the controllable cron
clock (`tick --at`, `run_schedule(at=...)`) runs with that moment as its "now": its
worker's clock is moved, and the API stamps the rows it writes with it. The moment
travels, signed, in the execution's dynamic key (claim `now`); `at(moment)` sets it for
the request that presents that key (see `emulator.http.clock`).

Appwrite writes datetimes as `Y-m-d\\TH:i:s.vP` in UTC (`iso`), and accepts what PHP's
`new DateTime()` accepts (`parse_datetime`).
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import re
import zoneinfo
from collections.abc import Iterator

UTC = dt.UTC
DATETIME_RANGE_TEXT = (
    "Value must be valid date between 1000-01-01 00:00:00 and 9999-12-31 23:59:59."
)
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
    """Appwrite's date format, `2026-01-01T00:00:00.000+00:00` (UTC, milliseconds); default now."""
    # isoformat: the same text as PHP's `Y-m-d\\TH:i:s.vP` in UTC, years below 1000 padded
    # to four digits as PHP pads them, in half the time of strftime (every write stamps one).
    return (moment or now()).astimezone(UTC).isoformat(timespec="milliseconds")


def parse_iso(value: str) -> dt.datetime:
    """Parse an ISO 8601 date the emulator wrote or a user typed (naive = UTC);
    ValueError if not one."""
    moment = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


_ZONE_NAME = re.compile(
    r"^(?P<moment>.*\S)\s+(?P<zone>[A-Za-z][A-Za-z0-9_+\-]*(?:/[A-Za-z0-9_+\-]+)*)$"
)


def _with_zone_name(text: str) -> dt.datetime | None:
    """`1975-06-12 14:12:55 America/New_York`: a local time and an IANA zone name, as PHP's
    `new DateTime()` reads it (daylight saving time of that date applies)."""
    match = _ZONE_NAME.match(text)
    if not match:
        return None
    try:
        zone = zoneinfo.ZoneInfo(match["zone"])
        local = dt.datetime.fromisoformat(match["moment"])
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None
    if local.tzinfo is not None:
        return None
    return local.replace(tzinfo=zone)


def parse_datetime(value: object) -> dt.datetime | None:
    """A date string as Appwrite accepts it → aware UTC datetime; None when it is not valid."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        parsed = _with_zone_name(text)
        if parsed is None:
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    try:
        parsed = parsed.astimezone(UTC)
    except (OverflowError, ValueError):
        return None
    if not 1000 <= parsed.year <= 9999:
        return None
    return parsed


def canonical_datetime(value: object) -> str | None:
    """`value` in Appwrite's format, or None when it is not a valid Appwrite date."""
    parsed = parse_datetime(value)
    return iso(parsed) if parsed else None
