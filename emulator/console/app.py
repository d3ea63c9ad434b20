"""The console's routes, as a Starlette app mounted at `/console` on the API's own server."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from . import pages_data, pages_home, pages_identity, pages_runs, pages_storage
from .base import HERE, Console

# No inline script or style, no frames, no referrer: the pages hold the admin key's powers.
SECURITY_HEADERS = [
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' data:; object-src 'none'; frame-ancestors 'none'; "
        b"base-uri 'none'; form-action 'self'",
    ),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"cache-control", b"no-store"),
]


class SecurityHeaders:
    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in SECURITY_HEADERS if k not in names]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, with_headers)


def routes() -> list:
    db = "/databases/{databaseId}/{tableId}"
    user = "/users/{userId}"
    return [
        Route("/", pages_home.overview),
        Route("/login", pages_home.login_page, methods=["GET"]),
        Route("/login", pages_home.login, methods=["POST"]),
        Route("/logout", pages_home.logout, methods=["POST"]),
        Route("/databases", pages_data.databases),
        Route(db, pages_data.table),
        Route(db + "/rows", pages_data.create_row, methods=["POST"]),
        Route(db + "/rows/{rowId}", pages_data.row),
        Route(db + "/rows/{rowId}", pages_data.update_row, methods=["POST"]),
        Route(db + "/rows/{rowId}/delete", pages_data.delete_row, methods=["POST"]),
        Route("/users", pages_identity.users),
        Route(user, pages_identity.user),
        Route(user + "/block", pages_identity.block, methods=["POST"]),
        Route(user + "/unblock", pages_identity.unblock, methods=["POST"]),
        Route(user + "/verification", pages_identity.verify, methods=["POST"]),
        Route(user + "/labels", pages_identity.labels, methods=["POST"]),
        Route(user + "/sessions/delete", pages_identity.delete_sessions, methods=["POST"]),
        Route(user + "/impersonate", pages_identity.impersonate, methods=["POST"]),
        Route("/teams/{teamId}", pages_identity.team),
        Route("/mail", pages_identity.mail),
        Route("/executions", pages_runs.executions),
        Route("/executions/live", pages_runs.executions_live),
        Route("/executions/{executionId}", pages_runs.execution),
        Route("/executions/{executionId}/rerun", pages_runs.rerun, methods=["POST"]),
        Route("/requests", pages_runs.requests_page),
        Route("/requests/live", pages_runs.requests_live),
        Route("/cron", pages_runs.cron),
        Route("/cron/{functionId}/run", pages_runs.run_now, methods=["POST"]),
        Route("/clock", pages_runs.move_clock, methods=["POST"]),
        Route("/storage", pages_storage.storage),
        Route("/storage/{bucketId}", pages_storage.bucket),
        Route("/storage/{bucketId}/{fileId}/preview", pages_storage.preview),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]


def create_console(console: Console) -> Starlette:
    app = Starlette(routes=routes(), middleware=[Middleware(SecurityHeaders)])
    app.state.console = console
    return app
