"""Function environments: cold build, cached start, and the first request on them.

* cold build    = one function's environment built into an empty cache: runtime-env on
                  the declared Python, `pip install -r requirements.txt` (pip's own
                  download cache as it is on this machine), time-machine for the clock
* cached start  = `Stack.start` + `close` of the whole project when every environment is
                  cached (a restart with nothing changed)
* first request = a fresh worker's first execution (process start, imports, `main()`,
                  its Appwrite calls), median of `--runs` after one discarded round;
                  `GET /articles` (imports the SDK, lists rows) and `GET /health`

`--stack-only` skips the cold build, so the same script measures a tree without
emulator.packaging.environments (the "before" numbers in docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import os
import pathlib
import statistics
import tempfile
import time

from emulator.services.executions.model import Invocation
from emulator.stack import Stack

ROOT = pathlib.Path(__file__).resolve().parent.parent


def cold_build(function_id: str) -> float:
    from emulator.manifest import load_manifest
    from emulator.packaging import EnvironmentCache, deploy_dir

    manifest = load_manifest(ROOT / "appwrite.json")
    spec = manifest.function(function_id)
    with tempfile.TemporaryDirectory(prefix="bench-envs-") as tmp:
        root = deploy_dir(spec, pathlib.Path(tmp) / "deployment", manifest.root)
        cache = EnvironmentCache(pathlib.Path(tmp) / "cache", report=print)
        started = time.perf_counter()
        cache.build(root, spec.commands, spec.runtime, label=function_id)
        return time.perf_counter() - started


def stack_numbers(runs: int) -> dict[str, float]:
    starts, first_articles, first_health = [], [], []
    with tempfile.TemporaryDirectory(prefix="bench-stack-") as tmp:
        for round_ in range(runs + 1):
            data = pathlib.Path(tmp) / f"data{round_}"
            started = time.perf_counter()
            stack = Stack.start(ROOT / "appwrite.json", data_dir=data, realtime_cron=False)
            ready = time.perf_counter()
            try:
                functions = stack.functions
                timings = []
                for path in ("/articles", "/health"):
                    functions.executor.stop("articles")  # a fresh worker for each first request
                    execution = functions.execute(
                        Invocation("articles", "http", method="GET", path=path, via_domain=True)
                    )
                    if execution["responseStatusCode"] != 200:
                        raise SystemExit(f"articles {path} failed: {execution['errors']}")
                    timings.append(execution["duration"])
            finally:
                stack.close()
            if round_:  # round 0 builds or compiles what is missing; discarded
                starts.append(ready - started)
                first_articles.append(timings[0])
                first_health.append(timings[1])
    return {
        "start_ms": statistics.median(starts) * 1000,
        "first_articles_ms": statistics.median(first_articles) * 1000,
        "first_health_ms": statistics.median(first_health) * 1000,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench environments", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--runs", type=int, default=5, help="measured rounds (default 5)")
    parser.add_argument("--function", default="articles", help="whose environment to build")
    parser.add_argument("--stack-only", action="store_true", help="skip the cold build")
    args = parser.parse_args(argv)
    print(f"load average before: {os.getloadavg()[0]:.1f}")
    if not args.stack_only:
        seconds = cold_build(args.function)
        print(f"cold build of {args.function}'s environment: {seconds:.1f} s")
    numbers = stack_numbers(args.runs)
    print(
        f"Stack.start with every environment cached: {numbers['start_ms']:.0f} ms; "
        f"first request GET /articles {numbers['first_articles_ms']:.0f} ms, "
        f"GET /health {numbers['first_health_ms']:.0f} ms (medians of {args.runs})"
    )
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    return 0
