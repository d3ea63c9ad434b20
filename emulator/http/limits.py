"""The request size cap of Appwrite's HTTP server, for the API and the function URLs.

Appwrite's Swoole server takes at most `package_max_length` = 12 MiB per request, request
line and headers included (AW app/http.php `$payloadSize`), and answers anything larger
with a bare `413 Request Entity Too Large` before any route runs. The emulator applies the
same cap and answers 413 with Appwrite's JSON error shape, naming the limit.

The body is never held beyond the cap: a request that declares a larger `Content-Length`
is refused before its body is read, and one sent in chunks is refused as soon as the cap is
passed. Either way the rest of the body is read and discarded (up to `DRAIN_LIMIT`, so the
client receives the 413 instead of a broken pipe), in small pieces: a 100 MB upload costs
the emulator no more memory than a small one.
"""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from emulator.core.errors import AppwriteError

MAX_REQUEST_BYTES = 12 * 1024 * 1024  # Swoole package_max_length in Appwrite's app/http.php
DRAIN_LIMIT = 256 * 1024 * 1024  # past this much discarded body, answer and close at once


class BodyTooLarge(AppwriteError):
    """413 for a request past the cap (raised from `receive` once the rest was drained, so
    the API's error handlers answer it like any Appwrite error)."""

    def __init__(self, size: int, limit: int = MAX_REQUEST_BYTES):
        super().__init__(
            "general_bad_request",
            f"Request too large: {size} bytes or more (request line and headers included). "
            f"Appwrite's server accepts at most {limit} bytes per request and answers 413.",
            code=413,
        )


def header_bytes(scope: Scope) -> int:
    """The size of the request line and headers on the wire (as Swoole counts them)."""
    line = len(scope["method"]) + len(scope.get("raw_path") or b"") + 12
    line += len(scope.get("query_string") or b"") + 1
    return line + sum(len(k) + len(v) + 4 for k, v in scope["headers"]) + 2


def declared_length(scope: Scope) -> int | None:
    for key, value in scope["headers"]:
        if key == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def drain(receive: Receive, already: int) -> int:
    """Read and discard the rest of the body; the total size seen (stops at DRAIN_LIMIT)."""
    total = already
    while total < DRAIN_LIMIT:
        message = await receive()
        if message["type"] != "http.request":
            break
        total += len(message.get("body", b""))
        if not message.get("more_body"):
            break
    return total


def bounded(scope: Scope, receive: Receive, limit: int = MAX_REQUEST_BYTES) -> Receive:
    """`receive`, raising `BodyTooLarge` once headers and body pass `limit` (after draining)."""
    seen = header_bytes(scope)

    async def bounded_receive() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                more = message.get("more_body", False)
                total = await drain(receive, seen) if more else seen
                raise BodyTooLarge(total, limit)
        return message

    return bounded_receive


async def read_body(scope: Scope, receive: Receive, limit: int = MAX_REQUEST_BYTES) -> bytes:
    """The whole body of a request for a raw ASGI app; raises `BodyTooLarge`."""
    declared = declared_length(scope)
    if declared is not None and header_bytes(scope) + declared > limit:
        total = await drain(receive, header_bytes(scope))
        raise BodyTooLarge(max(total, header_bytes(scope) + declared), limit)
    receive = bounded(scope, receive, limit)
    body = bytearray()
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    return bytes(body)


async def send_error(send: Send, error: AppwriteError, *, close: bool = True) -> None:
    """Appwrite's JSON error, closing the connection (the client may still be sending)."""
    headers = [(b"content-type", b"application/json; charset=UTF-8")]
    if close:
        headers.append((b"connection", b"close"))
    payload = json.dumps(error.body(), separators=(",", ":")).encode()
    await send({"type": "http.response.start", "status": error.code, "headers": headers})
    await send({"type": "http.response.body", "body": payload})


class BodyLimit:
    """ASGI middleware: 413 for a request larger than `limit` (see the module doc)."""

    def __init__(self, app: ASGIApp, limit: int = MAX_REQUEST_BYTES):
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = declared_length(scope)
        head = header_bytes(scope)
        if declared is not None and head + declared > self.limit:
            total = await drain(receive, head)
            await send_error(send, BodyTooLarge(max(total, head + declared), self.limit))
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, bounded(scope, receive, self.limit), tracking_send)
        except BodyTooLarge as error:  # raised outside a route's error handling
            if not started:
                await send_error(send, error)
