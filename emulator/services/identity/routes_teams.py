"""Teams and memberships API (`/v1/teams…`, scopes teams.read / teams.write).

With an API key a team is created without members and memberships are confirmed
at once (an unknown invitee email creates the user); with a session the creator
becomes a confirmed `owner`, and only team owners may change the team or its
memberships (Appwrite checks `update("team:ID/owner")`; keys bypass it).
"""

from __future__ import annotations

import secrets

from starlette.requests import Request
from starlette.routing import Route

from emulator.core import clock, ids
from emulator.core.callers import Caller, require_scope
from emulator.core.errors import AppwriteError
from emulator.core.keys import token_digest
from emulator.core.state import EmulatorState
from emulator.http import listing
from emulator.http import params as p
from emulator.http.request import state_of
from emulator.http.responses import json_response, no_content
from emulator.services.identity import models
from emulator.services.identity import store as identity
from emulator.services.identity.callers import caller
from emulator.services.identity.operations import (
    MEMBERSHIP_ATTRIBUTES,
    MEMBERSHIP_TYPES,
    create_user,
    emit,
    emit_user,
    membership_list,
    save_user,
    send_message,
    start_session,
)
from emulator.services.identity.platforms import redirect_param
from emulator.triggers import events

TEAM_ATTRIBUTES = ("name", "total", "billingPlan")


def _roles(value):
    check = p.key(81)
    if not isinstance(value, list) or len(value) > 100:
        raise p.Invalid(
            "Value must a valid array no longer than 100 items and Value must be a valid string "
            "and no longer than 81 chars"
        )
    try:
        return list(dict.fromkeys(check(role) for role in value))
    except p.Invalid as exc:
        raise p.Invalid(f"Value must a valid array no longer than 100 items and {exc}") from None


def load_team(state: EmulatorState, team_id: str) -> dict:
    doc = identity.get(state.db, identity.TEAMS, team_id)
    if doc is None:
        raise AppwriteError("team_not_found")
    return doc


def _team_json(state: EmulatorState, doc: dict) -> dict:
    return models.team(doc, identity.confirmed_member_count(state.db, doc["$id"]))


def _emit_team(request: Request, pattern: str, team: dict) -> dict:
    body = _team_json(state_of(request), team)
    emit(request, pattern, {"teamId": team["$id"]}, body)
    return body


def _emit_membership(request: Request, action: str, membership: dict, team: dict) -> dict:
    body = _membership_json(state_of(request), membership, team)
    emit(
        request,
        events.MEMBERSHIP.format(action=action),
        {"teamId": team["$id"], "membershipId": membership["$id"]},
        body,
    )
    return body


def _require_owner(who: Caller, team_id: str) -> None:
    """Session callers may change a team only as its owner (keys bypass permissions)."""
    if who.is_privileged or f"team:{team_id}/owner" in who.roles:
        return
    raise AppwriteError("user_unauthorized")


def _require_member(who: Caller, team: dict) -> None:
    """Reading a team needs `read("team:ID")` for non-key callers;
    others see 404 as Appwrite does."""
    if who.is_privileged or f"team:{team['$id']}" in who.roles:
        return
    raise AppwriteError("team_not_found")


def _visible(who: Caller, team_id: str) -> bool:
    return who.is_privileged or f"team:{team_id}" in who.roles


# ---------------------------------------------------------------- teams


async def list_teams(request: Request):
    who = caller(request)
    require_scope(who, "teams.read")
    state = state_of(request)
    args = await p.params_of(request)
    query = listing.parse(
        args.optional("queries", lambda v: v), TEAM_ATTRIBUTES, {"total": "integer"}
    )
    search = args.optional("search", p.text(256), "")
    count_total = args.optional("total", p.boolean, True)
    docs = [d for d in identity.select(state.db, identity.TEAMS) if _visible(who, d["$id"])]
    for doc in docs:
        doc["total"] = identity.confirmed_member_count(state.db, doc["$id"])
    if search:
        docs = [
            d for d in docs if listing.fulltext_match(f"{d['$id']} {d.get('name', '')}", search)
        ]
    total, page = listing.apply(docs, query, cursor_label="Team", count_total=count_total)
    return json_response({"total": total, "teams": [models.team(d, d["total"]) for d in page]})


