"""Delivering an event to a function again, as Appwrite's event worker would deliver it a
second time (Appwrite's delivery is at-least-once in practice: a worker that dies after
running a function but before acknowledging runs it again).

The test client has no public call for this yet, so this is the one place that reaches
into the emulator's functions service (`Invocation`, the same path `emit`/event fan-out
takes): when the emulator's layout changes, only this file follows.
"""

from __future__ import annotations

import json
from typing import Any

from emulator.testing import AppwriteTestClient


def deliver(
    appwrite: AppwriteTestClient, function_id: str, event: str, body: Any
) -> tuple[int, Any, dict]:
    """Run `function_id` for `event` with `body` (the event's model) synchronously; its
    status, parsed answer and the stored execution."""
    from emulator.functions.service import Invocation

    execution = appwrite.stack.functions.execute(
        Invocation(
            function_id,
            "event",
            body=body if isinstance(body, str) else json.dumps(body),
            event=event,
            asynchronous=False,
        )
    )
    appwrite.wait_for_executions()
    text = execution["responseBody"]
    return execution["responseStatusCode"], (json.loads(text) if text else None), execution
