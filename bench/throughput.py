"""Synchronous executions per second (issue 13, item 6): through the REST executions
endpoint (`functions.create_execution`, the SDK) and through a function URL (raw HTTP),
with 1 and 4 concurrent clients; p50/p99 latency. The function is `articles GET /health`
(no API call), so this is the emulator's own cost of an execution. Anchor in the same
run: an empty request's round trip to the API (the HTTP floor), same client and transport.
Plain HTTP with a kept-alive client per thread, so the numbers are the emulator's.
"""

from __future__ import annotations

import argparse
import pathlib
import statistics
import tempfile
import threading
import time

from .common import percentile

ROOT = pathlib.Path(__file__).resolve().parent.parent


def _load(call, clients: int, per_client: int) -> dict:
    samples: list[float] = []
    lock = threading.Lock()

    def worker():
        local = call()
        mine = []
        for _ in range(per_client):
            started = time.perf_counter()
            local()
            mine.append(time.perf_counter() - started)
        with lock:
            samples.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    return {
        "per_s": len(samples) / elapsed,
        "p50_ms": statistics.median(samples) * 1000,
        "p99_ms": percentile(samples, 99) * 1000,
    }


def _interleaved(calls: dict, rounds: int) -> dict:
    """One client: each round calls every path once, in turn."""
    made = {name: make() for name, make in calls.items()}
    samples: dict[str, list[float]] = {name: [] for name in calls}
    for _ in range(rounds):
        for name, call in made.items():
            started = time.perf_counter()
            call()
            samples[name].append(time.perf_counter() - started)
    return {
        f"{name}_1": {
            "per_s": len(values) / sum(values),
            "p50_ms": statistics.median(values) * 1000,
            "p99_ms": percentile(values, 99) * 1000,
        }
        for name, values in samples.items()
    }


def measure(requests_per_client: int = 100, concurrencies: tuple[int, ...] = (1, 4)) -> dict:
    import httpx

    from emulator.stack import Stack

    out: dict = {}
    with (
        tempfile.TemporaryDirectory(prefix="newsroom-bench-rate-") as tmp,
        Stack.start(ROOT / "appwrite.json", data_dir=tmp, realtime_cron=False) as stack,
    ):
        url = stack.function_urls["articles"] + "/health"
        rest = f"{stack.endpoint}/functions/articles/executions"
        headers = {"x-appwrite-project": stack.project_id, "x-appwrite-key": stack.api_key}
        body = {"path": "/health", "method": "GET", "async": False}

        def empty():
            client = httpx.Client(timeout=60)
            return lambda: client.get(stack.endpoint + "/", headers={})

        def via_url():
            client = httpx.Client(timeout=60)

            def call():
                response = client.get(url)
                if response.status_code != 200:
                    raise SystemExit(f"function URL: {response.status_code} {response.text[:200]}")

            return call

        def via_rest():
            client = httpx.Client(timeout=60)

            def call():
                response = client.post(rest, json=body, headers=headers)
                if response.status_code != 201 or response.json()["status"] != "completed":
                    raise SystemExit(
                        f"REST execution: {response.status_code} {response.text[:200]}"
                    )

            return call

        via_url()()  # warm the worker
        for clients in concurrencies:
            n = requests_per_client if clients == 1 else requests_per_client // 2
            print(f"  {clients} client(s) …", flush=True)
            if clients == 1:  # interleaved: a burst of load hits the anchor and the paths alike
                out.update(_interleaved({"empty": empty, "url": via_url, "rest": via_rest}, n))
                continue
            for name, call in (("empty", empty), ("url", via_url), ("rest", via_rest)):
                out[f"{name}_{clients}"] = _load(call, clients, n)
        for clients in concurrencies:
            floor = out[f"empty_{clients}"]["p50_ms"]
            for name in ("url", "rest"):
                out[f"{name}_{clients}"]["ratio"] = out[f"{name}_{clients}"]["p50_ms"] / floor
    return out


def table(results: dict) -> str:
    lines = [
        "| path | clients | executions/s | p50 (ms) | p99 (ms) | p50 ÷ empty request |",
        "|---|---|---|---|---|---|",
    ]
    for clients in (1, 4):
        if f"empty_{clients}" not in results:
            continue
        e = results[f"empty_{clients}"]
        lines.append(
            f"| empty API request (anchor) | {clients} | {e['per_s']:.0f} req/s "
            f"| {e['p50_ms']:.2f} "
            f"| {e['p99_ms']:.2f} | 1 |"
        )
        for name, label in (("rest", "REST executions endpoint"), ("url", "function URL")):
            r = results[f"{name}_{clients}"]
            lines.append(
                f"| {label} | {clients} | {r['per_s']:.0f} | {r['p50_ms']:.2f} | {r['p99_ms']:.2f} "
                f"| {r['ratio']:.2f}× |"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench throughput", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--requests", type=int, default=100, help="per client with 1 client")
    args = parser.parse_args(argv)
    print(table(measure(args.requests)))
    return 0
