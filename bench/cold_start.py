"""Cold start, first-request cost and peak memory of a function worker, per SDK version.

For each Appwrite SDK version: pack `bench/probe` as the CLI would, build it with its
own requirements into an isolated `runtime-env` on Python 3.12 (the functions' runtime;
the emulator's environment cache, as `serve` builds), then repeatedly start a fresh
worker and send one realistic first request.

* cold start    = worker process spawned → first response received
* first request = worker listening → first response (module import + first `main()`)
* peak memory   = the worker's max RSS after that first request
* warm request  = median of later requests to the same worker

Targets (issue 2): first request ≤ 150 ms, peak memory ≤ 45 MiB.
"""

from __future__ import annotations

import argparse
import json
import pathlib
import statistics
import tempfile
import time

from emulator.packaging import EnvironmentCache, collect, extract, pack
from emulator.runtime import Deployment, Executor, function_env

ROOT = pathlib.Path(__file__).resolve().parent.parent
RUNTIME = "python-3.12"
BODY = json.dumps({"title": "Hello", "body": "A first article.", "tags": ["news"]})
HEADERS = {
    "content-type": "application/json",
    "x-appwrite-key": "bench-key",
    "x-appwrite-trigger": "http",
}


def prepare(sdk: str, workdir: pathlib.Path) -> Deployment:
    root = extract(pack(collect(ROOT, "bench/probe", ["__pycache__"])), workdir / f"sdk-{sdk}")
    (root / "requirements.txt").write_text(f"appwrite=={sdk}\njsonschema==4.26.0\n")
    cache = EnvironmentCache.for_project(ROOT, report=print)
    python = cache.build(
        root, "pip install -r requirements.txt", RUNTIME, label=f"appwrite=={sdk}"
    ).python
    env = function_env(
        function_id="sdk-probe",
        function_name="SDK probe",
        deployment_id=sdk,
        project_id="newsroom",
        endpoint="http://127.0.0.1:9/v1",
    )
    return Deployment("sdk-probe", root=root, entrypoint="src/main.py", python=python, env=env)


def measure(dep: Deployment, runs: int, warm_requests: int = 20) -> dict:
    cold, first, memory, warm = [], [], [], []
    for i in range(runs + 1):  # run 0 compiles bytecode and is discarded
        with Executor() as executor:
            t0 = time.perf_counter()
            executor.warm(dep)
            t1 = time.perf_counter()
            result = executor.execute(
                dep, method="POST", path="/articles", headers=HEADERS, body=BODY
            )
            t2 = time.perf_counter()
            if result.status_code != 200:
                raise SystemExit(
                    f"probe failed: {result.status_code} {result.text} {result.errors}"
                )
            if i == 0:
                continue
            cold.append(t2 - t0)
            first.append(t2 - t1)
            memory.append(json.loads(result.body)["maxrss_kib"] / 1024)
            if i == 1:
                for _ in range(warm_requests):
                    t = time.perf_counter()
                    executor.execute(
                        dep, method="POST", path="/articles", headers=HEADERS, body=BODY
                    )
                    warm.append(time.perf_counter() - t)
    return {
        "cold_ms": statistics.median(cold) * 1000,
        "first_ms": statistics.median(first) * 1000,
        "first_min_ms": min(first) * 1000,
        "first_max_ms": max(first) * 1000,
        "memory_mib": statistics.median(memory),
        "warm_ms": statistics.median(warm) * 1000,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench cold-start", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--runs", type=int, default=7, help="fresh workers per SDK (default 7)")
    parser.add_argument("--sdk", action="append", help="SDK versions (default: 15.3.0 and 27.0.0)")
    args = parser.parse_args(argv)
    versions = args.sdk or ["15.3.0", "27.0.0"]
    rows = []
    with tempfile.TemporaryDirectory(prefix="newsroom-bench-") as tmp:
        for sdk in versions:
            dep = prepare(sdk, pathlib.Path(tmp))
            print(f"measuring appwrite=={sdk}: {args.runs} cold starts …", flush=True)
            rows.append((sdk, measure(dep, args.runs)))
    print()
    print(
        "| appwrite SDK | cold start (ms) | first request (ms, median [min–max]) "
        "| peak memory (MiB) | warm request (ms) |"
    )
    print("|---|---|---|---|---|")
    for sdk, r in rows:
        spread = f"{r['first_min_ms']:.0f}–{r['first_max_ms']:.0f}"
        print(
            f"| {sdk} | {r['cold_ms']:.0f} | {r['first_ms']:.0f} [{spread}]"
            f" | {r['memory_mib']:.1f} | {r['warm_ms']:.1f} |"
        )
    return 0
