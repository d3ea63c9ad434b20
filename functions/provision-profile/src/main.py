"""Provision profile (event `users.*.create`, and a sweep every hour): the profile row of
every user.

Users made through `accounts` sign-up already have one (sign-up creates it too); users made
any other way (Console, Users API, Account API, OAuth) get it here. Create-or-keep on the
row id = user id, so a second delivery of the event, a race with sign-up, or the sweep
meeting the event changes nothing. The schedule gives a profile to every user whose event
never arrived (sweep.py).
"""

from datetime import UTC, datetime

from ..shared import App, BadRequest, Response, load_schema, server_client
from ..shared.profiles import create_profile, profile_data, public_profile

app = App("provision-profile", timeout=60)
USER_EVENT = load_schema(__file__, "../schemas/user-event.json")
MARGIN = 5.0  # seconds kept free before the timeout


@app.on_event("users.*.create")
def provision(req):
    user = USER_EVENT.validate(req.json())
    if req.event.user not in (None, user["$id"]):
        raise BadRequest(
            f"The event is for user {req.event.user} but its body is user {user['$id']}.",
            code="event_mismatch",
        )

    from appwrite.services.tables_db import TablesDB

    tables = TablesDB(server_client(req.headers))
    row = create_profile(tables, user["$id"], profile_data(user), deadline=req.deadline)

    if row is None:
        req.log.info("profile already existed", user=user["$id"])
        return {
            "created": False,
            "profileId": user["$id"],
            "message": "The profile already existed.",
        }
    req.log.info("profile created", user=user["$id"])
    return Response.created({"created": True, "profile": public_profile(row)})


@app.on_schedule
def sweep(req):
    from appwrite.services.tables_db import TablesDB
    from appwrite.services.users import Users

    from .sweep import user_pages, without_profile  # the schedule's only: not on an event

    client = server_client(req.headers)
    tables, users = TablesDB(client), Users(client)
    checked, created = 0, []
    for page in user_pages(users, datetime.now(UTC), req.deadline, MARGIN):
        checked += len(page)
        for user in without_profile(tables, page, req.deadline):
            if create_profile(tables, user["$id"], profile_data(user), deadline=req.deadline):
                created.append(user["$id"])
    summary = {"checked": checked, "created": created}
    req.log.info("profile sweep", **summary)
    return summary


def main(context):
    return app.handle(context)
