"""Users and teams (search, labels, status, verification, sessions, memberships and roles;
block/unblock; impersonate = a JWT to copy) and Mail (the outbox). All through the Users,
Teams and outbox APIs with the admin key."""

from __future__ import annotations

import json
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response

from .api import APIError
from .base import Console, action, back, page

PAGE_SIZE = 25
JWT_SECONDS = 3600


def _paging(page_number: int) -> list[str]:
    return [
        json.dumps({"method": "limit", "values": [PAGE_SIZE]}),
        json.dumps({"method": "offset", "values": [(page_number - 1) * PAGE_SIZE]}),
    ]


def _page_number(request: Request) -> int:
    raw = request.query_params.get("page", "1")
    return max(1, int(raw)) if raw.isdigit() else 1


@page
async def users(request: Request, console: Console) -> Response:
    search = request.query_params.get("search", "").strip()
    number = _page_number(request)
    params = {"search": search} if search else None
    listed = await console.api.get("/users", queries=_paging(number), params=params)
    teams = await console.api.get("/teams", queries=_paging(1))
    return await console.render(
        request,
        "users.html",
        "users",
        users=listed["users"],
        total=listed["total"],
        search=search,
        page=number,
        pages=max(1, -(-listed["total"] // PAGE_SIZE)),
        teams=teams["teams"],
        teams_total=teams["total"],
    )


@page
async def user(request: Request, console: Console, jwt: str = "") -> Response:
    user_id = request.path_params["userId"]
    found = await console.api.get(f"/users/{quote(user_id)}")
    sessions = await console.api.get(f"/users/{quote(user_id)}/sessions")
    memberships = await console.api.get(f"/users/{quote(user_id)}/memberships")
    shown = {k: v for k, v in found.items() if k not in ("password", "hashOptions")}
    return await console.render(
        request,
        "user.html",
        "users",
        user=found,
        as_json=json.dumps(shown, indent=2, ensure_ascii=False),
        sessions=sessions["sessions"],
        memberships=memberships["memberships"],
        jwt=jwt,
        jwt_seconds=JWT_SECONDS,
        error=request.query_params.get("error", ""),
        notice=request.query_params.get("notice", ""),
    )


def _user_action(method: str, suffix: str, body, done: str):
    @action
    async def endpoint(request: Request, console: Console, form: dict) -> Response:
        user_id = request.path_params["userId"]
        here = f"/console/users/{quote(user_id)}"
        try:
            await console.api.call(method, f"/users/{quote(user_id)}{suffix}", json=body(form))
        except APIError as e:
            return back(here, error=str(e))
        return back(here, notice=done)

    return endpoint


block = _user_action("PATCH", "/status", lambda f: {"status": False}, "User blocked.")
unblock = _user_action("PATCH", "/status", lambda f: {"status": True}, "User unblocked.")
verify = _user_action(
    "PATCH",
    "/verification",
    lambda f: {"emailVerification": f.get("verified") == "true"},
    "E-mail verification changed.",
)
labels = _user_action(
    "PUT",
    "/labels",
    lambda f: {"labels": [x.strip() for x in f.get("labels", "").split(",") if x.strip()]},
    "Labels saved.",
)
delete_sessions = _user_action("DELETE", "/sessions", lambda f: None, "Sessions deleted.")


@action
async def impersonate(request: Request, console: Console, form: dict) -> Response:
    """A JWT acting as the user (Users API `createJWT`), shown once on the page — in the
    response body only, never in a URL."""
    user_id = request.path_params["userId"]
    try:
        answer = await console.api.call(
            "POST", f"/users/{quote(user_id)}/jwts", json={"duration": JWT_SECONDS}
        )
    except APIError as e:
        return back(f"/console/users/{quote(user_id)}", error=str(e))
    return await user.__wrapped__(request, console, jwt=answer["jwt"])


@page
async def team(request: Request, console: Console) -> Response:
    team_id = request.path_params["teamId"]
    found = await console.api.get(f"/teams/{quote(team_id)}")
    memberships = await console.api.get(f"/teams/{quote(team_id)}/memberships")
    return await console.render(
        request, "team.html", "users", team=found, memberships=memberships["memberships"]
    )


@page
async def mail(request: Request, console: Console) -> Response:
    outbox = await console.api.get("/emulator/messages")
    messages = list(reversed(outbox["messages"]))
    return await console.render(request, "mail.html", "mail", messages=messages)
