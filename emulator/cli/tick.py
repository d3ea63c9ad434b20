"""`python -m emulator tick --at TIME`: run the cron executions due at TIME."""

from __future__ import annotations

import argparse

from ._remote import NotRunning, add_data_option, credentials, fail


def register(subcommands) -> None:
    parser = subcommands.add_parser(
        "tick",
        help="run the scheduled functions due at a given time (controllable cron clock)",
        description=(
            "Run, on the running emulator, every function whose `schedule` has a tick at TIME "
            "(UTC, minute precision), and start the one-off executions (`scheduledAt`) due by "
            "then. They run with that moment as their clock, and rows they write are stamped "
            "with it."
        ),
    )
    parser.add_argument(
        "--at", required=True, metavar="TIME", help="ISO 8601, e.g. 2026-03-01T03:00 (UTC)"
    )
    add_data_option(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    import httpx

    from emulator.core.clock import parse_iso

    try:
        at = parse_iso(args.at)
    except ValueError:
        return fail(f"--at {args.at!r} is not an ISO 8601 date/time")
    try:
        creds = credentials(args)
    except NotRunning as e:
        return fail(str(e))
    response = httpx.post(
        f"{creds['endpoint']}/emulator/schedules/tick",
        json={"at": at.isoformat()},
        headers={"x-appwrite-project": creds["projectId"], "x-appwrite-key": creds["apiKey"]},
        timeout=None,
    )
    data = response.json()
    if response.status_code != 200:
        return fail(f"{response.status_code} ({data.get('type')}): {data.get('message')}")
    if not data["executions"]:
        print(f"nothing is scheduled at {at.isoformat()}")
    for e in data["executions"]:
        print(
            f"{e['functionId']:<22} {e['$id']} {e['status']:<9} HTTP {e['responseStatusCode']} "
            f"{e['duration']:.3f}s"
        )
    return 0
