"""Live logs in the terminal: one line per finished execution, its log lines indented.

    runner.on_finish(LiveLog(print))      # what `serve` does unless --quiet

    12:04:31 on-note               event     completed  200   84 ms  databases.main.…create
        enriched article 6a1f… (412 words)

The line holds the function, the trigger, the status, the response status code, the
duration and what caused it (the event, or the method and path). Logs and errors follow,
indented (errors marked `!`); a long log is cut after `max_lines` lines. Nothing secret is
in an execution's logs unless the function itself logged it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from emulator.core import clock

from .model import Execution, Invocation, Trigger

MAX_LINES = 20


def cause(execution: Execution) -> str:
    """What started it, in a few words: the event name, the cron tick, or the request."""
    if execution.trigger == Trigger.EVENT:
        return execution.event or "event"
    if execution.trigger == Trigger.SCHEDULE:
        return "cron" if execution.scheduled_at is None else f"scheduledAt {execution.scheduled_at}"
    return f"{execution.request_method} {execution.request_path}"


def format_execution(execution: Execution, max_lines: int = MAX_LINES) -> str:
    """The execution as the terminal shows it: a summary line, then its logs indented."""
    moment = clock.parse_iso(execution.updated_at).strftime("%H:%M:%S")
    milliseconds = f"{execution.duration * 1000:.0f} ms"
    line = (
        f"{moment} {execution.function_id:<22} {execution.trigger!s:<9} "
        f"{execution.status!s:<10} {execution.response_status_code:>3} {milliseconds:>8}  "
        f"{cause(execution)}"
    )
    if execution.loop:
        line += "  (event loop stopped)"
    lines = [line]
    body = [("    ", text) for text in execution.logs.splitlines()]
    body += [("  ! ", text) for text in execution.errors.splitlines()]
    for prefix, text in body[:max_lines]:
        lines.append(prefix + text)
    if len(body) > max_lines:
        lines.append(
            f"    … {len(body) - max_lines} more lines: python -m emulator executions --logs"
        )
    return "\n".join(lines)


class LiveLog:
    """A runner finish listener that writes each finished execution (one block at a time)."""

    def __init__(self, write: Callable[[str], None], max_lines: int = MAX_LINES):
        self.write = write
        self.max_lines = max_lines
        self._lock = threading.Lock()

    def __call__(self, execution: Execution, invocation: Invocation) -> None:
        text = format_execution(execution, self.max_lines)
        with self._lock:  # executions finish on several threads: keep each block whole
            self.write(text)
