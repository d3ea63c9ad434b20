"""Provision profile (event `users.*.create`): the profile row of every new user.

Users made through `accounts` sign-up already have one (sign-up creates it too); users made
any other way (Console, Users API, Account API, OAuth) get it here. Create-or-keep on the
row id = user id, so a second delivery of the event, or a race with sign-up, changes nothing.
"""

from ..shared import App, BadRequest, Response, load_schema, server_client
from ..shared.profiles import create_profile, profile_data, public_profile

app = App("provision-profile", timeout=15)
USER_EVENT = load_schema(__file__, "../schemas/user-event.json")


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


def main(context):
    return app.handle(context)
