"""First-request cost of each Newsroom function against the floor measured in the same
run (issue 13, item 4): a function that only imports `appwrite.client` and `jsonschema`
and makes the same number of API calls on one kept-alive connection (`bench/floor`).

For each function and `--runs` times (after one discarded round that compiles bytecode):
stop its worker, start a fresh one (not timed), time its first execution — module import,
first `main()` and its API calls — by the execution's duration; count its API calls with
the emulator's counters; then the same for the floor, in a fresh worker of its own, making
that many calls. Over TLS, as on Appwrite. Workers use the repo's environment (appwrite
15.3.0, jsonschema 4.26.0) under this interpreter (the emulator's runtime); the declared
runtime version is not built here.
"""

from __future__ import annotations

import argparse
import pathlib
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


def _floor_deployment(stack):
    import sys

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
        python=pathlib.Path(sys.executable),
        env=env,
    )


def measure(runs: int = 5, due: int = 10) -> dict:
    from emulator.core import keys
    from emulator.stack import Stack

    from .traffic import Harness

    quiet_tls_warnings()
    out: dict = {"runs": runs, "functions": {}}
    with (
        tempfile.TemporaryDirectory(prefix="newsroom-bench-first-") as tmp,
        Stack.start(ROOT / "appwrite.json", data_dir=tmp, realtime_cron=False, tls=True) as stack,
    ):
        harness = Harness(stack, due)
        operations = harness.operations()
        executor = stack.executions.runner.executor
        floor = _floor_deployment(stack)
        for fid, op_name in REPRESENTATIVE.items():
            prepare = next(
                p for name, (f, p) in operations.items() if f == fid and name.startswith(op_name)
            )
            print(f"  first request of {fid} ({op_name}) and its floor …", flush=True)
            firsts, floors, calls = [], [], []
            for i in range(runs + 1):
                invocation = prepare()
                stack.executions.wait_idle()
                executor.stop(fid)
                executor.warm(stack.executions.runner.deployment(stack.executions.runner.spec(fid)))
                model = harness.execute(invocation)
                stack.executions.wait_idle()
                n = harness.client.execution_stats(model["$id"])["requests"]
                executor.stop("bench-floor")
                executor.warm(floor)
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
                if i:
                    firsts.append(model["duration"] * 1000)
                    floors.append(result.duration * 1000)
                    calls.append(n)
            executor.stop("bench-floor")
            first, low = statistics.median(firsts), statistics.median(floors)
            out["functions"][fid] = {
                "operation": op_name,
                "calls": statistics.median(calls),
                "first_ms": first,
                "floor_ms": low,
                "over_floor_ms": first - low,
                "ratio": first / low,
            }
    return out


def table(results: dict) -> str:
    lines = [
        "| function (first request) | API calls | first request (ms) | floor, same calls (ms) "
        "| over the floor (ms) | ratio |",
        "|---|---|---|---|---|---|",
    ]
    for fid, r in results["functions"].items():
        lines.append(
            f"| {fid} ({r['operation']}) | {r['calls']:g} | {r['first_ms']:.0f} "
            f"| {r['floor_ms']:.0f} "
            f"| {r['over_floor_ms']:+.0f} | {r['ratio']:.2f}× |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench first-request", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    print(table(measure(args.runs)))
    return 0
