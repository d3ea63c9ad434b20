"""`python -m emulator emit`: make a real write (a row or a user) so its events fire."""

from __future__ import annotations

import argparse
import json

from ._manifest_option import add_manifest_option, manifest_path
from ._remote import NotRunning, add_data_option, admin_client, appwrite_error, credentials, fail


def register(subcommands) -> None:
    parser = subcommands.add_parser(
        "emit",
        help="create a row or a user to fire its events",
        description=(
            "Create a row or a user through the API with the admin key; every function subscribed "
            "to the generated events runs asynchronously (see `executions`)."
        ),
    )
    kinds = parser.add_subparsers(dest="kind", required=True, metavar="<row|user>")
    row = kinds.add_parser("row", help="create a row (fires databases.*.tables.*.rows.*.create)")
    row.add_argument(
        "--database", help="database id (default: the manifest's database, when it has one)"
    )
    row.add_argument("--table", required=True, help="table id, e.g. articles")
    row.add_argument(
        "--values", required=True, metavar="JSON", help="the row's columns as a JSON object"
    )
    row.add_argument("--id", default="unique()", help="row id (default: generated)")
    row.add_argument("--permissions", default=None, help='JSON list, e.g. \'["read(\\"any\\")"]\'')
    user = kinds.add_parser("user", help="create a user (fires users.*.create)")
    user.add_argument("--email", required=True)
    user.add_argument("--password", required=True)
    user.add_argument("--name", default="")
    add_manifest_option(row)
    for sub in (row, user):
        add_data_option(sub)
        sub.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from appwrite.exception import AppwriteException

    try:
        client = admin_client(credentials(args))
    except NotRunning as e:
        return fail(str(e))
    try:
        if args.kind == "row":
            try:
                data = json.loads(args.values)
                permissions = json.loads(args.permissions) if args.permissions else None
            except ValueError as e:
                return fail(f"--values/--permissions must be JSON: {e}")
            from appwrite.services.tables_db import TablesDB

            if args.database is None:
                args.database = _only_database(args)
            created = TablesDB(client).create_row(
                args.database, args.table, args.id, data, permissions
            )
            print(f"row {created['$id']} created in {args.database}/{args.table}")
        else:
            from appwrite.services.users import Users

            created = Users(client).create(
                "unique()", email=args.email, password=args.password, name=args.name
            )
            print(f"user {created['$id']} created ({created['email']})")
    except AppwriteException as e:
        return appwrite_error(e)
    except LookupError as e:
        return fail(str(e))
    print(
        "events fired; subscribed functions run in the background: `python -m emulator executions`"
    )
    return 0


def _only_database(args: argparse.Namespace) -> str:
    """The manifest's database when it declares exactly one; else ask for --database."""
    from emulator.manifest import load_manifest

    path = manifest_path(args)
    databases = [d.id for d in load_manifest(path).databases] if path else []
    if len(databases) != 1:
        raise LookupError(
            f"pass --database: the manifest declares {len(databases)} databases "
            f"({', '.join(databases) or 'none'})"
        )
    return databases[0]
