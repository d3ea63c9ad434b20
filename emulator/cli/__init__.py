"""The `python -m emulator` command line: one subcommand per module of this package.

A subcommand module (e.g. `emulator/cli/serve.py`) defines

    def register(subcommands: argparse._SubParsersAction) -> None:
        parser = subcommands.add_parser("serve", help="...")
        parser.set_defaults(handler=run)        # run(args) -> exit code

Modules are discovered automatically (names starting with `_` are skipped), so adding a
command touches no shared file. Keep heavy imports inside the handler: `--help` imports
every command module.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
from collections.abc import Sequence


def build_parser() -> argparse.ArgumentParser:
    """The top-level parser with every discovered subcommand registered."""
    parser = argparse.ArgumentParser(
        prog="python -m emulator",
        description=(
            "An offline Appwrite for any appwrite.json project: check, serve and drive the local "
            "emulator."
        ),
    )
    subcommands = parser.add_subparsers(title="commands", metavar="<command>", required=True)
    for module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if not module.name.startswith("_"):
            importlib.import_module(f"{__name__}.{module.name}").register(subcommands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Parse `argv` (default: sys.argv) and run the chosen command; returns the exit code."""
    args = build_parser().parse_args(argv)
    return int(args.handler(args) or 0)
