"""The executions service of one emulator, assembled: records, the runner, the event
fan-out (listening to the emulator's writes) and the schedules."""

from __future__ import annotations

import pathlib
from dataclasses import dataclass

from emulator.core.state import EmulatorState
from emulator.manifest import Manifest

from .fanout import DEFAULT_LOOP_LIMIT, EventFanOut
from .records import ExecutionRecords
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
        if realtime_cron:
            schedules.start()
        return cls(state, records, runner, fanout, schedules)

    def wait_idle(self, timeout: float = 60.0) -> None:
        """Wait until no execution is running or queued (including those they cause)."""
        self.runner.wait_idle(timeout)

    def close(self) -> None:
        self.schedules.stop()
        self.state.unsubscribe(self.fanout)
        self.runner.close()
