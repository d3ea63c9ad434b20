"""The keep-alive pool of `shared/connections.py` under whichever appwrite SDK this
interpreter has (15.3 in .venv, 27 in .venv-sdk27): `--calls` SDK calls
(`users.list`, limit 1) over TLS to a bare emulator, with the SDK's own transport (a new
connection per call) and with the pool, interleaved; p50 per call and connections opened.
The Newsroom functions themselves run on 15.3 only (under 27 the SDK returns models,
which their code does not read), so this is how the SDK 27 line is measured.

    .venv/bin/python -m bench sdk-pool
    .venv-sdk27/bin/python -m bench sdk-pool
"""

from __future__ import annotations

import argparse
import importlib.metadata
import os
import pathlib
import statistics
import tempfile
import time


def measure(calls: int = 200) -> dict:
    from appwrite.client import Client
    from appwrite.services.users import Users

    from emulator.app import create_app
    from emulator.core.state import EmulatorState
    from emulator.http.tls import ensure_certificates
    from emulator.server import start
    from shared import connections

    with tempfile.TemporaryDirectory(prefix="newsroom-bench-pool-") as tmp:
        tls = ensure_certificates(pathlib.Path(tmp) / "tls")
        state = EmulatorState.open(pathlib.Path(tmp) / "db", project_id="bench")
        running = start(state, app=create_app(state), tls=tls)
        saved = os.environ.get("REQUESTS_CA_BUNDLE")
        os.environ["REQUESTS_CA_BUNDLE"] = str(tls.trust)
        try:
            client = Client().set_endpoint(running.endpoint).set_project("bench")
            users = Users(client.set_key(state.admin_key))
            traffic = running.app.state.traffic
            import appwrite.client as sdk

            real = sdk.requests
            connections.install()
            pooled, sdk.requests = sdk.requests, real
            samples: dict[str, list[float]] = {"per-call": [], "keep-alive": []}
            opened = dict.fromkeys(samples, 0)
            for i in range(calls + 5):  # interleaved; the first 5 rounds warm up
                for mode, transport in (("per-call", real), ("keep-alive", pooled)):
                    sdk.requests = transport
                    before = traffic.accepted
                    started = time.perf_counter()
                    users.list()
                    elapsed = time.perf_counter() - started
                    if i >= 5:
                        samples[mode].append(elapsed)
                        opened[mode] += traffic.accepted - before
            sdk.requests = pooled
            connections.uninstall()
        finally:
            if saved is None:
                os.environ.pop("REQUESTS_CA_BUNDLE", None)
            else:
                os.environ["REQUESTS_CA_BUNDLE"] = saved
            running.stop()
    return {
        "sdk": importlib.metadata.version("appwrite"),
        "calls": calls,
        **{
            mode: {
                "p50_ms": statistics.median(values) * 1000,
                "connections_per_call": opened[mode] / calls,
            }
            for mode, values in samples.items()
        },
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench sdk-pool", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--calls", type=int, default=200)
    args = parser.parse_args(argv)
    r = measure(args.calls)
    print(
        f"| appwrite {r['sdk']} | {r['per-call']['p50_ms']:.2f} "
        f"({r['per-call']['connections_per_call']:.2f} conn./call) "
        f"| {r['keep-alive']['p50_ms']:.2f} "
        f"({r['keep-alive']['connections_per_call']:.3f} conn./call) "
        f"| {r['per-call']['p50_ms'] / r['keep-alive']['p50_ms']:.2f}× |"
    )
    return 0
