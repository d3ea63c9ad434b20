"""The emulator's ASGI app: every API module's routes under `/v1`, errors mapped in one place.

Each API module exposes `routes(state) -> list[Route]`. Requests to `/v1/...` must
name the emulator's project in `X-Appwrite-Project` (else 404 project_not_found).
All failures leave as Appwrite's JSON error `{message, code, type, version}`:
`AppwriteError` as itself, unknown routes and methods as general_route_not_found,
anything unexpected as a generic 500 general_server_error (logged here, never sent).

A route module's handler reads like this (see users.py):

    async def get_thing(request):
        who = auth.caller(request)                  # key / user / guest, resolved once
        auth.require_scope(who, "rows.read", "documents.read")   # any one of them
        args = await params.params_of(request)       # query string (GET) or JSON body
        limit = args.optional("total", params.boolean, True)
        thing_id = params.path_id(request, "thingId")
        raise AppwriteError("row_not_found", id=thing_id)   # → Appwrite's JSON error
        return responses.json_response(body, 201)  # or responses.no_content()

`auth.state_of(request)` is the `EmulatorState`; `who.roles` / `who.is_privileged`
drive permissions, `who.user_id` is "" for keys.
"""

from __future__ import annotations

import importlib
import logging

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.types import ASGIApp, Receive, Scope, Send

from emulator.api.errors import AppwriteError
from emulator.api.responses import json_response
from emulator.functions.clock import ExecutionClock
from emulator.state import EmulatorState

log = logging.getLogger("emulator.api")

API_MODULES = ("users", "teams", "account", "account_tokens", "outbox")
OPTIONAL_API_MODULES = ("tablesdb", "functions")


def create_app(state: EmulatorState) -> Starlette:
    app = Starlette(
        routes=[Mount("/v1", routes=collect_routes(state))],
        middleware=[
            Middleware(ErrorBoundary),
            Middleware(ProjectGuard, project_id=state.project_id),
            Middleware(ExecutionClock, state=state),
        ],
        exception_handlers={AppwriteError: _handle, HTTPException: _handle},
    )
    app.state.emulator = state
    return app


def collect_routes(state: EmulatorState) -> list[Route]:
    routes: list[Route] = []
    for name in API_MODULES + OPTIONAL_API_MODULES:
        try:
            module = importlib.import_module(f"emulator.api.{name}")
        except ModuleNotFoundError as exc:
            if name in OPTIONAL_API_MODULES and exc.name == f"emulator.api.{name}":
                continue
            raise
        routes += module.routes(state)
    return routes


def error_response(exc: Exception) -> Response:
    """The one mapping from an exception to Appwrite's error body."""
    if isinstance(exc, AppwriteError):
        error = exc
    elif isinstance(exc, HTTPException) and exc.status_code in (404, 405):
        error = AppwriteError("general_route_not_found")
    elif isinstance(exc, HTTPException):
        error = AppwriteError(
            "general_bad_request", code=exc.status_code if exc.status_code < 500 else 400
        )
    else:
        log.error("unexpected error while handling a request", exc_info=exc)
        error = AppwriteError("general_server_error")
    return json_response(error.body(), status=error.code)


async def _handle(request: Request, exc: Exception) -> Response:
    return error_response(exc)


class ErrorBoundary:
    """Turns any exception that escapes the app into a 500 Appwrite error (if nothing was sent yet)."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:
            if started:
                log.error("error after the response started", exc_info=exc)
                return
            await error_response(exc)(scope, receive, send)


class ProjectGuard:
    """404 project_not_found unless `X-Appwrite-Project` names this emulator's project."""

    def __init__(self, app: ASGIApp, project_id: str):
        self.app = app
        self.project_id = project_id.encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith("/v1"):
            project = next((v for k, v in scope["headers"] if k == b"x-appwrite-project"), b"")
            if project != self.project_id:
                await error_response(AppwriteError("project_not_found"))(scope, receive, send)
                return
        await self.app(scope, receive, send)
