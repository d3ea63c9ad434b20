"""Requests made with an execution's dynamic key run at that execution's clock.

An execution started from the controllable cron clock (`tick --at`) has a moment of
its own; the rows and users it writes through the API are stamped with it.
"""

from __future__ import annotations

from emulator import clock


class ExecutionClock:
    """ASGI middleware: `emulator.clock.now()` is the calling execution's moment."""

    def __init__(self, app, state):
        self.app = app
        self.state = state

    async def __call__(self, scope, receive, send) -> None:
        moment = None
        functions = self.state.extensions.get("functions")
        if scope["type"] == "http" and functions is not None:
            key = next((v for k, v in scope["headers"] if k == b"x-appwrite-key"), b"").decode(
                "latin-1"
            )
            if key.startswith(("ephemeral_", "dynamic_")):
                moment = self._moment(functions, key)
        if moment is None:
            await self.app(scope, receive, send)
            return
        with clock.at(moment):
            await self.app(scope, receive, send)

    def _moment(self, functions, key: str):
        from emulator.api import auth
        from emulator.api.errors import AppwriteError

        try:
            caller = auth.resolve(self.state, {"x-appwrite-key": key}, {})
        except AppwriteError:
            return None  # the route answers the bad key itself
        execution_id = (caller.claims or {}).get("executionId")
        return functions.now_of(execution_id) if execution_id else None
