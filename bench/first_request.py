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


def _purge_bytecode(root: pathlib.Path) -> None:
    """Delete the deployment's own `__pycache__` folders (not its runtime-env's)."""
    for dirpath, dirnames, _ in os.walk(root, followlinks=True):
        dirnames[:] = [d for d in dirnames if d != "runtime-env"]
        if "__pycache__" in dirnames:
            shutil.rmtree(os.path.join(dirpath, "__pycache__"), ignore_errors=True)
            dirnames.remove("__pycache__")


def measure(runs: int = 5, due: int = 10, cold_bytecode: bool = False) -> dict:
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
            for i in range(runs + 1):
                invocation = prepare()
                stack.executions.wait_idle()
                executor.stop(fid)
                executor.warm(deployment)
                if cold_bytecode:
                    _purge_bytecode(served)
                model = harness.execute(invocation)
                stack.executions.wait_idle()
                n = harness.client.execution_stats(model["$id"])["requests"]
                executor.stop("bench-floor")
                executor.warm(floor)
                if cold_bytecode:
                    _purge_bytecode(floor.root)
                key = keys.mint_dynamic_key(
                    stack.project_id, stack.state.secret, ["users.read"], 60
                )
                result = executor.execute(
                    floor,
                    method="POST",
                    path="/",
                    headers={"x-appwrite-key": key, "x-bench-calls": str(n)},
                )
                if result.status_code != 200:
                    raise SystemExit(f"floor failed: {result.status_code} {result.errors[-500:]}")
                # The same again on the warm workers: what the server's work costs, so that
                # first − warm is the start-up cost alone (imports, schemas, connection).
                again = harness.execute(prepare())
                stack.executions.wait_idle()
                floor_again = executor.execute(
                    floor,
                    method="POST",
                    path="/",
                    headers={"x-appwrite-key": key, "x-bench-calls": str(n)},
                )
                if i:
                    warms.append(again["duration"] * 1000)
                    floor_warms.append(floor_again.duration * 1000)
                    firsts.append(model["duration"] * 1000)
                    floors.append(result.duration * 1000)
                    calls.append(n)
                    loads.append(os.getloadavg()[0])
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
            }
    return out


def _version(python: pathlib.Path) -> str:
    import subprocess

    return subprocess.run(
        [str(python), "-c", "import platform; print(platform.python_version())"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()


def table(results: dict) -> str:
    lines = [
        "| function (first request) | Python | API calls | first request (ms) "
        "| floor, same calls (ms) | over the floor (ms, median of pairs) "
        "| over the floor (ms, best − best) | ratio | start-up over the floor's (ms) | load |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for fid, r in results["functions"].items():
        load = r.get("load_1min")
        lines.append(
            f"| {fid} ({r['operation']}) | {r.get('python', '?')} | {r['calls']:g} "
            f"| {r['first_ms']:.0f} | {r['floor_ms']:.0f} "
            f"| {r['over_floor_ms']:+.0f} | {r.get('over_floor_min_ms', float('nan')):+.0f} "
            f"| {r['ratio']:.2f}× | {r.get('startup_over_floor_ms', float('nan')):+.0f} "
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
    args = parser.parse_args(argv)
    print(table(measure(args.runs, cold_bytecode=args.cold_bytecode)))
    return 0
