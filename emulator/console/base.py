"""What every console page shares: the `Console` (what the pages read and act on), the
guards (loopback, login, CSRF) and rendering."""

from __future__ import annotations

import collections
import functools
import pathlib
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.templating import Jinja2Templates

from emulator.core.state import EmulatorState

from . import auth
from .api import APIError, ConsoleAPI
from .monitor import RequestLog

if TYPE_CHECKING:
    from emulator.manifest import Manifest
    from emulator.services.executions.model import Execution, Invocation
    from emulator.services.executions.service import ExecutionsService

HERE = pathlib.Path(__file__).parent
MAX_FORM_BYTES = 1_000_000
NAV = [
    ("overview", "Overview", "/console/"),
    ("databases", "Databases", "/console/databases"),
    ("users", "Users & teams", "/console/users"),
    ("executions", "Executions", "/console/executions"),
    ("requests", "Requests", "/console/requests"),
    ("cron", "Cron & clock", "/console/cron"),
    ("mail", "Mail", "/console/mail"),
    ("storage", "Storage", "/console/storage"),
]


class Invocations:
    """The requests of recent executions (body included), in memory, so an execution can be
    re-run as it was asked; a runner finish listener."""

    def __init__(self, size: int = 500):
        self._items: collections.OrderedDict[str, Invocation] = collections.OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def __call__(self, execution: Execution, invocation: Invocation) -> None:
        with self._lock:
            self._items[execution.id] = invocation
            while len(self._items) > self._size:
                self._items.popitem(last=False)

    def get(self, execution_id: str) -> Invocation | None:
        with self._lock:
            return self._items.get(execution_id)


@dataclass
class Console:
    state: EmulatorState
    manifest: Manifest
    api: ConsoleAPI
    requests: RequestLog
    endpoint: str
    function_urls: dict[str, str]
    executions: ExecutionsService | None = None
    allow_remote: bool = False
    sessions: auth.Sessions = field(init=False)
    invocations: Invocations = field(default_factory=Invocations)
    closing: threading.Event = field(default_factory=threading.Event)
    templates: Jinja2Templates = field(init=False)

    def __post_init__(self) -> None:
        self.sessions = auth.Sessions(self.state.admin_key)
        self.templates = Jinja2Templates(directory=str(HERE / "templates"))
        if self.executions is not None:
            self.executions.runner.on_finish(self.invocations)

    async def render(
        self, request: Request, template: str, section: str, status: int = 200, **context
    ) -> Response:
        session = self.sessions.of(request)
        nav = NAV
        return self.templates.TemplateResponse(
            request,
            template,
            {
                "nav": nav,
                "section": section,
                "project_id": self.state.project_id,
                "csrf": session.csrf if session else "",
                **context,
            },
            status_code=status,
        )


Handler = Callable[..., Awaitable[Response]]


def console_of(request: Request) -> Console:
    return request.app.state.console


def _refused(request: Request, console: Console) -> Response | None:
    if not auth.client_allowed(request, console.allow_remote):
        return PlainTextResponse(
            "The console answers loopback clients only (serve --host to allow others).", 403
        )
    return None


def page(handler: Handler) -> Handler:
    """A GET page: loopback, logged in."""

    @functools.wraps(handler)
    async def endpoint(request: Request) -> Response:
        console = console_of(request)
        refused = _refused(request, console)
        if refused is not None:
            return refused
        if console.sessions.of(request) is None:
            return RedirectResponse("/console/login", 303)
        try:
            return await handler(request, console)
        except APIError as error:  # a page of something that is not there (or not readable)
            status = error.status if 400 <= error.status < 500 else 502
            return await console.render(request, "missing.html", "", status, what=error.message)

    return endpoint


async def read_form(request: Request) -> dict[str, str]:
    """An urlencoded form body (the console's forms post nothing else)."""
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        return {}
    return dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))


def action(handler: Handler) -> Handler:
    """A form post: loopback, logged in, with the session's CSRF token."""

    @functools.wraps(handler)
    async def endpoint(request: Request) -> Response:
        console = console_of(request)
        refused = _refused(request, console)
        if refused is not None:
            return refused
        session = console.sessions.of(request)
        form = await read_form(request)
        if session is None or not auth.csrf_ok(request, session, form.get("csrf", "")):
            return PlainTextResponse("Forbidden: log in again (missing or stale form token).", 403)
        return await handler(request, console, form)

    return endpoint


def back(path: str, notice: str = "", error: str = "") -> RedirectResponse:
    """Post/redirect/get, with a short message for the next page (never a secret)."""
    from urllib.parse import urlencode

    query = urlencode({k: v for k, v in (("notice", notice), ("error", error)) if v})
    if query:
        path += ("&" if "?" in path else "?") + query
    return RedirectResponse(path, 303)
