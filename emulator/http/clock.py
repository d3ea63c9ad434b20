"""Requests made with an execution's dynamic key run at that execution's clock.

An execution started from the controllable cron clock (`tick --at`) has a moment of
its own, signed into its dynamic key (claim `now`); the rows and users it writes
through the API are stamped with it.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from emulator.core import clock, keys


class ExecutionClock:
    """ASGI middleware: `emulator.core.clock.now()` is the calling execution's moment."""

    def __init__(self, app: ASGIApp, secret: str):
        self.app = app
        self.secret = secret

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        moment = None
        if scope["type"] == "http":
            key = next((v for k, v in scope["headers"] if k == b"x-appwrite-key"), b"")
            text = key.decode("latin-1")
            if keys.is_dynamic_key(text):
                try:
                    moment = keys.key_moment(keys.decode_dynamic_key(self.secret, text))
                except keys.InvalidToken:
                    moment = None  # the route answers the bad key itself
        if moment is None:
            await self.app(scope, receive, send)
            return
        with clock.at(moment):
            await self.app(scope, receive, send)
