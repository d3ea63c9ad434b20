"""The requests monitor: a small ASGI middleware that records each API request in a bounded
in-memory ring buffer, with the events its writes fired.

    requests = RequestLog(500)
    app.add_middleware(RequestMonitor, log=requests)   # before the app serves
    state.subscribe(EventRecorder())                   # names the events of each request

A record holds the method, the path (never the query string), who called (admin key,
function key, user by session or JWT, guest — never the credential), the status, the time
taken and the event names; never a header value or a body. The console shows them live.
"""

from __future__ import annotations

import contextvars
import threading
import time
from collections import deque
from dataclasses import dataclass, field

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from emulator.core import clock
from emulator.core.callers import Caller, CallerKind
from emulator.core.state import WriteEvent
from emulator.triggers import events as event_names

CONSOLE_HEADER = b"x-emulator-console"
_current: contextvars.ContextVar[RequestRecord | None] = contextvars.ContextVar(
    "emulator_request_record", default=None
)


@dataclass
class RequestRecord:
    seq: int
    at: str
    method: str
    path: str
    caller: str = "guest"
    execution_id: str = ""  # the execution whose dynamic key made the request
    status: int = 0
    milliseconds: float = 0.0
    events: list[str] = field(default_factory=list)
    via_console: bool = False

    def model(self) -> dict:
        return {
            "seq": self.seq,
            "at": self.at,
            "method": self.method,
            "path": self.path,
            "caller": self.caller,
            "executionId": self.execution_id,
            "status": self.status,
            "milliseconds": round(self.milliseconds, 1),
            "events": list(self.events),
            "console": self.via_console,
        }


class RequestLog:
    """The last `size` requests, oldest first; thread-safe."""

    def __init__(self, size: int = 500):
        self._records: deque[RequestRecord] = deque(maxlen=size)
        self._lock = threading.Lock()
        self._seq = 0

    def start(self, method: str, path: str) -> RequestRecord:
        with self._lock:
            self._seq += 1
            record = RequestRecord(self._seq, clock.iso(), method, path)
            self._records.append(record)
            return record

    def since(self, seq: int = 0) -> list[RequestRecord]:
        """The finished records after `seq`, oldest first."""
        with self._lock:
            return [r for r in self._records if r.seq > seq and r.status]


def describe(caller: Caller | None) -> tuple[str, str]:
    """(caller kind as the monitor shows it, the execution id of a function's key)."""
    if caller is None:
        return "guest", ""
    if caller.kind == CallerKind.KEY:
        if caller.is_admin_key:
            return "admin key", ""
        execution_id = str(caller.claims.get("executionId", ""))
        return "function key", execution_id
    if caller.kind == CallerKind.USER:
        return ("user (JWT)" if caller.via_jwt else "user (session)"), ""
    return "guest", ""


class RequestMonitor:
    """ASGI middleware recording every `/v1` request into a `RequestLog`."""

    def __init__(self, app: ASGIApp, log: RequestLog):
        self.app = app
        self.log = log

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/v1"):
            await self.app(scope, receive, send)
            return
        record = self.log.start(scope["method"], scope["path"])
        record.via_console = any(k == CONSOLE_HEADER for k, _ in scope["headers"])
        state = scope.setdefault("state", {})  # shared with request.state: the caller lands there
        started = time.perf_counter()
        token = _current.set(record)

        async def recording_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                record.status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, recording_send)
        finally:
            _current.reset(token)
            record.milliseconds = (time.perf_counter() - started) * 1000
            record.caller, record.execution_id = describe(state.get("caller"))
            record.status = record.status or 500


class EventRecorder:
    """A write listener: adds the event a write fired to the request that made it."""

    def on_write(self, event: WriteEvent) -> None:
        record = _current.get()
        if record is not None:
            names = event_names.generate_events(event.pattern, event.params)
            if names:
                record.events.append(names[0])
