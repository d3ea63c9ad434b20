"""Fault injection (emulator-only): make chosen API routes fail the way a real network and
a busy Appwrite do, to test how functions cope.

`FaultInjection` wraps the whole API (outside Starlette, so it can drop the connection
itself). It is off until a rule is added, and only the admin API key may add one:

    POST   /v1/emulator/faults        {"method": "GET", "path": "/v1/tablesdb/*/rows/*",
                                       "fault": "503", "times": 3, "dynamicKeysOnly": true}
    GET    /v1/emulator/faults        the rules (with how often each matched) and the
                                      last requests seen (method, path, who: admin,
                                      dynamic, key, jwt, session or guest)
    DELETE /v1/emulator/faults        remove every rule
    DELETE /v1/emulator/faults/{id}   remove one

A rule matches a request by method (or `*`) and path (a glob: `*` also spans `/`; the
query string is not part of it), optionally only requests made with a function's dynamic
key (`dynamicKeysOnly`), for its next `times` matches (`null`: until removed). The first
matching rule with matches left applies its `fault`:

* `"429"` — Appwrite's `general_rate_limit_exceeded` with `Retry-After: <retryAfter>` and
  the `X-RateLimit-*` headers;
* `"500"` — `general_unknown` "Server Error", what Appwrite answers for any failure that is
  not one of its own errors (its error handler, app/controllers/general.php);
* `"503"` — a 503 Service Unavailable (what Appwrite's server or a proxy in front of it
  answers when overloaded), as Appwrite's JSON error;
* `"delay"` — waits `delay` seconds, then serves the request normally;
* `"drop"` — closes the connection without answering (the client sees the connection
  end, as when a server dies mid-request);
* `"lost"` — serves the request (a write is made, its events fire), then closes the
  connection without the answer: the client sees the same broken connection as with
  `"drop"`, but the work was done (a proxy timing out, a network failing on the way back).
  What a function that retries must then cope with: its own earlier write.

`delay` also applies before a 429/500/503/drop/lost. Every injected error says it was injected.
"""

from __future__ import annotations

import asyncio
import collections
import fnmatch
import json
import secrets
import threading
from dataclasses import dataclass, field
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from emulator.core import keys
from emulator.core.errors import APPWRITE_VERSION

