"""`python -m emulator export DIR` and `python -m emulator import DIR`: the state of a data
folder as versioned JSON files (format: `emulator/statefiles/export.py`, docs/emulator.md)."""

from __future__ import annotations

import argparse
import pathlib

from ._manifest_option import add_manifest_option, manifest_path
from ._remote import DEFAULT_DATA_DIR

STATE_FOLDER = "db"  # where `emulator.stack` keeps the SQLite file inside the data folder
FORMAT_HELP = (
    "DIR gets export.json (format, version, project, tables, counts), users.json (with "
    "password hashes), teams.json, memberships.json, tables/<databaseId>/<tableId>.json (rows "
    "with $id, $createdAt, $updatedAt, $permissions) and, with --executions, executions.json."
)


def register(subcommands) -> None:
    export = subcommands.add_parser(
        "export",
        help="write the project's state (rows, users, teams, memberships) to JSON files",
        description="Export the state of a data folder to DIR as human-readable, versioned "
        "JSON that `import` (or `serve --import`) loads back exactly. " + FORMAT_HELP,
    )
    export.add_argument("directory", metavar="DIR", type=pathlib.Path)
    _data_option(export)
    export.add_argument(
        "--executions", action="store_true", help="also the stored executions (with their logs)"
    )
    add_manifest_option(export)
    export.set_defaults(handler=run_export)

    load = subcommands.add_parser(
        "import",
        help="load a state written by `export` into a fresh data folder",
        description="Provision the data folder from appwrite.json, then load DIR (written by "
        "`export`) into it without firing events. The project must hold no users, teams or "
        "rows yet (--reset empties the folder first); stop `serve` on that folder first, or "
        "use `serve --import DIR`. " + FORMAT_HELP,
    )
    load.add_argument("directory", metavar="DIR", type=pathlib.Path)
    _data_option(load)
    load.add_argument("--reset", action="store_true", help="delete the data folder first")
    add_manifest_option(load)
    load.set_defaults(handler=run_import)


def _data_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data",
        type=pathlib.Path,
        default=pathlib.Path(DEFAULT_DATA_DIR),
        metavar="FOLDER",
        help=f"the emulator's data folder (default {DEFAULT_DATA_DIR})",
    )


def _open(args: argparse.Namespace, *, provision_it: bool):
    from emulator.core.state import EmulatorState
    from emulator.manifest import load_manifest

    path = manifest_path(args)
    if path is None:
        raise SystemExit("error: no appwrite.json found here or above; pass --manifest PATH")
    manifest = load_manifest(path)
    state = EmulatorState.open(args.data / STATE_FOLDER, project_id=manifest.project_id)
    if provision_it:
        from emulator.services.storage.provision import provision as provision_buckets
        from emulator.services.tablesdb.provision import provision

        provision(state, manifest)
        provision_buckets(state, manifest)  # an export's files go into the manifest's buckets
    return state


def run_export(args: argparse.Namespace) -> int:
    from emulator.core.state import DATABASE_FILE
    from emulator.statefiles import export_state

    if not (args.data / STATE_FOLDER / DATABASE_FILE).exists():
        print(f"error: {args.data} holds no emulator data")
        return 1
    state = _open(args, provision_it=False)
    counts = export_state(state, args.directory, executions=args.executions)
    state.db.close()
    print(f"exported {_counted(counts)} to {args.directory}")
    return 0


def run_import(args: argparse.Namespace) -> int:
    import shutil

    from emulator.stack import CREDENTIALS_FILE
    from emulator.statefiles import StateFileError, import_state

    if (args.data / CREDENTIALS_FILE).exists():
        print(
            f"error: a server is serving {args.data} (credentials.json is there): stop it, "
            "or use `serve --import DIR`"
        )
        return 1
    if args.reset and args.data.exists():
        shutil.rmtree(args.data)
    state = _open(args, provision_it=True)
    try:
        counts = import_state(state, args.directory)
    except StateFileError as e:
        print(f"error: {e}")
        return 1
    finally:
        state.db.close()
    print(f"imported {_counted(counts)} into {args.data}")
    return 0


def _counted(counts: dict) -> str:
    return ", ".join(f"{n} {what}" for what, n in counts.items())
