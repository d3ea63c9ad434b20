"""Which execution an API request belongs to when it carries no execution key (a call a
function makes with its user's JWT): the worker process that holds the connection, and
the one execution that worker is running. Used by the emulator's traffic counters
(`emulator/http/traffic.py`); a worker running several executions at once, or a
platform without `/proc`, leaves such requests unattributed.
"""

from __future__ import annotations

from emulator.runtime.sockets import owner_pid

from .runner import Runner


class WorkerLocator:
    def __init__(self, runner: Runner):
        self.runner = runner

    def busy(self) -> bool:
        return bool(self.runner.running())

    def pid(self, client_port: int, server_port: int) -> int | None:
        return owner_pid(client_port, server_port, list(self.runner.executor.worker_pids()))

    def execution(self, pid: int) -> str:
        function_id = self.runner.executor.worker_pids().get(pid)
        running = self.runner.running(function_id) if function_id else []
        return running[0] if len(running) == 1 else ""