CONTROL_PATH = "/v1/emulator/faults"
FAULTS = ("429", "500", "503", "delay", "drop", "lost")
METHODS = ("*", "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
JOURNAL_SIZE = 1000
MAX_RULES = 100
MAX_DELAY = 60.0
INJECTED = "(a fault injected by the emulator: {path} matched rule {rule})"


@dataclass
class Fault:
    """One rule."""

    id: str
    method: str
    path: str
    fault: str
    times: int | None  # matches left; None = until removed
    dynamic_keys_only: bool = False
    delay: float = 0.0
    retry_after: int = 1
    matched: int = 0

    def matches(self, method: str, path: str, key_kind: str) -> bool:
        if self.times is not None and self.times <= 0:
            return False
        if self.dynamic_keys_only and key_kind != "dynamic":
            return False
        if self.method != "*" and self.method != method:
            return False
        return fnmatch.fnmatchcase(path, self.path)

    def model(self) -> dict[str, Any]:
        return {
            "$id": self.id,
            "method": self.method,
            "path": self.path,
            "fault": self.fault,
            "times": self.times,
            "dynamicKeysOnly": self.dynamic_keys_only,
            "delay": self.delay,
            "retryAfter": self.retry_after,
            "matched": self.matched,
        }


class InvalidRule(ValueError):
    pass


def parse_rule(data: Any) -> Fault:
    """A rule from the control route's JSON body; raises InvalidRule naming the problem."""
    if not isinstance(data, dict):
        raise InvalidRule("the body must be a JSON object")
    method = data.get("method", "*")
    path = data.get("path")
    fault = data.get("fault")
    times = data.get("times", 1)
    delay = data.get("delay", 0)
    retry_after = data.get("retryAfter", 1)
    only_dynamic = data.get("dynamicKeysOnly", False)
    if method not in METHODS:
        raise InvalidRule(f"`method` must be one of {', '.join(METHODS)}")
    if not isinstance(path, str) or not path.startswith("/") or len(path) > 2048:
        raise InvalidRule("`path` must be a glob of the request path, starting with /")
    if fault not in FAULTS:
        raise InvalidRule(f"`fault` must be one of {', '.join(FAULTS)}")
    if times is not None and (
        not isinstance(times, int) or isinstance(times, bool) or not 1 <= times <= 1_000_000
    ):
        raise InvalidRule("`times` must be an integer from 1 to 1000000, or null (until removed)")
    if (
        not isinstance(delay, (int, float))
        or isinstance(delay, bool)
        or not 0 <= delay <= MAX_DELAY
    ):
        raise InvalidRule(f"`delay` must be a number of seconds from 0 to {MAX_DELAY:g}")
    if fault == "delay" and delay <= 0:
        raise InvalidRule("a `delay` fault needs `delay` > 0 seconds")
    if not isinstance(retry_after, int) or isinstance(retry_after, bool) or retry_after < 0:
        raise InvalidRule("`retryAfter` must be a whole number of seconds ≥ 0")
    if not isinstance(only_dynamic, bool):
        raise InvalidRule("`dynamicKeysOnly` must be a boolean")
    return Fault(
        id=secrets.token_hex(8),
        method=method,
        path=path,
        fault=fault,
        times=times,
        dynamic_keys_only=only_dynamic,
        delay=float(delay),
        retry_after=retry_after,
    )


@dataclass
class FaultTable:
    """The rules of one emulator and the journal of recent requests (thread-safe)."""

    rules: list[Fault] = field(default_factory=list)
    journal: collections.deque = field(
        default_factory=lambda: collections.deque(maxlen=JOURNAL_SIZE)
    )
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, rule: Fault) -> Fault:
        with self.lock:
            if len(self.rules) >= MAX_RULES:
                raise InvalidRule(f"at most {MAX_RULES} rules; remove some first")
            self.rules.append(rule)
        return rule

    def remove(self, rule_id: str | None = None) -> bool:
        with self.lock:
            before = len(self.rules)
            self.rules = [r for r in self.rules if rule_id is not None and r.id != rule_id]
            return len(self.rules) < before

    def take(self, method: str, path: str, key_kind: str) -> Fault | None:
        """Record the request; the rule that applies to it (its count consumed), if any."""
        with self.lock:
            self.journal.append({"method": method, "path": path, "key": key_kind})
            for rule in self.rules:
                if rule.matches(method, path, key_kind):
                    rule.matched += 1
                    if rule.times is not None:
                        rule.times -= 1
                    return rule
        return None

    def snapshot(self) -> dict[str, Any]:
        with self.lock:
            faults = [r.model() for r in self.rules]
            requests = list(self.journal)
        return {"total": len(faults), "faults": faults, "requests": requests}


