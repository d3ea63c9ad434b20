"""The `--manifest PATH` option shared by every command that reads appwrite.json."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_manifest_option(parser: argparse.ArgumentParser) -> None:
    """Add `--manifest PATH` (default: found like the Appwrite CLI does, from the cwd upwards)."""
    parser.add_argument(
        "--manifest",
        type=Path,
        metavar="PATH",
        help="the project file (default: appwrite.config.json, else appwrite.json, "
        "in the current folder or the nearest parent that has one)",
    )


def manifest_path(args: argparse.Namespace) -> Path | None:
    """The manifest path to use: `--manifest`, else the one found from the cwd, else None."""
    if args.manifest is not None:
        return args.manifest
    from emulator.manifest import find_manifest

    return find_manifest(Path.cwd())
