"""API writes → event executions (reference appwrite-runtime.md §4), with loop detection.

`EventFanOut` listens to the emulator's writes (`state.subscribe`). For each write it
generates Appwrite's event names, finds the functions subscribed to any of them and starts
one asynchronous execution each, with the write's model as the body. A write made with an
execution's dynamic key is caused by that execution: the chain of causes is recorded, and a
chain that re-enters the same function more than `loop_limit` times is stopped and reported
(Appwrite would run it forever).
"""

from __future__ import annotations

import json

from emulator.core import keys
from emulator.core.callers import CallerKind
from emulator.core.state import WriteEvent
from emulator.manifest import Manifest
from emulator.triggers import events as event_names

from .model import Execution, Invocation, Trigger
from .records import ExecutionRecords
from .runner import Runner

DEFAULT_LOOP_LIMIT = 3


class EventFanOut:
    def __init__(
        self,
        runner: Runner,
        manifest: Manifest,
        records: ExecutionRecords,
        loop_limit: int = DEFAULT_LOOP_LIMIT,
    ):
        self.runner = runner
        self.records = records
        self.loop_limit = loop_limit
        self.subscriptions = [(f.id, f.events) for f in manifest.functions if f.events]

    def on_write(self, event: WriteEvent) -> list[Execution]:
        """Start the executions a write's events trigger."""
        names = event_names.generate_events(event.pattern, event.params)
        targets = event_names.subscribers(names, self.subscriptions)
        if not targets:
            return []
        caller = event.caller
        parent_id, at = None, None
        if caller is not None and caller.kind == CallerKind.KEY:
            parent_id = caller.claims.get("executionId")
            at = keys.key_moment(caller.claims)
        user_id = caller.user_id if caller is not None and caller.kind == CallerKind.USER else ""
        body = json.dumps(event.payload, separators=(",", ":"))
        return [
            self.runner.execute(
                Invocation(
                    function_id,
                    Trigger.EVENT,
                    body=body,
                    asynchronous=True,
                    event=names[0],
                    event_user_id=user_id,
                    parent_id=parent_id,
                    at=at,
                    stopped=self.loop_error(function_id, parent_id),
                )
            )
            for function_id in targets
        ]

    def loop_error(self, function_id: str, parent_id: str | None) -> str | None:
        """An error text when re-entering `function_id` would exceed the loop limit."""
        chain: list[Execution] = []
        current = parent_id
        while current:
            parent = self.records.get(current)
            if parent is None:
                break
            chain.append(parent)
            current = parent.parent_id
        if sum(1 for e in chain if e.function_id == function_id) < self.loop_limit:
            return None
        steps = [
            f"{e.function_id} (execution {e.id}, triggered by {e.event or e.trigger})"
            for e in reversed(chain)
        ]
        return (
            f"Event loop stopped: function {function_id} was triggered {len(chain) + 1} times in "
            f"one causal chain (limit {self.loop_limit} re-entries). On Appwrite this would run "
            "forever.\nChain of executions and the writes that caused them:\n  "
            + "\n  ".join(steps)
            + f"\n  → {function_id} (not run)\nMake the write idempotent, skip when nothing "
            "changes, or write to another table."
        )
