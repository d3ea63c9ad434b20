"""No worker outlives the emulator (issue 9 item 8): each worker watches a pipe whose
other end only the emulator's process holds, so when that process dies — even by
SIGKILL, with no chance to clean up — every worker exits on its own."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LAB = ROOT / "tests" / "triggers" / "lab" / "appwrite.json"
SERVE = """
import sys, time
from emulator.services.executions.model import Invocation, Trigger
from emulator.stack import Stack

stack = Stack.start(sys.argv[1], data_dir=sys.argv[2], realtime_cron=False)
pids = []
for function_id in ("recorder", "every-five"):
    invocation = Invocation(function_id, Trigger.HTTP, method="GET")
    execution = stack.executions.runner.execute(invocation)
    assert execution.response_status_code == 200, execution
    pids.append(stack.executions.runner.executor.worker_pid(function_id))
print(*pids, flush=True)
time.sleep(300)
"""


def running(pid: int) -> bool:
    """True while the process exists and is not a zombie (an exited, unreaped child)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    state = next(line for line in status.splitlines() if line.startswith("State:"))
    return "Z" not in state.split()[1]


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
def test_workers_die_with_an_emulator_killed_by_sigkill(tmp_path):
    emulator = subprocess.Popen(
        [sys.executable, "-c", SERVE, str(LAB), str(tmp_path / "data")],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        pids = [int(pid) for pid in emulator.stdout.readline().split()]
        assert len(pids) == 2 and all(running(pid) for pid in pids)
        emulator.send_signal(signal.SIGKILL)
        emulator.wait(10)
        deadline = time.monotonic() + 5
        while any(running(pid) for pid in pids) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert [pid for pid in pids if running(pid)] == []
    finally:
        if emulator.poll() is None:
            emulator.kill()
            emulator.wait()
