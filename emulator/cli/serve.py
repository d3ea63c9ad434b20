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
        description="Provision from appwrite.json, then serve the Appwrite API, every function "
        "(REST executions, its own URL, events, cron) on 127.0.0.1 until Ctrl-C.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
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
        help="a Python file whose `seed(client)` makes sample data through the test client "
        "(`emulator.testclient.AppwriteTestClient`) and returns what to print",
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


class SeedError(Exception):
    """The seed file cannot be loaded or has no `seed(client)`."""


def run_seed(path: Path, client) -> str:
    """Load `path` as a module and call its `seed(client)`."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(f"emulator_seed_{path.stem}", path)
    if spec is None or spec.loader is None or not path.is_file():
        raise SeedError(f"--seed {path}: not a Python file")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    if not callable(getattr(module, "seed", None)):
        raise SeedError(f"--seed {path}: defines no seed(client) function")
    return str(module.seed(client))


def run(args: argparse.Namespace) -> int:
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
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    signal.signal(signal.SIGINT, lambda *_: stopped.set())
    try:
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
        if stack.tls is not None:
            print(f"  TLS         trust {stack.tls.ca} (or REQUESTS_CA_BUNDLE={stack.tls.trust})")
        print("  functions:")
        for function in stack.manifest.functions:
            how = []
            if function.id in stack.function_urls:
                how.append(stack.function_urls[function.id])
            if function.events:
                how.append("events: " + ", ".join(function.events))
            if function.schedule:
                how.append(f"cron: {function.schedule} (UTC)")
            print(f"    {function.id:<22} {'; '.join(how) or 'REST executions only'}")
        print("Ctrl-C to stop.", flush=True)
        stopped.wait()
    finally:
        print("stopping …", flush=True)
        stack.close()
    return 0
