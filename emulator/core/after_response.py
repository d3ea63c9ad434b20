"""Work that waits until the API request that caused it has answered.

Appwrite queues a request's events in its shutdown hook, after the response: an event
function can never start before the write that triggered it has been answered to its
caller. The HTTP layer opens a gate per request (`http/gate.py`) and releases it once the
response's last byte has been handed to the connection (or the request ended any other
way); code running inside the request asks for it with `current()`:

    gate = after_response.current()    # None outside an API request: nothing to wait for
    ...
    gate.wait(after_response.LIMIT)    # in a background thread, before starting the work
"""

from __future__ import annotations

import contextvars
import threading

# a safety net only: the gate is released when the request ends, whatever the outcome
LIMIT = 30.0

_GATE: contextvars.ContextVar[threading.Event | None] = contextvars.ContextVar(
    "after_response_gate", default=None
)


def current() -> threading.Event | None:
    """The gate of the API request being handled, or None outside one."""
    return _GATE.get()


def open_gate() -> tuple[threading.Event, contextvars.Token]:
    """A closed gate made current for this context; `reset(token)` when the request ends."""
    gate = threading.Event()
    return gate, _GATE.set(gate)


def reset(token: contextvars.Token) -> None:
    _GATE.reset(token)
