"""`python -m emulator invoke FUNCTION`: a REST execution against the running emulator."""

from __future__ import annotations

import argparse
import contextlib
import json

from ._remote import NotRunning, add_data_option, admin_client, appwrite_error, credentials, fail


def register(subcommands) -> None:
    parser = subcommands.add_parser(
        "invoke",
        help="execute a function over the REST API (as createExecution does)",
        description=(
            "Execute FUNCTION through POST /v1/functions/{id}/executions on the running emulator, "
            "with the admin key or as a user, and print the response, logs and errors."
        ),
    )
    parser.add_argument("function", help="function id, e.g. articles")
    parser.add_argument(
        "--path", default="/", help="path and query, e.g. '/articles?limit=5' (default /)"
    )
    parser.add_argument(
        "--method",
        default="POST",
        choices=["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD"],
    )
    parser.add_argument(
        "--body",
        default="",
        help="request body (a JSON body also needs "
        "--header content-type:application/json, as on Appwrite)",
    )
    parser.add_argument(
        "--header", action="append", default=[], metavar="K:V", help="request header (repeatable)"
    )
    parser.add_argument(
        "--as-user",
        metavar="EMAIL",
        help="execute as this user (a JWT is made for them) instead of with the admin key",
    )
    parser.add_argument(
        "--async", dest="asynchronous", action="store_true", help="do not wait (202)"
    )
    add_data_option(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from appwrite.exception import AppwriteException
    from appwrite.services.functions import Functions

    headers = {}
    for item in args.header:
        key, sep, value = item.partition(":")
        if not sep or not key.strip():
            return fail(f"--header {item!r} is not K:V")
        headers[key.strip()] = value.strip()
    try:
        creds = credentials(args)
        client = admin_client(creds)
        if args.as_user:
            client = _user_client(client, creds, args.as_user)
        execution = Functions(client).create_execution(
            args.function,
            body=args.body,
            xasync=args.asynchronous,
            path=args.path,
            method=args.method,
            headers=headers,
        )
    except NotRunning as e:
        return fail(str(e))
    except LookupError as e:
        return fail(str(e))
    except AppwriteException as e:
        return appwrite_error(e)
    print(
        f"execution {execution['$id']}: {execution['status']}, "
        f"HTTP {execution['responseStatusCode']}, {execution['duration']:.3f}s"
    )
    body = execution["responseBody"]
    with contextlib.suppress(ValueError):
        body = json.dumps(json.loads(body), indent=2)
    if body:
        print(body)
    if execution.get("logs"):
        print("--- logs\n" + execution["logs"].rstrip())
    if execution.get("errors"):
        print("--- errors\n" + execution["errors"].rstrip())
    return 0 if execution["status"] != "failed" else 2


def _user_client(admin, creds: dict, email: str):
    from appwrite.client import Client
    from appwrite.query import Query
    from appwrite.services.users import Users

    users = Users(admin)
    found = users.list(queries=[Query.equal("email", [email])])["users"]
    if not found:
        raise LookupError(f"no user with email {email!r}")
    user_id = found[0]["$id"]
    session = users.create_session(user_id)
    jwt = users.create_jwt(user_id, session_id=session["$id"])["jwt"]
    return Client().set_endpoint(creds["endpoint"]).set_project(creds["projectId"]).set_jwt(jwt)