async def create(request: Request):
    who = caller(request)
    require_scope(who, "teams.write")
    state = state_of(request)
    args = await p.params_of(request)
    team_id = args.required("teamId", p.custom_id)
    name = args.required("name", p.text(128))
    roles = args.optional("roles", _roles, ["owner"])
    now = clock.iso()
    doc = {
        "$id": team_id,
        "$createdAt": now,
        "$updatedAt": now,
        "name": name,
        "prefs": {},
        "$permissions": [
            f'read("team:{team_id}")',
            f'update("team:{team_id}/owner")',
            f'delete("team:{team_id}/owner")',
        ],
    }
    try:
        doc = identity.insert(state.db, identity.TEAMS, doc)
    except identity.Conflict:
        raise AppwriteError("team_already_exists") from None
    if not who.is_privileged and who.user is not None:
        _insert_membership(
            state, doc, who.user, list(dict.fromkeys([*roles, "owner"])), confirm=True
        )
    return json_response(_emit_team(request, events.TEAM.format(action="create"), doc), 201)


async def get(request: Request):
    who = caller(request)
    require_scope(who, "teams.read")
    state = state_of(request)
    team = load_team(state, p.path_id(request, "teamId"))
    _require_member(who, team)
    return json_response(_team_json(state, team))


async def update_name(request: Request):
    who = caller(request)
    require_scope(who, "teams.write")
    state = state_of(request)
    team = load_team(state, p.path_id(request, "teamId"))
    _require_member(who, team)
    _require_owner(who, team["$id"])
    team["name"] = (await p.params_of(request)).required("name", p.text(128))
    team["$updatedAt"] = clock.iso()
    identity.replace(state.db, identity.TEAMS, team)
    return json_response(_emit_team(request, events.TEAM.format(action="update"), team))


async def delete(request: Request):
    who = caller(request)
    require_scope(who, "teams.write")
    state = state_of(request)
    team = load_team(state, p.path_id(request, "teamId"))
    _require_member(who, team)
    _require_owner(who, team["$id"])
    body = _team_json(state, team)
    identity.delete(state.db, identity.TEAMS, team["$id"])
    emit(request, events.TEAM.format(action="delete"), {"teamId": team["$id"]}, body)
    return no_content()


async def get_prefs(request: Request):
    who = caller(request)
    require_scope(who, "teams.read")
    state = state_of(request)
    team = load_team(state, p.path_id(request, "teamId"))
    _require_member(who, team)
    return json_response(models.preferences(team.get("prefs")))


async def update_prefs(request: Request):
    who = caller(request)
    require_scope(who, "teams.write")
    state = state_of(request)
    team = load_team(state, p.path_id(request, "teamId"))
    _require_member(who, team)
    prefs = (await p.params_of(request)).required("prefs", p.json_object)
    _require_owner(who, team["$id"])
    team["prefs"] = prefs
    team["$updatedAt"] = clock.iso()
    identity.replace(state.db, identity.TEAMS, team)
    _emit_team(request, events.TEAM_ATTRIBUTE.format(attribute="prefs"), team)
    return json_response(models.preferences(team["prefs"]))


# ---------------------------------------------------------------- memberships


def _insert_membership(
    state: EmulatorState,
    team: dict,
    user: dict,
    roles: list[str],
    *,
    confirm: bool,
    membership_id: str | None = None,
    secret: str = "",
) -> dict:
    now = clock.iso()
    uid, tid = user["$id"], team["$id"]
    doc = {
        "$id": membership_id or ids.unique_id(),
        "$createdAt": now,
        "$updatedAt": now,
        "userId": uid,
        "teamId": tid,
        "roles": roles,
        "invited": now,
        "joined": now if confirm else "",
        "confirm": confirm,
        "secretHash": token_digest(secret or secrets.token_hex(32)),
        "$permissions": [
            f'read("user:{uid}")',
            f'read("team:{tid}")',
            f'update("user:{uid}")',
            f'update("team:{tid}/owner")',
            f'delete("user:{uid}")',
            f'delete("team:{tid}/owner")',
        ],
    }
    try:
        return identity.insert(state.db, identity.MEMBERSHIPS, doc, team_id=tid, user_id=uid)
    except identity.Conflict:
        raise AppwriteError("membership_already_confirmed") from None


