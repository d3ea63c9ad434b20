"""CPU per synchronous execution, split between the emulator's process and the function's
worker: `python -m bench execution-cpu [--calls N]`.

In a fresh stack (no TLS, the repository's appwrite.json), N executions in a row through
each function URL below, one kept-alive client, after one warm-up call. CPU is read from
`/proc/<pid>/stat` (user + system, Linux only) for this process — the emulator's threads
and the client, which share it — and for the function's worker, before and after. What the
emulator costs per execution is what the suite pays thousands of times (`make test`'s
executions), and what `python -m bench throughput` measures as wall time.
"""

from __future__ import annotations

import argparse
import os
import pathlib
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
CALLS = [
    ("articles", "/health"),  # no API call
    ("articles", "/articles?limit=5"),  # one API call with the execution's key
    ("accounts", "/health"),
]


def _cpu_seconds(pid: int) -> float:
    """User + system CPU of the whole process, threads that have ended included (a worker
    handles each connection on a thread of its own), which a sum over the live threads'
    `schedstat` (`first_request.worker_usage`) would miss."""
    fields = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(calls: int = 500) -> list[dict]:
    import httpx

    from emulator.stack import Stack

    results = []
    with (
        tempfile.TemporaryDirectory(prefix="newsroom-bench-cpu-") as tmp,
        Stack.start(ROOT / "appwrite.json", data_dir=tmp, realtime_cron=False) as stack,
        httpx.Client(timeout=60) as client,
    ):
        for function_id, path in CALLS:
            url = stack.function_urls[function_id] + path
            if client.get(url).status_code != 200:
                raise SystemExit(f"{function_id} {path}: not a 200")
            worker = stack.executions.runner.executor.worker_pid(function_id)
            own, theirs, started = (
                _cpu_seconds(os.getpid()),
                _cpu_seconds(worker),
                time.perf_counter(),
            )
            for _ in range(calls):
                client.get(url)
            wall = time.perf_counter() - started
            results.append(
                {
                    "function": function_id,
                    "path": path,
                    "ms_per_call": wall * 1000 / calls,
                    "emulator_and_client_cpu_ms": (_cpu_seconds(os.getpid()) - own) * 1000 / calls,
                    "worker_cpu_ms": (_cpu_seconds(worker) - theirs) * 1000 / calls,
                }
            )
    return results


def table(results: list[dict]) -> str:
    lines = [
        "| execution | wall per call (ms) | CPU, emulator + client (ms) | CPU, worker (ms) |",
        "|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r['function']} `GET {r['path']}` | {r['ms_per_call']:.2f} "
            f"| {r['emulator_and_client_cpu_ms']:.2f} | {r['worker_cpu_ms']:.2f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench execution-cpu", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--calls", type=int, default=500, help="executions per path")
    args = parser.parse_args(argv)
    print(table(measure(args.calls)))
    return 0
