"""Where every failure becomes Appwrite's JSON error `{message, code, type, version}`.

`AppwriteError` leaves as itself, unknown routes and methods as general_route_not_found,
anything unexpected as Appwrite's 500 general_unknown "Server Error" (what its error handler
makes of any exception that is not its own; logged here, never sent). Every error carries
Appwrite's no-cache headers (`ERROR_HEADERS`).
`ProjectGuard` answers 404 project_not_found unless `X-Appwrite-Project` names this
emulator's project.
"""

from __future__ import annotations

import logging

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from emulator.core.errors import ERROR_HEADERS, AppwriteError
from emulator.http.responses import json_response

log = logging.getLogger("emulator.api")


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
        error = AppwriteError("general_unknown", "Server Error", code=500)
    return json_response(error.body(), status=error.code, headers=ERROR_HEADERS)


async def handle(request: Request, exc: Exception) -> Response:
    return error_response(exc)


EXCEPTION_HANDLERS = {AppwriteError: handle, HTTPException: handle}


class ErrorBoundary:
    """Turns any exception that escapes the app into a 500 Appwrite error
    (if nothing was sent yet)."""

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
