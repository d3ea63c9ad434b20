"""First-request cost of each Newsroom function against the floor measured in the same
run (issue 13, item 4): a function that only imports `appwrite.client` and `jsonschema`
and makes the same number of API calls on one kept-alive connection (`bench/floor`).

For each function and `--runs` times (after one discarded round that compiles bytecode):
stop its worker, start a fresh one (not timed), time its first execution — module import,
first `main()` and its API calls — by the execution's duration; count its API calls with
the emulator's counters; then the same for the floor, in a fresh worker of its own, making
that many calls. Over TLS, as on Appwrite.

Each function runs on its own environment, built from its requirements.txt and `commands`
under its declared runtime (`python-3.12`, or this interpreter when that version is not
installed: `emulator/runtime/interpreters.py`); the floor runs on that same environment's
python, so the two differ only by the function's own code. The figure is the median of the
paired differences (function − floor, same round), which a burst of load on a shared
machine moves less than a difference of medians; and the best of each side (the run least
disturbed by other processes). The floor's calls (`GET /users`) are cheap, while a
function's own calls do the server's real work (a sign-up hashes a password), so each
round also runs the operation and the floor once more on their warm workers: "start-up
over the floor's" = median of (first − warm) − (floor first − floor warm), the cost of
starting alone — imports, schemas, connections — which is what the target is about.

Wall time on a shared machine moves by ±50 ms between runs, so each execution is also
measured by **the worker's own CPU time** (the sum over its threads of
`/proc/<pid>/task/*/schedstat`, in ns) and its **minor page faults** (`/proc/<pid>/stat`),
read just before and just after it: "CPU start-up over the floor's" is the same median of
paired differences on CPU time, which other processes move far less. Page faults show the
CPython 3.11+ data-stack effect described in docs/benchmarks.md (a first request whose
deepest calls keep crossing a 16 KiB frame-stack chunk maps and unmaps that chunk on every
call: thousands of `mmap`/`munmap` pairs and page faults, 50–100 ms of CPU). Linux only;
elsewhere those columns are empty.

`--cold-bytecode` deletes the deployment's own `__pycache__` folders before each first
request: what a fresh Appwrite container sees when the build does not compile the
function's sources (the worker, run with `python -I`, writes bytecode beside the sources,
so a warm emulator otherwise reuses what the previous worker compiled).
"""

from __future__ import annotations

import argparse
import os
import pathlib
import shutil
import statistics
import tempfile

from .common import quiet_tls_warnings

ROOT = pathlib.Path(__file__).resolve().parent.parent
REPRESENTATIVE = {  # function → the operation of bench/traffic.py that is its first request
    "accounts": "sign-up",
    "articles": "list articles",
    "enrich-article": "enrich",
    "provision-profile": "provision",
    "publish-scheduled": "publish-scheduled",
    "nightly-maintenance": "nightly-maintenance",
}


def _run_floor(executor, floor, pid: int, key: str, calls: int):
    """One execution of the floor making `calls` API calls, and its worker's usage."""
    before = worker_usage(pid)
    done = executor.execute(
        floor, method="POST", path="/", headers={"x-appwrite-key": key, "x-bench-calls": str(calls)}
    )
    return done, _used(before, worker_usage(pid))


def _floor_deployment(stack, python: pathlib.Path):
    from emulator.runtime import Deployment, function_env

    env = function_env(
        function_id="bench-floor",
        function_name="First-request floor",
        deployment_id="bench",
        project_id=stack.project_id,
        endpoint=stack.endpoint,
    )
    env.update(stack.executions.runner.extra_env)
    return Deployment(
        "bench-floor",
        root=ROOT / "bench" / "floor",
        entrypoint="src/main.py",
        python=python,
        env=env,
    )


def worker_usage(pid: int | None) -> tuple[float, int] | None:
    """(CPU seconds over all threads, minor page faults) of process `pid` so far, from
    /proc; None where there is no /proc (or the process is gone)."""
    if pid is None:
        return None
    try:
        cpu_ns = 0
        for task in os.listdir(f"/proc/{pid}/task"):
            try:
                with open(f"/proc/{pid}/task/{task}/schedstat", encoding="ascii") as fh:
                    cpu_ns += int(fh.read().split()[0])
            except FileNotFoundError:  # a thread that ended meanwhile
                continue
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        return cpu_ns / 1e9, int(fields[7])  # minflt is field 10 of stat(5)
    except (OSError, ValueError, IndexError):
        return None


