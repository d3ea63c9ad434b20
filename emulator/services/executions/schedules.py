"""Cron schedules and one-off `scheduledAt` executions, on a clock you can move.

`Schedules` runs each function's `schedule` (UTC cron) from a background thread against
the system clock, or on demand: `tick(at)` runs what is due at one moment, `advance(until)`
every tick between the scheduler's mark and `until`, `run_schedule` one function now. Those
on-demand runs execute with their moment as "now". Executions created with `scheduledAt`
are held (status `scheduled`) until the clock passes it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from emulator.core import clock
from emulator.manifest import Manifest
from emulator.triggers.cron import Scheduler, due_times

from .model import Execution, Invocation, Status, Trigger
from .records import ExecutionRecords
from .runner import Runner


class Schedules:
    def __init__(self, runner: Runner, manifest: Manifest, records: ExecutionRecords):
        self.runner = runner
        self.manifest = manifest
        self.records = records
        self.scheduler = Scheduler(
            {f.id: f.schedule for f in manifest.functions if f.schedule},
            clock.now(),
            on_due=self._due,
            on_tick=self.release_scheduled,
        )

    def start(self) -> None:
        """Run schedules in real time, from a background thread."""
        self.scheduler.start_thread()

    def stop(self) -> None:
        self.scheduler.stop()

    def run_schedule(self, function_id: str, at: dt.datetime | None = None) -> Execution:
        """Run a function as its cron trigger would, at `at` (default now); waits for it."""
        return self.runner.execute(Invocation(function_id, Trigger.SCHEDULE, at=at))

    def due_at(self, at: dt.datetime) -> list[str]:
        """Ids of the functions whose schedule has a tick at `at` (minute precision)."""
        minute = clock.parse_iso(clock.iso(at)).replace(second=0, microsecond=0)
        before = minute - dt.timedelta(minutes=1)
        return [
            f.id
            for f in self.manifest.functions
            if f.schedule and list(due_times(f.schedule, before, minute))
        ]

    def tick(self, at: dt.datetime) -> list[Execution]:
        """Run what is due at `at` (`python -m emulator tick --at`), and release the one-off
        executions scheduled by then."""
        ran = [self.run_schedule(function_id, at) for function_id in self.due_at(at)]
        return ran + self.release_scheduled(at, at_their_time=True)

    def advance(self, until: dt.datetime) -> list[Execution]:
        """Run every tick between the scheduler's mark and `until`, in time order."""
        due = self.scheduler.advance(until)
        ran = [self.run_schedule(function_id, moment) for function_id, moment in due]
        return ran + self.release_scheduled(until, at_their_time=True)

    def set_clock(self, at: dt.datetime) -> None:
        """Move the scheduler's mark without running anything."""
        self.scheduler.reset(at)

    def release_scheduled(
        self, until: dt.datetime, *, at_their_time: bool = False
    ) -> list[Execution]:
        """Start the one-off executions (`scheduledAt`) that are due by `until`; they run
        in the background with trigger `schedule`, as Appwrite's scheduler starts them
        (`at_their_time`: with their `scheduledAt` as "now", for the controllable clock)."""
        started = []
        for execution in self.records.with_status(Status.SCHEDULED):
            moment = clock.parse_iso(execution.scheduled_at)
            if moment > until:
                continue
            invocation = dataclasses.replace(
                Invocation.from_record(execution.function_id, execution.held or {}),
                trigger=Trigger.SCHEDULE,
                asynchronous=True,
                at=moment if at_their_time else None,
            )
            execution.held = invocation.record()  # still needed while it waits in the queue
            execution.status = Status.WAITING
            self.records.save(execution)
            self.runner.submit(self.runner.spec(execution.function_id), execution, invocation)
            started.append(execution)
        return started

    def _due(self, function_id: str, moment: dt.datetime) -> None:
        self.runner.execute(Invocation(function_id, Trigger.SCHEDULE, asynchronous=True))
