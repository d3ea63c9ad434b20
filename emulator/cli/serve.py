"""`python -m emulator serve`: the whole local stack until Ctrl-C or SIGTERM."""

from __future__ import annotations

import argparse
from pathlib import Path

from ._manifest_option import add_manifest_option, manifest_path
from ._remote import DEFAULT_DATA_DIR


def register(subcommands) -> None:
    parser = subcommands.add_parser(
        "serve",
        help="start the emulator: API, all functions, function URLs, cron",
        description="Provision from appwrite.json, then serve the Appwrite API, the console "
        "(/console on the same port), every function (REST executions, its own URL, events, "
        "cron) on 127.0.0.1 until Ctrl-C, printing each finished execution.",
    )
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to bind (default 127.0.0.1); the console at /console answers clients "
        "other than loopback ones only when this is not a loopback address",
    )
    parser.add_argument(
        "--port",
        type=int,
        default=8090,
        help="API port; function URLs use the next ports (default 8090)",
    )
    parser.add_argument(
        "--data",
        default=DEFAULT_DATA_DIR,
        metavar="DIR",
        help=f"where the SQLite file, keys and credentials.json live (default {DEFAULT_DATA_DIR})",
    )
    parser.add_argument("--reset", action="store_true", help="delete the data folder first")
    parser.add_argument(
        "--seed",
        metavar="FILE",
        type=Path,
        help="sample data: a JSON or YAML seed file (users, teams, memberships, rows, files; "
        "see docs/emulator.md), or a Python file whose `seed(client)` makes it through the test "
        "client (`emulator.testclient.AppwriteTestClient`) and returns what to print",
    )
    parser.add_argument(
        "--import",
        dest="import_dir",
        metavar="DIR",
        type=Path,
        help="load a state exported with `python -m emulator export` into the (empty) project "
        "before serving",
    )
    parser.add_argument(
        "--export-on-exit",
        metavar="DIR",
        type=Path,
        help="export the state into DIR when stopping (Ctrl-C or SIGTERM)",
    )
    parser.add_argument(
        "--quiet",
        action="store_true",
        help="do not print a line (and the logs) of each finished execution",
    )
    parser.add_argument(
        "--tls",
        action="store_true",
        help="serve the API and function URLs over HTTPS, as Appwrite does (a certificate for "
        "127.0.0.1/localhost is generated into DIR/tls/ and reused; functions trust it)",
    )
    parser.add_argument(
        "--loop-limit",
        type=int,
        default=3,
        metavar="N",
        help="stop an event chain that re-enters the same function more than N times (default 3)",
    )
    add_manifest_option(parser)
    parser.set_defaults(handler=run)


def run_seed(path: Path, client) -> str:
    """Apply a seed file through the test client: JSON or YAML (users, teams, memberships,
    rows, files; `emulator/statefiles/seed.py`), or a Python file whose `seed(client)` makes
    the data. Returns what to print."""
    return client.apply_seed(path)


def run(args: argparse.Namespace) -> int:
    import contextlib
    import signal
    import threading

    from emulator.manifest import ManifestError
    from emulator.stack import Stack

    path = manifest_path(args)
    if path is None:
        print("error: no appwrite.json found here or above; pass --manifest PATH")
        return 1
    try:
        stack = Stack.start(
            path,
            data_dir=args.data,
            host=args.host,
            port=args.port,
            reset=args.reset,
            loop_limit=args.loop_limit,
            tls=args.tls,
        )
    except ManifestError as e:
        print(f"error: {e}")
        return 1
    except OSError as e:
        print(
            f"error: cannot listen on {args.host}:{args.port}: {e.strerror}. "
            "Is another emulator running? Use --port to pick another."
        )
        return 1
    stopped = threading.Event()
    serving = False
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    signal.signal(signal.SIGINT, lambda *_: stopped.set())
    try:
        if args.import_dir:
            from emulator.statefiles import StateFileError, import_state

            try:
                counts = import_state(stack.state, args.import_dir)
            except StateFileError as e:
                print(f"error: --import {args.import_dir}: {e}", flush=True)
                return 1
            print(f"imported {_counted(counts)} from {args.import_dir}", flush=True)
        if args.seed:
            from emulator.testclient import AppwriteTestClient

            try:
                print(run_seed(args.seed, AppwriteTestClient(stack)), flush=True)
            except Exception as e:  # the seed is the user's code: report it, stop cleanly
                print(f"error: seeding from {args.seed} failed: {e}", flush=True)
                return 1
        print(f"Appwrite emulator for project '{stack.project_id}'", flush=True)
        print(f"  endpoint    {stack.endpoint}")
        print(f"  project id  {stack.project_id}")
        print(f"  API key     {stack.api_key}")
        print(f"  data        {stack.data_dir}/  (credentials.json has all of this)")
        print(f"  console     {stack.console_url}  (log in with the API key)")
        if stack.tls is not None:
            print(f"  TLS         trust {stack.tls.ca} (or REQUESTS_CA_BUNDLE={stack.tls.trust})")
        print("  functions:")
        for function in stack.manifest.functions:
            how = [stack.function_urls[function.id]]
            if function.id in stack.moved_ports:
                how[0] += f" (port {stack.moved_ports[function.id]} was taken)"
            if not {"any", "guests"} & set(function.execute):
                how[0] += " (401: execute has no any/guests)"
            if function.events:
                how.append("events: " + ", ".join(function.events))
            if function.schedule:
                how.append(f"cron: {function.schedule} (UTC)")
            print(f"    {function.id:<22} {'; '.join(how)}")
        if not args.quiet:
            from emulator.services.executions.livelog import LiveLog

            stack.executions.runner.on_finish(LiveLog(lambda text: print(text, flush=True)))
            print("Executions are logged below as they finish (--quiet to silence).")
        print("Ctrl-C to stop.", flush=True)
        serving = True
        stopped.wait()
    finally:
        print("stopping …", flush=True)
        if args.export_on_exit and serving:
            from emulator.statefiles import export_state

            with contextlib.suppress(TimeoutError):
                stack.executions.wait_idle(30)
            counts = export_state(stack.state, args.export_on_exit)
            print(f"exported {_counted(counts)} to {args.export_on_exit}", flush=True)
        stack.close()
    return 0


def _counted(counts: dict) -> str:
    return ", ".join(f"{n} {what}" for what, n in counts.items())
