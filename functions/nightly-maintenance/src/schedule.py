"""The moments a maintenance run works with, and its time budget (pure)."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta


class ReportDay:
    """The UTC day a run reports on — the day that ended before the run — and the run's own day.

    A plain class, not a dataclass (decision 0019): nothing compares, hashes or prints it, and
    this module stays free of imports from `shared` (its tests load it on its own)."""

    __slots__ = ("end", "id", "run_day_end", "start")
    id: str  # YYYY-MM-DD of the reported day: the daily_stats row id and `day`
    start: datetime  # reported day 00:00 UTC
    end: datetime  # reported day + 1 = the run's day, 00:00 UTC
    run_day_end: datetime

    def __init__(self, id: str, start: datetime, end: datetime, run_day_end: datetime):
        self.id = id
        self.start = start
        self.end = end
        self.run_day_end = run_day_end

    @classmethod
    def before(cls, now: datetime) -> ReportDay:
        today = now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        start = today - timedelta(days=1)
        return cls(start.date().isoformat(), start, today, today + timedelta(days=1))


def cutoff(now: datetime, days: int) -> datetime:
    """The moment `days` days before `now`: older than this is past retention."""
    return now - timedelta(days=days)


class Budget:
    """Whether there is time for another batch: always until one batch did some work (so
    every run makes progress), then while the clock is before `stop_at` (a `time.monotonic()`
    instant)."""

    __slots__ = ("batches", "clock", "stop_at")
    stop_at: float
    clock: Callable[[], float]
    batches: int

    def __init__(
        self, stop_at: float, clock: Callable[[], float] = time.monotonic, batches: int = 0
    ):
        self.stop_at = stop_at
        self.clock = clock
        self.batches = batches

    def allows_batch(self) -> bool:
        return self.batches == 0 or self.clock() < self.stop_at

    def spent(self) -> None:
        self.batches += 1


def stop_at(started: float, deadline: float, budget_seconds: float, reserve: float) -> float:
    """When purging must stop: `budget_seconds` after `started`, and at the latest `reserve`
    seconds before the deadline (time kept for the stats)."""
    return min(deadline - reserve, started + budget_seconds)


Step = tuple[str, Callable[[], list[str]]]


def run_batches(
    steps: Sequence[Step], budget: Budget, size: int
) -> tuple[dict[str, list[str]], bool]:
    """Run each step's batch until it returns fewer than `size` ids, step after step, while
    the budget allows. The ids done per step, and whether every step ran to its end."""
    done: dict[str, list[str]] = {name: [] for name, _ in steps}
    for name, batch in steps:
        while True:
            if not budget.allows_batch():
                return done, False
            ids = batch()
            if ids:
                budget.spent()
            done[name] += ids
            if len(ids) < size:
                break
    return done, True
