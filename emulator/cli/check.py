"""`python -m emulator check`: validate appwrite.json the way the Appwrite CLI and server would."""

from __future__ import annotations

import argparse
import sys

from ._manifest_option import add_manifest_option, manifest_path


def register(subcommands: argparse._SubParsersAction) -> None:
    parser = subcommands.add_parser(
        "check",
        help="check appwrite.json (schema, events, cron, scopes, roles, tables, files)",
        description="Check the project manifest against the Appwrite CLI's config schema and the "
        "rules Appwrite applies, plus the function folders on disk. Exit code 0 if it is "
        "usable, 1 with one line per problem otherwise.",
    )
    add_manifest_option(parser)
    parser.set_defaults(handler=run)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def run(args: argparse.Namespace) -> int:
    from emulator.manifest import ManifestError, load_manifest

    path = manifest_path(args)
    if path is None:
        print(
            "no appwrite.config.json or appwrite.json in this folder or its parents",
            file=sys.stderr,
        )
        return 1
    try:
        manifest = load_manifest(path)
    except ManifestError as error:
        print(error)
        return 1
    counts = (
        f"{_plural(len(manifest.functions), 'function')}, {_plural(len(manifest.tables), 'table')}"
    )
    print(f"{path.name}: OK ({counts})")
    from emulator.runtime.interpreters import runtime_warnings  # the declared Pythons

    for warning in runtime_warnings((f.id, f.runtime) for f in manifest.functions):
        print(f"warning: {warning}")
    return 0
