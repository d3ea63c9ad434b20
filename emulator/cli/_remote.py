"""What the client commands (`invoke`, `emit`, `tick`, `executions`) share: the running
server's credentials from `<data>/credentials.json`, and an SDK client made from them."""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import sys

DEFAULT_DATA_DIR = ".data"


def add_data_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data",
        type=pathlib.Path,
        default=pathlib.Path(DEFAULT_DATA_DIR),
        metavar="DIR",
        help=f"the data folder of the running `serve` (default: {DEFAULT_DATA_DIR})",
    )


class NotRunning(Exception):
    """No credentials.json: no server was started with this data folder."""


def credentials(args: argparse.Namespace) -> dict:
    path = args.data / "credentials.json"
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        raise NotRunning(
            f"no running emulator found: {path} does not exist. Start one with "
            f"`python -m emulator serve --data {args.data}`."
        ) from None


def admin_client(creds: dict):
    from appwrite.client import Client

    if "tls" in creds:  # serve --tls: the SDK verifies through requests' standard variable
        os.environ["REQUESTS_CA_BUNDLE"] = creds["tls"]["trust"]

    return (
        Client()
        .set_endpoint(creds["endpoint"])
        .set_project(creds["projectId"])
        .set_key(creds["apiKey"])
    )


def fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 1


def appwrite_error(exc) -> int:
    """Report an AppwriteException from the server as Appwrite phrased it."""
    kind = f" ({exc.type})" if getattr(exc, "type", None) else ""
    return fail(f"{exc.code}{kind}: {exc.message}")
