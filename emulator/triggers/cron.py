"""Cron schedules (UTC, 5 fields, parsed by `cronsim`) and the clocks that drive them.

Appwrite runs a function's `schedule` in UTC and does not replay ticks it missed while
it was down; neither do we: a scheduler starts counting from the moment it starts.
`ManualClock` lets tests and `python -m emulator tick` move time by hand and get exactly
the executions that were due in between.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterator

from cronsim import CronSim, CronSimError

UTC = dt.UTC


class InvalidSchedule(ValueError):
    """A `schedule` that is not a valid 5-field cron expression."""


def parse_schedule(expression: str) -> str:
    """Validate a cron expression; returns it stripped or raises `InvalidSchedule`."""
    expression = (expression or "").strip()
    if len(expression.split()) != 5:
        raise InvalidSchedule(f"{expression!r} is not a 5-field cron expression")
    try:
        CronSim(expression, dt.datetime(2000, 1, 1, tzinfo=UTC))
    except CronSimError as e:
        raise InvalidSchedule(f"{expression!r} is not a valid cron expression: {e}") from None
    return expression


def as_utc(moment: dt.datetime) -> dt.datetime:
    """Naive datetimes are taken as UTC; aware ones are converted."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def due_times(expression: str, after: dt.datetime, until: dt.datetime) -> Iterator[dt.datetime]:
    """Ticks `t` of the schedule with `after < t <= until`, in order."""
    after, until = as_utc(after), as_utc(until)
    for moment in CronSim(parse_schedule(expression), after.replace(second=0, microsecond=0)):
        if moment <= after:
            continue
        if moment > until:
            return
        yield moment


class ManualClock:
    """A clock that only moves when told to."""

    def __init__(self, start: dt.datetime):
        self._now = as_utc(start)
        self._lock = threading.Lock()

    def now(self) -> dt.datetime:
        with self._lock:
            return self._now

    def set(self, moment: dt.datetime) -> None:
        with self._lock:
            self._now = as_utc(moment)


def system_now() -> dt.datetime:
    return dt.datetime.now(UTC)


class Scheduler:
    """Tracks, per function, the last moment its schedule was evaluated.

    `advance(until)` returns the (function id, due time) pairs that became due since the
    last evaluation, in time order, and moves the mark. With `start_thread()` it does so
    every second against the system clock and calls `on_due` for each.
    """

    def __init__(
        self,
        schedules: dict[str, str],
        start: dt.datetime,
        on_due: Callable[[str, dt.datetime], None] | None = None,
        on_tick: Callable[[dt.datetime], None] | None = None,
    ):
        self.schedules = {fid: parse_schedule(expr) for fid, expr in schedules.items() if expr}
        self._mark = as_utc(start)
        self._lock = threading.Lock()
        self._on_due = on_due
        self._on_tick = on_tick  # called with "now" on every pass of the real-time thread
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def mark(self) -> dt.datetime:
        return self._mark

    def reset(self, mark: dt.datetime) -> None:
        """Move the mark (forwards or back) without running anything."""
        with self._lock:
            self._mark = as_utc(mark)

    def advance(self, until: dt.datetime) -> list[tuple[str, dt.datetime]]:
        until = as_utc(until)
        with self._lock:
            if until <= self._mark:
                return []
            due = [
                (moment, fid)
                for fid, expr in self.schedules.items()
                for moment in due_times(expr, self._mark, until)
            ]
            self._mark = until
        return [(fid, moment) for moment, fid in sorted(due)]

    def start_thread(
        self, now: Callable[[], dt.datetime] = system_now, interval: float = 1.0
    ) -> None:
        def loop() -> None:
            while not self._stop.wait(interval):
                moment_now = now()
                for fid, moment in self.advance(moment_now):
                    if self._on_due:
                        self._on_due(fid, moment)
                if self._on_tick:
                    self._on_tick(moment_now)

        self._thread = threading.Thread(target=loop, name="cron", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=5)
