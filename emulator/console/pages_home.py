"""Login, logout and the Overview page."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from emulator.core import clock

from . import auth
from .api import APIError
from .base import Console, _refused, action, console_of, page, read_form


async def login_page(request: Request) -> Response:
    console = console_of(request)
    refused = _refused(request, console)
    if refused is not None:
        return refused
    return await console.render(request, "login.html", "login")


async def login(request: Request) -> Response:
    console = console_of(request)
    refused = _refused(request, console)
    if refused is not None:
        return refused
    origin = request.headers.get("origin")
    form = await read_form(request)
    if origin and origin != "null" and origin.split("//", 1)[-1] != request.headers.get("host"):
        return await console.render(request, "login.html", "login", 403, error="Wrong origin.")
    session = console.sessions.login(form.get("key", "").strip())
    if session is None:
        return await console.render(
            request, "login.html", "login", 401, error="That is not this emulator's API key."
        )
    response = RedirectResponse("/console/", 303)
    auth.set_cookie(response, session)
    return response


@action
async def logout(request: Request, console: Console, form: dict) -> Response:
    console.sessions.logout(request)
    response = RedirectResponse("/console/login", 303)
    response.delete_cookie(auth.COOKIE, path="/console")
    return response


def mask(key: str) -> str:
    return key[:13] + "…" + key[-4:] if len(key) > 20 else "…"


@page
async def overview(request: Request, console: Console) -> Response:
    functions = []
    records = console.executions.records if console.executions else None
    for spec in console.manifest.functions:
        last = records.latest_of(spec.id) if records else None
        functions.append(
            {
                "id": spec.id,
                "name": spec.name,
                "url": console.function_urls.get(spec.id, ""),
                "events": list(spec.events),
                "schedule": spec.schedule,
                "execute": list(spec.execute),
                "last": last,
            }
        )
    schedules = console.executions.schedules if console.executions else None
    try:
        databases = (await console.api.get("/tablesdb"))["databases"]
    except APIError:
        databases = []
    return await console.render(
        request,
        "overview.html",
        "overview",
        endpoint=console.endpoint,
        api_key=console.state.admin_key,
        masked_key=mask(console.state.admin_key),
        functions=functions,
        databases=databases,
        now=clock.iso(),
        mark=clock.iso(schedules.scheduler.mark) if schedules else "",
    )