def _load_membership(state: EmulatorState, team: dict, membership_id: str) -> dict:
    doc = identity.get(state.db, identity.MEMBERSHIPS, membership_id)
    if doc is None:
        raise AppwriteError("membership_not_found")
    if doc["teamId"] != team["$id"]:
        raise AppwriteError("team_membership_mismatch")
    return doc


def _membership_json(state: EmulatorState, doc: dict, team: dict) -> dict:
    return models.membership(doc, identity.get(state.db, identity.USERS, doc["userId"]), team)


async def list_memberships(request: Request):
    who = caller(request)
    require_scope(who, "teams.read")
    state = state_of(request)
    team = load_team(state, p.path_id(request, "teamId"))
    _require_member(who, team)
    args = await p.params_of(request)
    query = listing.parse(
        args.optional("queries", lambda v: v), MEMBERSHIP_ATTRIBUTES, MEMBERSHIP_TYPES
    )
    search = args.optional("search", p.text(256), "")
    count_total = args.optional("total", p.boolean, True)
    memberships = identity.select(state.db, identity.MEMBERSHIPS, "team_id = ?", (team["$id"],))
    return json_response(membership_list(state, memberships, query, search, count_total))


async def create_membership(request: Request):
    who = caller(request)
    require_scope(who, "teams.write")
    state = state_of(request)
    team = load_team(state, p.path_id(request, "teamId"))
    args = await p.params_of(request)
    email = args.optional("email", p.email, "")
    user_id = args.optional("userId", p.uid, "")
    phone = args.optional("phone", p.phone, "")
    roles = args.required("roles", _roles)
    url = args.optional("url", redirect_param(state_of(request).project_id), "")
    name = args.optional("name", p.text(128), "")
    membership_id = args.optional("membershipId", p.custom_id)
    if not (email or user_id or phone):
        raise AppwriteError(
            "general_argument_invalid", "At least one of userId, email, or phone is required"
        )
    if not who.is_privileged and not url:
        raise AppwriteError("general_argument_invalid", 'Param "url" is not optional.')
    _require_member(who, team)
    _require_owner(who, team["$id"])
    if user_id:
        user = identity.get(state.db, identity.USERS, user_id)
        if user is None:
            raise AppwriteError("user_not_found", "User with given userId doesn't exist.")
    else:
        found = (
            identity.select(state.db, identity.USERS, "email = ?", (email.lower(),))
            if email
            else identity.select(state.db, identity.USERS, "phone = ?", (phone,))
        )
        if found:
            user = found[0]
        else:  # Appwrite creates the invitee
            user = create_user(
                state, user_id=ids.unique_id(), email=email or None, phone=phone or None, name=name
            )
            emit_user(request, "create", user)
    if identity.membership_of(state.db, team["$id"], user["$id"]) is not None:
        raise AppwriteError("membership_already_confirmed")
    secret = secrets.token_hex(32)
    doc = _insert_membership(
        state,
        team,
        user,
        roles,
        confirm=who.is_privileged,
        membership_id=membership_id,
        secret=secret,
    )
    if (
        not who.is_privileged
    ):  # Appwrite e-mails the invitation; the emulator keeps it in its outbox
        send_message(
            state,
            "teamInvite",
            user["email"] or user["phone"],
            url,
            {
                "membershipId": doc["$id"],
                "userId": user["$id"],
                "secret": secret,
                "teamId": team["$id"],
                "teamName": team["name"],
            },
        )
    return json_response(_emit_membership(request, "create", doc, team), 201)


