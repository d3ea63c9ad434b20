"""The local console: a browser UI for the running emulator at `/console` on the API's own
host and port (Overview, Databases, Users & teams, Executions, Requests, Cron & clock,
Mail, and Storage when that service is present).

Server-rendered pages (Starlette + Jinja2, a little plain JavaScript for the live lists; no
build step). It reads and writes through the REST API with the admin key, in-process, so
what it writes fires events like any API write; it reads the executions service and the
requests monitor directly. `emulator.stack` mounts it:

    requests = RequestLog()
    app.add_middleware(RequestMonitor, log=requests); state.subscribe(EventRecorder())
    mount(app, Console(state, manifest, ConsoleAPI(app, ...), requests, endpoint, urls, ...))
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.routing import Mount

from .api import ConsoleAPI
from .base import Console
from .monitor import EventRecorder, RequestLog, RequestMonitor

PATH = "/console"


def mount(app: Starlette, console: Console) -> None:
    """Serve `console` at /console on `app` (it may already be serving)."""
    from .app import create_console

    app.router.routes.append(Mount(PATH, app=create_console(console)))


__all__ = [
    "PATH",
    "Console",
    "ConsoleAPI",
    "EventRecorder",
    "RequestLog",
    "RequestMonitor",
    "mount",
]
