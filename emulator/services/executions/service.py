"""The executions service of one emulator, assembled: records, the runner, the event
fan-out (listening to the emulator's writes) and the schedules. Starting it resumes the
queue a previous run left in the store (`recovery.py`)."""

from __future__ import annotations

import pathlib
from dataclasses import dataclass

from emulator.core.state import EmulatorState
from emulator.manifest import Manifest

from .fanout import DEFAULT_LOOP_LIMIT, EventFanOut
from .records import ExecutionRecords
from .recovery import recover
from .runner import Runner
from .schedules import Schedules


@dataclass
class ExecutionsService:
    state: EmulatorState
    records: ExecutionRecords
    runner: Runner
    fanout: EventFanOut
    schedules: Schedules

    @classmethod
    def start(
        cls,
        state: EmulatorState,
        manifest: Manifest,
        *,
        workdir: pathlib.Path,
        endpoint: str,
        loop_limit: int = DEFAULT_LOOP_LIMIT,
        realtime_cron: bool = True,
        extra_env: dict[str, str] | None = None,
    ) -> ExecutionsService:
        records = ExecutionRecords(state.db)
        runner = Runner(
            state, manifest, records, workdir=workdir, endpoint=endpoint, extra_env=extra_env
        )
        fanout = EventFanOut(runner, manifest, records, loop_limit)
        schedules = Schedules(runner, manifest, records)
        state.subscribe(fanout)
        # the stored queue of a previous run: waiting → run, processing → failed
        recover(records, runner)
        if realtime_cron:
            schedules.start()
        return cls(state, records, runner, fanout, schedules)

    def wait_idle(self, timeout: float = 60.0) -> None:
        """Wait until no execution is running or queued (including those they cause)."""
        self.runner.wait_idle(timeout)

    def close(self) -> None:
        """Stop the schedules and the runner (running executions finish, queued ones stay
        in the store). The fan-out keeps listening until `detach`: a write acknowledged
        while the stack shuts down still has its event queued, for the next start."""
        self.schedules.stop()
        self.runner.close()

    def detach(self) -> None:
        """Stop listening to the emulator's writes (once no write can come any more)."""
        if self.fanout in self.state.listeners:
            self.state.unsubscribe(self.fanout)
