"""Delivering an event to a function again, as Appwrite's event worker would deliver it a
second time (Appwrite's delivery is at-least-once in practice: a worker that dies after
running a function but before acknowledging runs it again) — through the test client's
`deliver_event`.
"""

from __future__ import annotations

import json
from typing import Any

from emulator.testclient import AppwriteTestClient


def deliver(
    appwrite: AppwriteTestClient, function_id: str, event: str, body: Any
) -> tuple[int, Any, dict]:
    """Run `function_id` for `event` with `body` (the event's model) synchronously; its
    status, parsed answer and the stored execution."""
    execution = appwrite.deliver_event(function_id, event, body)
    appwrite.wait_for_executions()
    text = execution["responseBody"]
    return execution["responseStatusCode"], (json.loads(text) if text else None), execution
