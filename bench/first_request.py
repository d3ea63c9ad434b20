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

`--instructions` counts instead of timing (Linux, with valgrind installed): each first
request and the floor's run once in a worker started under callgrind (`valgrind
--tool=callgrind`, through `Executor.wrap_worker`), whose counters are zeroed once the
worker is up and dumped once the execution has answered (`callgrind_control -z`/`-d`): the
instructions of that execution alone, in every thread of the worker. Those counts do not
depend on the machine's load — two runs agree within 0.3% — so the difference to the floor
is known to a few million instructions, where timings on this shared machine move by
±50 ms. "ms over the floor, estimated" converts that difference at the floor's own rate:
its native CPU time (median of `--native-runs` first requests, as above) ÷ its instruction
count. Under valgrind a first request takes 50–80 times as long, so the functions'
timeouts and the 30 s synchronous limit are lifted for this run only.

`--cold-bytecode` deletes the deployment's own `__pycache__` folders before each first
request: what a fresh Appwrite container sees when the build does not compile the
function's sources (the worker, run with `python -I`, writes bytecode beside the sources,
so a warm emulator otherwise reuses what the previous worker compiled).
"""

from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import dataclasses
import functools
import math
import os
import pathlib
import shutil
import statistics
import subprocess
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


@contextlib.contextmanager
def _harness(prefix: str, due: int):
    """A private emulator over TLS, as on Appwrite, with the operations of
    bench/traffic.py: yields (harness, each function's first request: fid → prepare)."""
    from emulator.stack import Stack

    from .traffic import Harness

    quiet_tls_warnings()
    with (
        tempfile.TemporaryDirectory(prefix=prefix) as tmp,
        Stack.start(ROOT / "appwrite.json", data_dir=tmp, realtime_cron=False, tls=True) as stack,
    ):
        harness = Harness(stack, due)
        operations = harness.operations()
        yield (
            harness,
            {
                fid: next(
                    p
                    for name, (f, p) in operations.items()
                    if f == fid and name.startswith(op_name)
                )
                for fid, op_name in REPRESENTATIVE.items()
            },
        )


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

    out: dict = {"runs": runs, "cold_bytecode": cold_bytecode, "functions": {}}
    with _harness("newsroom-bench-first-", due) as (harness, first_requests):
        stack = harness.stack
        executor = stack.executions.runner.executor
        runner = stack.executions.runner
        for fid, op_name in REPRESENTATIVE.items():
            if only and fid not in only:
                continue
            prepare = first_requests[fid]
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


def _in_order(functions: dict) -> list[tuple[str, dict]]:
    """The functions measured, in REPRESENTATIVE's order (bench/results.json sorts keys)."""
    return sorted(functions.items(), key=lambda item: list(REPRESENTATIVE).index(item[0]))


def table(results: dict) -> str:
    lines = [
        "| function (first request) | Python | API calls | first request (ms) "
        "| floor, same calls (ms) | over the floor (ms, median of pairs) "
        "| over the floor (ms, best − best) | ratio | start-up over the floor's (ms) "
        "| worker CPU, first / floor (ms) | CPU start-up over the floor's (ms) "
        "| page faults, first / floor | load |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for fid, r in _in_order(results["functions"]):
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


# -- instruction counts (--instructions) ---------------------------------------------------


def valgrind_missing() -> str | None:
    """Why instructions cannot be counted here, or None when they can."""
    for tool in ("valgrind", "callgrind_control"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed (Debian/Ubuntu: apt-get install valgrind)"
    return None


class _Callgrind:
    """Starts the workers of `wanted` function ids under callgrind and counts the
    instructions of one execution of such a worker."""

    def __init__(self, folder: pathlib.Path):
        self.folder = folder
        self.wanted: set[str] = set()

    def wrap(self, function_id: str, argv: list[str]) -> list[str]:
        if function_id not in self.wanted:
            return argv
        out = f"--callgrind-out-file={self.folder}/{function_id}.%p"
        return ["valgrind", "--tool=callgrind", "--quiet", out, *argv]

    def count(self, function_id: str, pid: int, run) -> tuple[object, int]:
        """(what `run()` returned, the instructions worker `pid` executed meanwhile)."""
        for old in self.folder.glob(f"{function_id}.{pid}*"):
            old.unlink()
        self._control("-z", pid)
        done = run()
        self._control("-d", pid)
        dumps = sorted(self.folder.glob(f"{function_id}.{pid}.*"))
        if not dumps:
            raise SystemExit(f"callgrind wrote no dump for {function_id} (pid {pid})")
        for line in dumps[-1].read_text(errors="replace").splitlines():
            if line.startswith(("summary:", "totals:")):
                return done, int(line.split()[1])
        raise SystemExit(f"no instruction total in {dumps[-1]}")

    @staticmethod
    def _control(flag: str, pid: int) -> None:
        completed = subprocess.run(
            ["callgrind_control", flag, str(pid)], capture_output=True, text=True, check=False
        )
        if completed.returncode != 0:
            raise SystemExit(f"callgrind_control {flag} {pid}: {completed.stdout[-300:]}")


def count_instructions(
    runs: int = 1, only: list[str] | None = None, native_runs: int = 5, due: int = 10
) -> dict:
    """Each function's first request and the floor's (same API calls), counted in
    instructions under callgrind; the floor's native CPU time converts the difference."""
    missing = valgrind_missing()
    if missing:
        raise SystemExit(f"--instructions: {missing}")
    out: dict = {"runs": runs, "native_runs": native_runs, "functions": {}}
    with (
        _harness("newsroom-bench-instr-", due) as (harness, first_requests),
        tempfile.TemporaryDirectory(prefix="newsroom-bench-callgrind-") as tmp,
    ):
        runner = harness.stack.executions.runner
        # Under valgrind a first request takes 50-80 times as long: no timeout for this run.
        runner.manifest = dataclasses.replace(
            runner.manifest,
            functions=tuple(dataclasses.replace(f, timeout=900) for f in runner.manifest.functions),
        )
        runner.sync_limit = 900
        runner.executor.start_timeout = 600
        callgrind = _Callgrind(pathlib.Path(tmp) / "callgrind")
        callgrind.folder.mkdir()
        runner.executor.wrap_worker = callgrind.wrap
        try:
            for fid, op_name in REPRESENTATIVE.items():
                if only and fid not in only:
                    continue
                print(f"  instructions of {fid} ({op_name}) and of its floor …", flush=True)
                out["functions"][fid] = {
                    "operation": op_name,
                    **_count_function(
                        harness, callgrind, fid, first_requests[fid], runs, native_runs
                    ),
                }
        finally:
            runner.executor.wrap_worker = None
    return out


def _count_function(harness, callgrind: _Callgrind, fid: str, prepare, runs, native_runs):
    """One function's counts (see `count_instructions`)."""
    from emulator.core import keys

    stack = harness.stack
    runner = stack.executions.runner
    executor = runner.executor
    deployment = runner.deployment(runner.spec(fid))
    environment = executor.prepare(deployment)
    if isinstance(environment, Exception):
        raise SystemExit(f"{fid}: {environment}")
    # no timeout under valgrind (the function's are lifted in `count_instructions`)
    floor = dataclasses.replace(_floor_deployment(stack, environment.python), timeout=900)
    key = keys.mint_dynamic_key(stack.project_id, stack.state.secret, ["users.read"], 900)

    def floor_run(pid: int, calls: int):
        done, used = _run_floor(executor, floor, pid, key, calls)
        if done.status_code != 200:
            raise SystemExit(f"floor failed: {done.status_code} {done.errors[-300:]}")
        return used

    # A native round first: it gives the API calls the floor makes, and writes any bytecode
    # missing before anything is counted; then the floor's native CPU time.
    invocation = prepare()
    stack.executions.wait_idle()
    executor.stop(fid)
    calls = harness.client.execution_stats(harness.execute(invocation)["$id"])["requests"]
    stack.executions.wait_idle()
    floor_cpu = []
    for _ in range(native_runs + 1):
        executor.stop("bench-floor")
        executor.warm(floor)
        used = floor_run(executor.worker_pid("bench-floor"), calls)
        if used is not None:
            floor_cpu.append(used[0])
    floor_cpu = floor_cpu[1:]  # the first one compiled the floor's bytecode
    firsts, floors = [], []
    with concurrent.futures.ThreadPoolExecutor(2) as pool:  # the two workers side by side
        for _ in range(runs):
            invocation = prepare()
            stack.executions.wait_idle()
            for worker in (fid, "bench-floor"):
                executor.stop(worker)
            callgrind.wanted = {fid, "bench-floor"}
            executor.warm(deployment)
            executor.warm(floor)
            callgrind.wanted = set()
            pid, floor_pid = executor.worker_pid(fid), executor.worker_pid("bench-floor")
            first = pool.submit(
                callgrind.count, fid, pid, functools.partial(harness.execute, invocation)
            )
            base = pool.submit(
                callgrind.count,
                "bench-floor",
                floor_pid,
                functools.partial(floor_run, floor_pid, calls),
            )
            (model, counted), (_, floor_counted) = first.result(), base.result()
            stack.executions.wait_idle()
            made = harness.client.execution_stats(model["$id"])["requests"]
            if made != calls:
                raise SystemExit(f"{fid}: {made} API calls under valgrind, {calls} before")
            firsts.append(counted)
            floors.append(floor_counted)
            for worker in (fid, "bench-floor"):
                executor.stop(worker)
    first_n, floor_n = statistics.median(firsts), statistics.median(floors)
    floor_ms = statistics.median(floor_cpu) if floor_cpu else None
    return {
        "python": _version(environment.python),
        "calls": calls,
        "instructions_first": first_n,
        "instructions_floor": floor_n,
        "instructions_over_floor": first_n - floor_n,
        "instructions_ratio": first_n / floor_n,
        "floor_cpu_ms": floor_ms,
        "over_floor_ms_estimated": (
            (first_n - floor_n) * floor_ms / floor_n if floor_ms else float("nan")
        ),
    }


def instructions_table(results: dict) -> str:
    lines = [
        "| function (first request) | Python | API calls | instructions, first / floor (M) "
        "| over the floor (M) | ratio | floor's native CPU (ms) "
        "| over the floor (ms, estimated) | target |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for fid, r in _in_order(results["functions"]):
        over_ms = r["over_floor_ms_estimated"]
        if math.isnan(over_ms):  # no /proc here: no native CPU time to convert with
            verdict = "—"
        else:
            verdict = "within 15 ms" if over_ms <= 15 else "**over 15 ms**"
        cpu = "—" if r["floor_cpu_ms"] is None else f"{r['floor_cpu_ms']:.0f}"
        lines.append(
            f"| {fid} ({r['operation']}) | {r['python']} | {r['calls']:g} "
            f"| {r['instructions_first'] / 1e6:,.1f} / {r['instructions_floor'] / 1e6:,.1f} "
            f"| {(r['instructions_over_floor']) / 1e6:+,.1f} | {r['instructions_ratio']:.3f}× "
            f"| {cpu} | {over_ms:+.1f} | {verdict} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench first-request", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--runs", type=int, default=None, help="runs per function (default 5)")
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
    parser.add_argument(
        "--instructions",
        action="store_true",
        help="count each first request's instructions under valgrind (callgrind) against the "
        "floor's, instead of timing it (--runs counted runs, default 1 here)",
    )
    parser.add_argument(
        "--native-runs",
        type=int,
        default=5,
        help="with --instructions: native runs of the floor that convert instructions to ms",
    )
    args = parser.parse_args(argv)
    if (args.runs is not None and args.runs < 1) or args.native_runs < 1:
        parser.error("--runs and --native-runs must be at least 1")
    if args.instructions:
        runs = args.runs or 1
        print(instructions_table(count_instructions(runs, args.only, args.native_runs)))
        return 0
    print(table(measure(args.runs or 5, cold_bytecode=args.cold_bytecode, only=args.only)))
    return 0