def _used(before: tuple[float, int] | None, after: tuple[float, int] | None):
    """(CPU ms, minor faults) between two `worker_usage` readings, or None."""
    if before is None or after is None:
        return None
    return (after[0] - before[0]) * 1000, after[1] - before[1]


def _purge_bytecode(root: pathlib.Path) -> None:
    """Delete the deployment's own `__pycache__` folders (not its runtime-env's)."""
    for dirpath, dirnames, _ in os.walk(root, followlinks=True):
        dirnames[:] = [d for d in dirnames if d != "runtime-env"]
        if "__pycache__" in dirnames:
            shutil.rmtree(os.path.join(dirpath, "__pycache__"), ignore_errors=True)
            dirnames.remove("__pycache__")


def measure(
    runs: int = 5, due: int = 10, cold_bytecode: bool = False, only: list[str] | None = None
) -> dict:
    from emulator.core import keys
    from emulator.stack import Stack

    from .traffic import Harness

    quiet_tls_warnings()
    out: dict = {"runs": runs, "cold_bytecode": cold_bytecode, "functions": {}}
    with (
        tempfile.TemporaryDirectory(prefix="newsroom-bench-first-") as tmp,
        Stack.start(ROOT / "appwrite.json", data_dir=tmp, realtime_cron=False, tls=True) as stack,
    ):
        harness = Harness(stack, due)
        operations = harness.operations()
        executor = stack.executions.runner.executor
        runner = stack.executions.runner
        for fid, op_name in REPRESENTATIVE.items():
            if only and fid not in only:
                continue
            prepare = next(
                p for name, (f, p) in operations.items() if f == fid and name.startswith(op_name)
            )
            deployment = runner.deployment(runner.spec(fid))
            environment = executor.prepare(deployment)
            if isinstance(environment, Exception):
                raise SystemExit(f"{fid}: {environment}")
            served = pathlib.Path(environment.root or deployment.root)
            floor = _floor_deployment(stack, environment.python)
            print(f"  first request of {fid} ({op_name}) and its floor …", flush=True)
            firsts, floors, calls, loads = [], [], [], []
            warms, floor_warms = [], []
            usage: dict[str, list] = {"first": [], "warm": [], "floor": [], "floor_warm": []}
            for i in range(runs + 1):
                invocation = prepare()
                stack.executions.wait_idle()
                executor.stop(fid)
                executor.warm(deployment)
                if cold_bytecode:
                    _purge_bytecode(served)
                pid = executor.worker_pid(fid)
                before = worker_usage(pid)
                model = harness.execute(invocation)
                first_used = _used(before, worker_usage(pid))
                stack.executions.wait_idle()
                n = harness.client.execution_stats(model["$id"])["requests"]
                executor.stop("bench-floor")
                executor.warm(floor)
                if cold_bytecode:
                    _purge_bytecode(floor.root)
                key = keys.mint_dynamic_key(
                    stack.project_id, stack.state.secret, ["users.read"], 60
                )
                floor_pid = executor.worker_pid("bench-floor")
                result, floor_used = _run_floor(executor, floor, floor_pid, key, n)
                if result.status_code != 200:
                    raise SystemExit(f"floor failed: {result.status_code} {result.errors[-500:]}")
                # The same again on the warm workers: what the server's work costs, so that
                # first − warm is the start-up cost alone (imports, schemas, connection).
                again_invocation = prepare()
                stack.executions.wait_idle()
                before = worker_usage(pid)
                again = harness.execute(again_invocation)
                warm_used = _used(before, worker_usage(pid))
                stack.executions.wait_idle()
                floor_again, floor_warm_used = _run_floor(executor, floor, floor_pid, key, n)
                if i:
                    warms.append(again["duration"] * 1000)
                    floor_warms.append(floor_again.duration * 1000)
                    firsts.append(model["duration"] * 1000)
                    floors.append(result.duration * 1000)
                    calls.append(n)
                    loads.append(os.getloadavg()[0])
                    for name, used in (
                        ("first", first_used),
                        ("warm", warm_used),
                        ("floor", floor_used),
                        ("floor_warm", floor_warm_used),
                    ):
                        usage[name].append(used)
            executor.stop("bench-floor")
            first, low = statistics.median(firsts), statistics.median(floors)
            over = statistics.median(f - b for f, b in zip(firsts, floors, strict=True))
            out["functions"][fid] = {
                "operation": op_name,
                "python": _version(environment.python),
                "calls": statistics.median(calls),
                "first_ms": first,
                "floor_ms": low,
                "over_floor_ms": over,
                "over_floor_min_ms": min(firsts) - min(floors),
                "warm_ms": statistics.median(warms),
                "floor_warm_ms": statistics.median(floor_warms),
                "startup_over_floor_ms": statistics.median(
                    (f - w) - (b - bw)
                    for f, w, b, bw in zip(firsts, warms, floors, floor_warms, strict=True)
                ),
                "ratio": first / low,
                "load_1min": statistics.median(loads),
                **_cpu_figures(usage),
            }
    return out