class FaultInjection:
    """ASGI wrapper around the API app; see the module doc."""

    def __init__(self, app: ASGIApp, *, admin_key: str, project_id: str):
        self.app = app
        self.admin_key = admin_key
        self.project_id = project_id.encode()
        self.table = FaultTable()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        if path == CONTROL_PATH or path.startswith(CONTROL_PATH + "/"):
            await self._control(scope, receive, send)
            return
        rule = self.table.take(scope["method"], path, _key_kind(scope, self.admin_key))
        if rule is None:
            await self.app(scope, receive, send)
            return
        if rule.delay:
            await asyncio.sleep(rule.delay)
        if rule.fault == "delay":
            await self.app(scope, receive, send)
        elif rule.fault == "drop":
            await _drop(receive, send)
        elif rule.fault == "lost":
            await self.app(scope, receive, _discard)  # served in full, the answer thrown away
            await _drop(receive, send)
        else:
            await _answer_fault(rule, path, send)

    # -- the control route -----------------------------------------------------------------
    async def _control(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = dict(scope["headers"])
        if headers.get(b"x-appwrite-project", b"") != self.project_id:
            await _send_error(send, 404, "project_not_found", "Project not found.")
            return
        key = headers.get(b"x-appwrite-key", b"").decode("latin-1")
        if not keys.same_secret(key, self.admin_key):
            await _send_error(
                send,
                401,
                "general_unauthorized_scope",
                "Fault injection is emulator-only and needs the admin API key.",
            )
            return
        method, tail = scope["method"], scope["path"][len(CONTROL_PATH) :].strip("/")
        if method == "GET" and not tail:
            await _send_json(send, 200, self.table.snapshot())
        elif method == "POST" and not tail:
            try:
                body = await _read_body(receive, limit=65536)
                rule = self.table.add(parse_rule(_json(body)))
            except InvalidRule as exc:
                await _send_error(send, 400, "general_argument_invalid", f"Invalid fault: {exc}.")
                return
            await _send_json(send, 201, rule.model())
        elif method == "DELETE":
            if self.table.remove(tail or None) or not tail:
                await _send_json(send, 204, None)
            else:
                await _send_error(send, 404, "general_argument_invalid", f"No fault {tail!r}.")
        else:
            await _send_error(send, 404, "general_route_not_found", "Route not found.")


def _key_kind(scope: Scope, admin_key: str) -> str:
    """Who calls, as far as the journal tells: "admin" (the API key), "dynamic" (a function's
    key), "key" (another key), "jwt", "session" or "guest"."""
    headers = dict(scope["headers"])
    text = headers.get(b"x-appwrite-key", b"").decode("latin-1")
    if text:
        if keys.is_dynamic_key(text):
            return "dynamic"
        return "admin" if keys.same_secret(text, admin_key) else "key"
    if headers.get(b"x-appwrite-jwt"):
        return "jwt"
    if headers.get(b"x-appwrite-session") or b"a_session_" in headers.get(b"cookie", b""):
        return "session"
    return "guest"


def _json(body: bytes) -> Any:
    try:
        return json.loads(body or b"{}")
    except ValueError:
        raise InvalidRule("the body is not JSON") from None


async def _read_body(receive: Receive, *, limit: int) -> bytes:
    body = bytearray()
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        body += message.get("body", b"")
        if len(body) > limit:
            raise InvalidRule("the body is too large")
        if not message.get("more_body"):
            break
    return bytes(body)


async def _answer_fault(rule: Fault, path: str, send: Send) -> None:
    note = INJECTED.format(path=path, rule=rule.id)
    if rule.fault == "429":
        error_type = "general_rate_limit_exceeded"
        message = (
            "Rate limit for the current endpoint has been exceeded. Please try again after "
            f"some time. {note}"
        )
        headers = {
            "retry-after": str(rule.retry_after),
            "x-ratelimit-limit": "0",
            "x-ratelimit-remaining": "0",
            "x-ratelimit-reset": str(rule.retry_after),
        }
    elif rule.fault == "500":
        error_type, message, headers = "general_unknown", f"Server Error {note}", {}
    else:
        error_type, message, headers = "general_server_error", f"Service Unavailable {note}", {}
    await _send_error(send, int(rule.fault), error_type, message, headers)


async def _discard(message) -> None:
    """A `send` that throws the answer away (fault "lost")."""


async def _drop(receive: Receive, send: Send) -> None:
    """Close the connection without a response. Under uvicorn, `send` belongs to the
    connection's request cycle, whose transport we abort; anywhere else the response is
    started and cut short, which the client also sees as a broken connection."""
    transport = getattr(getattr(send, "__self__", None), "transport", None)
    if transport is not None:
        transport.abort()
        while (await receive())["type"] != "http.disconnect":
            pass
        return
    await send({"type": "http.response.start", "status": 200, "headers": []})
    raise ConnectionAbortedError("connection dropped by an injected fault")


async def _send_error(
    send: Send, status: int, error_type: str, message: str, headers: dict | None = None
) -> None:
    body = {"message": message, "code": status, "type": error_type, "version": APPWRITE_VERSION}
    await _send_json(send, status, body, headers)


async def _send_json(send: Send, status: int, data: Any, headers: dict | None = None) -> None:
    payload = b"" if data is None else json.dumps(data, separators=(",", ":")).encode()
    kind = b"application/json; charset=UTF-8" if payload else b"text/html; charset=UTF-8"
    raw = [(b"content-type", kind)]
    raw += [(k.encode(), v.encode()) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": payload})