async def update_membership_status(request: Request):
    """Accept an invitation with the secret from its message: the membership is confirmed,
    the invitee's email counts as verified and they get a session (cookie), as in Appwrite."""
    who = caller(request)
    require_scope(who, "public")
    state = state_of(request)
    team = load_team(state, p.path_id(request, "teamId"))
    doc = _load_membership(state, team, p.path_id(request, "membershipId"))
    args = await p.params_of(request)
    user_id = args.required("userId", p.uid)
    secret = args.required("secret", p.text(256, 1))
    if user_id != doc["userId"] or not secrets.compare_digest(
        token_digest(secret), doc.get("secretHash", "")
    ):
        raise AppwriteError("team_invite_mismatch")
    if doc.get("confirm"):
        raise AppwriteError("membership_already_confirmed")
    user = identity.get(state.db, identity.USERS, user_id)
    if user is None:
        raise AppwriteError("user_not_found")
    now = clock.iso()
    doc.update({"confirm": True, "joined": now, "$updatedAt": now})
    identity.replace(state.db, identity.MEMBERSHIPS, doc)
    user["emailVerification"] = True
    session = start_session(
        state, save_user(state, user), "email", provider_uid=user["email"], factors=["email"]
    )
    body = _emit_membership(request, "update.status", doc, team)
    response = json_response(body)
    response.set_cookie(
        f"a_session_{state.project_id}",
        session["secret"],
        httponly=True,
        samesite="none",
        path="/",
        max_age=31_536_000,
    )
    return response


async def get_membership(request: Request):
    who = caller(request)
    require_scope(who, "teams.read")
    state = state_of(request)
    team = load_team(state, p.path_id(request, "teamId"))
    _require_member(who, team)
    doc = _load_membership(state, team, p.path_id(request, "membershipId"))
    return json_response(_membership_json(state, doc, team))


async def update_membership(request: Request):
    who = caller(request)
    require_scope(who, "teams.write")
    state = state_of(request)
    team = load_team(state, p.path_id(request, "teamId"))
    _require_member(who, team)
    doc = _load_membership(state, team, p.path_id(request, "membershipId"))
    roles = (await p.params_of(request)).required("roles", _roles)
    _require_owner(who, team["$id"])
    doc["roles"] = roles
    doc["$updatedAt"] = clock.iso()
    identity.replace(state.db, identity.MEMBERSHIPS, doc)
    return json_response(_emit_membership(request, "update", doc, team))


async def delete_membership(request: Request):
    who = caller(request)
    require_scope(who, "teams.write")
    state = state_of(request)
    team = load_team(state, p.path_id(request, "teamId"))
    _require_member(who, team)
    doc = _load_membership(state, team, p.path_id(request, "membershipId"))
    if doc["userId"] != who.user_id:  # members may always leave; removing others needs ownership
        _require_owner(who, team["$id"])
    body = _membership_json(state, doc, team)
    identity.delete(state.db, identity.MEMBERSHIPS, doc["$id"])
    emit(
        request,
        events.MEMBERSHIP.format(action="delete"),
        {"teamId": team["$id"], "membershipId": doc["$id"]},
        body,
    )
    return no_content()


def routes() -> list[Route]:
    return [
        Route("/teams", list_teams, methods=["GET"]),
        Route("/teams", create, methods=["POST"]),
        Route("/teams/{teamId}", get, methods=["GET"]),
        Route("/teams/{teamId}", update_name, methods=["PUT"]),
        Route("/teams/{teamId}", delete, methods=["DELETE"]),
        Route("/teams/{teamId}/prefs", get_prefs, methods=["GET"]),
        Route("/teams/{teamId}/prefs", update_prefs, methods=["PUT"]),
        Route("/teams/{teamId}/memberships", list_memberships, methods=["GET"]),
        Route("/teams/{teamId}/memberships", create_membership, methods=["POST"]),
        Route("/teams/{teamId}/memberships/{membershipId}", get_membership, methods=["GET"]),
        Route("/teams/{teamId}/memberships/{membershipId}", update_membership, methods=["PATCH"]),
        Route("/teams/{teamId}/memberships/{membershipId}", delete_membership, methods=["DELETE"]),
        Route(
            "/teams/{teamId}/memberships/{membershipId}/status",
            update_membership_status,
            methods=["PATCH"],
        ),
    ]
