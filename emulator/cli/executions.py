"""`python -m emulator executions`: list executions (newest first) with the SDK."""

from __future__ import annotations

import argparse

from ._remote import NotRunning, add_data_option, admin_client, appwrite_error, credentials, fail


def register(subcommands) -> None:
    parser = subcommands.add_parser(
        "executions",
        help="list recent executions",
        description="List executions of one or every function, newest first.",
    )
    parser.add_argument("--function", metavar="ID", help="only this function")
    parser.add_argument(
        "--logs", action="store_true", help="print each execution's logs and errors"
    )
    parser.add_argument("--limit", type=int, default=10, help="per function (default 10)")
    add_data_option(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from appwrite.exception import AppwriteException
    from appwrite.query import Query
    from appwrite.services.functions import Functions

    from emulator.manifest import find_manifest, load_manifest

    try:
        creds = credentials(args)
    except NotRunning as e:
        return fail(str(e))
    if args.function:
        ids = [args.function]
    else:
        path = find_manifest()
        ids = [f.id for f in load_manifest(path).functions] if path else []
    functions = Functions(admin_client(creds))
    rows = []
    try:
        for function_id in ids:
            listed = functions.list_executions(
                function_id, queries=[Query.order_desc("$createdAt"), Query.limit(args.limit)]
            )
            rows += listed["executions"]
    except AppwriteException as e:
        return appwrite_error(e)
    rows.sort(key=lambda e: e["$createdAt"], reverse=True)
    if not rows:
        print("no executions yet")
    for e in rows:
        print(
            f"{e['$createdAt']}  {e['functionId']:<20} {e['trigger']:<8} {e['status']:<9} "
            f"HTTP {e['responseStatusCode']:<3} {e['requestMethod']} {e['requestPath']}  {e['$id']}"
        )
        if args.logs:
            for label in ("logs", "errors"):
                if e.get(label):
                    print(
                        f"    --- {label}\n"
                        + "\n".join("    " + line for line in e[label].rstrip().splitlines())
                    )
    return 0
