"""Appwrite datetimes: parse what PHP's `new DateTime()` accepts (ISO-8601), emit `Y-m-d\\TH:i:s.vP` in UTC."""

from __future__ import annotations

from datetime import UTC, datetime

DATETIME_RANGE_TEXT = (
    "Value must be valid date between 1000-01-01 00:00:00 and 9999-12-31 23:59:59."
)


def parse_datetime(value: object) -> datetime | None:
    """A date string → aware UTC datetime, or None when it is not a valid Appwrite date."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
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


def format_datetime(moment: datetime) -> str:
    """`2026-01-01T00:00:00.000+00:00` — millisecond precision, UTC, explicit offset."""
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+00:00"


def canonical_datetime(value: object) -> str | None:
    parsed = parse_datetime(value)
    return format_datetime(parsed) if parsed else None


def now() -> str:
    """The emulator's current moment (see emulator.clock: the controllable cron clock)."""
    from emulator import clock

    return format_datetime(clock.now())
