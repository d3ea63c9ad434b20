"""`App`: the glue between the runtime's `main(context)` and a function's handlers.

    app = App("articles", timeout=15)

    @app.route("GET", "/articles/{id}")
    def get_article(req):
        return {"id": req.params["id"]}          # → 200 JSON

    @app.on_event("databases.*.tables.articles.rows.*.create")
    def enrich(req): ...

    @app.on_schedule
    def tick(req): ...

    def main(context):
        return app.handle(context)

`handle` parses the trigger, dispatches (HTTP by method + path, events by subscription
pattern, schedules to the schedule handler), turns whatever the handler returns or
raises into a JSON response (errors through `errors.to_http`/`expose` only; a
`Response` with a `bytes` body is sent as binary), and logs one line per execution.
Every app answers `GET /health` unless `health_route=None`.

Whatever the method (`PROPFIND`, `get`, anything) and path, an HTTP execution is answered
by the router: a route, or a JSON `404 route_not_found` / `405 method_not_allowed`.
JSON is sent as UTF-8 (`ensure_ascii=False`): `é` is 2 bytes, not the 6 of `\\u00e9`, which
keeps the largest answers small (a text that holds a lone surrogate, which UTF-8 cannot
carry, falls back to `\\u` escapes).
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from typing import Any

from .errors import BadRequest, HTTPError, NotFound, expose, is_appwrite_exception, to_http
from .logging import Logger
from .records import Record
from .request import DEFAULT_MAX_BODY_BYTES, Request, has_surrogate
from .routing import Router
from .triggers import EVENT, HTTP, SCHEDULE, event_matches, parse_trigger

Handler = Callable[[Request], Any]
JSON = "application/json"


def json_text(body: Any) -> str:
    """`body` as compact JSON text in UTF-8 characters (escapes only where UTF-8 cannot go)."""
    text = json.dumps(body, separators=(",", ":"), ensure_ascii=False)
    if has_surrogate(text):
        return json.dumps(body, separators=(",", ":"))
    return text


class Response(Record):
    """What a handler returns for anything but a plain 200 JSON answer. A `bytes` body is sent
    as it is (`context.res.binary`): give its `content-type` (lower-case key) in `headers`."""

    __slots__ = ("body", "headers", "status")
    body: Any
    status: int
    headers: dict[str, str]

    def __init__(self, body: Any = None, status: int = 200, headers: dict[str, str] | None = None):
        self.body = body
        self.status = status
        self.headers = {} if headers is None else headers

    @classmethod
    def created(cls, body: Any, headers: dict[str, str] | None = None) -> Response:
        return cls(body, 201, dict(headers or {}))

    @classmethod
    def no_content(cls) -> Response:
        return cls(None, 204)


class App:
    def __init__(
        self,
        name: str,
        *,
        timeout: float = 15.0,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        health_route: str | None = "/health",
    ):
        """`timeout` = the function's timeout in appwrite.json (seconds); it sets `req.deadline`."""
        self.name = name
        self.timeout = timeout
        self.max_body_bytes = max_body_bytes
        self.router = Router()
        self.event_handlers: list[tuple[tuple[str, ...], Handler]] = []
        self.schedule_handler: Handler | None = None
        if health_route:
            self.router.add("GET", health_route, self._health)

    def _health(self, req: Request) -> dict:
        return {"ok": True, "function": self.name}

    # -- registration ---------------------------------------------------------------

    def route(self, method: str, pattern: str) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            self.router.add(method, pattern, handler)
            return handler

        return register

    def on_event(self, *patterns: str) -> Callable[[Handler], Handler]:
        """Handle events matching any pattern (Appwrite subscription syntax); none = every event."""

        def register(handler: Handler) -> Handler:
            self.event_handlers.append((patterns, handler))
            return handler

        return register

    def on_schedule(self, handler: Handler) -> Handler:
        if self.schedule_handler is not None:
            raise ValueError("a schedule handler is already registered")
        self.schedule_handler = handler
        return handler

    # -- execution ------------------------------------------------------------------

    def dispatch(self, req: Request) -> Handler:
        """The handler for a request (sets `req.params` for HTTP routes)."""
        kind = req.trigger.kind
        if kind == HTTP:
            match = self.router.match(req.method, req.path)
            req.params = match.params
            return match.route.handler
        if kind == EVENT:
            if req.event is None:
                raise BadRequest(
                    "Event execution without x-appwrite-event.", code="invalid_trigger"
                )
            for patterns, handler in self.event_handlers:
                if not patterns or any(event_matches(p, req.event.name) for p in patterns):
                    return handler
            raise NotFound(f"No handler for event {req.event.name}.", code="event_not_handled")
        if kind == SCHEDULE and self.schedule_handler is not None:
            return self.schedule_handler
        raise NotFound(
            f"This function does not handle {kind} executions.", code="trigger_not_handled"
        )

    def handle(self, context: Any) -> dict:
        """Run one execution: the runtime's response dict, whatever happens."""
        started = time.monotonic()
        headers = dict(getattr(context.req, "headers", None) or {})
        log = Logger(
            context, function=self.name, execution=headers.get("x-appwrite-execution-id", "")
        )
        line: dict[str, Any] = {}
        try:
            req = self._request(context, headers, started, log)
            line = {"trigger": req.trigger.kind, "method": req.method, "path": req.path}
            if req.event is not None:
                line["event"] = req.event.name
            output = self._answer(context, self.dispatch(req)(req))
        except Exception as exc:
            error = to_http(exc)
            self._log_failure(log, exc, error)
            status, body, error_headers = expose(error)
            line["error"] = error.code
            output = self._send(context, body, status, error_headers)
        log.info(
            "execution",
            **line,
            status=output.get("statusCode"),
            duration_ms=round((time.monotonic() - started) * 1000, 1),
        )
        return output

    def _request(
        self, context: Any, headers: dict[str, str], started: float, log: Logger
    ) -> Request:
        try:
            trigger = parse_trigger(headers)
        except ValueError as exc:
            raise BadRequest(str(exc), code="invalid_trigger") from None
        deadline = started + self.timeout - 1.0 if self.timeout else math.inf
        return Request.from_context(
            context, trigger, deadline=deadline, max_body_bytes=self.max_body_bytes, log=log
        )

    def _answer(self, context: Any, result: Any) -> dict:
        if result is None:
            raise TypeError("handler returned None; return Response.no_content() for no body")
        response = result if isinstance(result, Response) else Response(result)
        return self._send(context, response.body, response.status, response.headers)

    @staticmethod
    def _send(context: Any, body: Any, status: int, headers: dict[str, str]) -> dict:
        if body is None:
            return context.res.text("", status, dict(headers))
        if isinstance(body, (bytes, bytearray)):  # as it is, with the handler's content-type
            return context.res.binary(bytes(body), status, dict(headers))
        return context.res.text(json_text(body), status, {**headers, "content-type": JSON})

    @staticmethod
    def _log_failure(log: Logger, exc: Exception, error: HTTPError) -> None:
        """Server-side faults (5xx but 501) go to `context.error`; caller errors are not logged."""
        if error.status < 500 or error.status == 501:
            return
        cause = exc.__cause__ if isinstance(exc, HTTPError) else exc
        if cause is None:
            log.error(str(exc), error=error.code)
        elif is_appwrite_exception(cause):
            log.error(
                "appwrite error",
                error=error.code,
                code=getattr(cause, "code", None),
                type=getattr(cause, "type", None),
                message=str(getattr(cause, "message", cause)),
            )
        else:
            import traceback

            log.error(
                "unhandled exception",
                error=error.code,
                exception=type(cause).__name__,
                traceback="".join(traceback.format_exception(cause)),
            )
