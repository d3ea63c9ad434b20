"""`AfterResponse`: the per-request gate of `core/after_response.py` (pure ASGI).

The gate is released when the response's last body message has been sent, or when the
request ends without one (an error, a disconnect): work waiting on it — the event
executions a write started — begins only once the write has been answered, as Appwrite
queues a request's events after its response.
"""

from __future__ import annotations

from emulator.core import after_response


class AfterResponse:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        gate, token = after_response.open_gate()

        async def sending(message):
            try:
                await send(message)
            finally:
                if message["type"] == "http.response.body" and not message.get("more_body"):
                    gate.set()

        try:
            await self.app(scope, receive, sending)
        finally:
            gate.set()
            after_response.reset(token)
