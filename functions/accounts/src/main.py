"""Accounts (HTTP): sign-up, profiles, and user management for site admins.

    POST   /signup              anyone        → 201 {user, profile}
    GET    /users               site admin    → {total, users, nextCursor}
    GET    /users/{id}          admin or self → user
    PATCH  /users/{id}/profile  admin or self → profile (displayName, bio)
    PATCH  /users/{id}/status   site admin    → user (blocked or active)
    DELETE /users/{id}          admin or self → what was deleted

Every route but sign-up needs a verified JWT. Callers never see secrets (see public.py),
and no answer quotes a submitted password.
"""

from ..shared import (
    App,
    Conflict,
    Response,
    authenticate,
    load_schema,
    require_writer,
    server_client,
)
from ..shared.identity import public_user
from ..shared.profiles import public_profile
from . import signup
from .access import check_user_id, require_admin, require_self_or_admin

# The other routes' modules (listing, lookups, profile edits) are imported in their
# handlers: a cold worker's first sign-up does not load them (decision 0019).

app = App("accounts", timeout=15)
SIGNUP = load_schema(__file__, "../schemas/signup.json")
PROFILE = load_schema(__file__, "../schemas/profile.json")
USER_STATUS = load_schema(__file__, "../schemas/user-status.json")


def services(req):
    """Users and TablesDB with the execution's dynamic key."""
    from appwrite.services.tables_db import TablesDB
    from appwrite.services.users import Users

    client = server_client(req.headers)
    return Users(client), TablesDB(client)


@app.route("POST", "/signup")
def sign_up(req):
    data = SIGNUP.validate(signup.normalized(req.json()))
    users, tables = services(req)
    user = signup.create_user(users, data["email"], data["password"], data["name"])
    row = signup.ensure_profile(tables, users, user, deadline=req.deadline)
    req.log.info("signed up", user=user["$id"])
    return Response.created({"user": public_user(user), "profile": public_profile(row)})


@app.route("GET", "/users")
def list_users(req):
    from .listing import page, parse_list_query
    from .lookup import fetch_page

    require_admin(authenticate(req.headers, deadline=req.deadline))
    params = parse_list_query(req.query)
    users, _ = services(req)
    return page(fetch_page(users, params, deadline=req.deadline), params)


@app.route("GET", "/users/{id}")
def get_user(req):
    from .lookup import fetch_user

    user_id = req.params["id"]
    require_self_or_admin(authenticate(req.headers, deadline=req.deadline), user_id)
    check_user_id(user_id)
    users, _ = services(req)
    return public_user(fetch_user(users, user_id, deadline=req.deadline))


@app.route("PATCH", "/users/{id}/profile")
def update_profile(req):
    from . import profile

    user_id = req.params["id"]
    who = require_writer(authenticate(req.headers, deadline=req.deadline))
    require_self_or_admin(who, user_id)
    check_user_id(user_id)
    data = profile.changes(PROFILE.validate(profile.normalized(req.json())))
    users, tables = services(req)
    row = profile.update_profile(tables, users, user_id, data, deadline=req.deadline)
    req.log.info("profile updated", user=user_id, fields=sorted(data), by=who.id)
    return public_profile(row)


@app.route("PATCH", "/users/{id}/status")
def set_status(req):
    from .lookup import on_user

    who = authenticate(req.headers, deadline=req.deadline)
    require_admin(who)
    user_id = check_user_id(req.params["id"])
    active = USER_STATUS.validate(req.json())["active"]
    if user_id == who.id and not active:
        raise Conflict("You cannot block your own account.", code="cannot_block_self")
    users, _ = services(req)
    user = on_user(lambda: users.update_status(user_id, active), deadline=req.deadline)
    req.log.info("user status changed", user=user_id, active=active, by=who.id)
    return public_user(user)


@app.route("DELETE", "/users/{id}")
def delete_user(req):
    from ..shared.covers import storage_service  # the deletion's own modules: loaded here
    from ..shared.user_cleanup import delete_user_and_data
    from .lookup import fetch_user

    user_id = req.params["id"]
    who = authenticate(req.headers, deadline=req.deadline)
    require_self_or_admin(who, user_id)
    check_user_id(user_id)
    users, tables = services(req)
    fetch_user(users, user_id, deadline=req.deadline)
    storage = storage_service(server_client(req.headers))
    deleted = delete_user_and_data(tables, users, storage, user_id, deadline=req.deadline)
    req.log.info("user deleted", **deleted, by=who.id)
    return deleted


def main(context):
    return app.handle(context)