def _cpu_figures(usage: dict[str, list]) -> dict:
    """The CPU and page-fault figures of one function's rounds (empty without /proc)."""
    rounds = [
        r
        for r in zip(*(usage[k] for k in ("first", "warm", "floor", "floor_warm")), strict=True)
        if all(u is not None for u in r)
    ]
    if not rounds:
        return {}
    return {
        "cpu_rounds": len(rounds),
        "cpu_first_ms": statistics.median(f[0] for f, _, _, _ in rounds),
        "cpu_floor_ms": statistics.median(b[0] for _, _, b, _ in rounds),
        "cpu_startup_over_floor_ms": statistics.median(
            (f[0] - w[0]) - (b[0] - bw[0]) for f, w, b, bw in rounds
        ),
        "faults_first": statistics.median(f[1] for f, _, _, _ in rounds),
        "faults_floor": statistics.median(b[1] for _, _, b, _ in rounds),
    }


def _version(python: pathlib.Path) -> str:
    import subprocess

    return subprocess.run(
        [str(python), "-c", "import platform; print(platform.python_version())"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()


def _cpu_cells(r: dict) -> str:
    if "cpu_first_ms" not in r:
        return "| — | — | — "
    return (
        f"| {r['cpu_first_ms']:.0f} / {r['cpu_floor_ms']:.0f} "
        f"| {r['cpu_startup_over_floor_ms']:+.0f} "
        f"| {r['faults_first']:,.0f} / {r['faults_floor']:,.0f} "
    )


def table(results: dict) -> str:
    lines = [
        "| function (first request) | Python | API calls | first request (ms) "
        "| floor, same calls (ms) | over the floor (ms, median of pairs) "
        "| over the floor (ms, best − best) | ratio | start-up over the floor's (ms) "
        "| worker CPU, first / floor (ms) | CPU start-up over the floor's (ms) "
        "| page faults, first / floor | load |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for fid, r in results["functions"].items():
        load = r.get("load_1min")
        lines.append(
            f"| {fid} ({r['operation']}) | {r.get('python', '?')} | {r['calls']:g} "
            f"| {r['first_ms']:.0f} | {r['floor_ms']:.0f} "
            f"| {r['over_floor_ms']:+.0f} | {r.get('over_floor_min_ms', float('nan')):+.0f} "
            f"| {r['ratio']:.2f}× | {r.get('startup_over_floor_ms', float('nan')):+.0f} "
            f"{_cpu_cells(r)}"
            f"| {'—' if load is None else f'{load:.1f}'} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench first-request", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--cold-bytecode",
        action="store_true",
        help="delete the deployment's own bytecode before each first request",
    )
    parser.add_argument(
        "--only",
        action="append",
        choices=sorted(REPRESENTATIVE),
        metavar="FUNCTION",
        help="measure only this function (repeatable); default: all of them",
    )
    args = parser.parse_args(argv)
    print(table(measure(args.runs, cold_bytecode=args.cold_bytecode, only=args.only)))
    return 0
