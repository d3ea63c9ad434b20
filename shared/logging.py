"""Structured logs through `context.log` / `context.error`, with secrets redacted.

One JSON object per line, keys in this order: `level`, `msg`, then the bound fields
(`function`, `execution`), then the call's fields, e.g.

    {"level":"info","msg":"execution","function":"articles","method":"GET","status":200}

Redaction (`redact`) applies to every line: values under keys that name a secret
(key, secret, password, jwt, token, session, authorization, cookie) become
`[REDACTED]`, and anything that looks like an Appwrite API key (`standard_…`,
`dynamic_…`, `ephemeral_…`), a JWT (`eyJ….….…`) or an HTTP credential
(`Bearer …`, `Basic …`) is replaced inside any string, messages included.
Long strings keep their head and tail (tracebacks end with the useful part) to keep
a line under the runtime's 8000-character limit.

Most strings hold none of this, and the two expressions cost 2–3 ms to compile on a cold
worker's first line: an ASCII string that contains none of the words an expression needs
(`_KEY_WORDS`, `_VALUE_WORDS`, compared in lower case) cannot match it and skips it. Any
other string — one that holds such a word, or any non-ASCII character (`re.I` matches
`ſ` for `s` and `ı` for `i`) — goes through the expression as before.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from .patterns import lazy

REDACTED = "[REDACTED]"
MAX_STRING = 4000
_SECRET_KEY = lazy(r"key|secret|password|passwd|jwt|token|session|authorization|cookie", re.I)
_SECRET_VALUE = lazy(
    r"\b(?:standard|dynamic|ephemeral)_[A-Za-z0-9._~+/=-]+"
    r"|\beyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*"
    r"|\b(?:Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+",
    re.I,
)


# What each expression cannot match without (lower case): every alternative of
# `_SECRET_KEY` is one of these words, and every alternative of `_SECRET_VALUE` starts with
# one. Change them together.
_KEY_WORDS = (
    "key",
    "secret",
    "password",
    "passwd",
    "jwt",
    "token",
    "session",
    "authorization",
    "cookie",
)
_VALUE_WORDS = ("standard_", "dynamic_", "ephemeral_", "eyj", "bearer", "basic")


def _may_hold(text: str, words: tuple[str, ...]) -> bool:
    """False only when `text` cannot match: ASCII, and none of `words` in it (any case)."""
    if not text.isascii():
        return True
    lower = text.lower()
    return any(word in lower for word in words)


def is_secret_key(name: str) -> bool:
    return _may_hold(name, _KEY_WORDS) and bool(_SECRET_KEY.search(name))


def redact_text(text: str) -> str:
    return _SECRET_VALUE.sub(REDACTED, text) if _may_hold(text, _VALUE_WORDS) else text


def redact(value: Any) -> Any:
    """`value` with secrets replaced, recursively through dicts, lists and tuples."""
    if isinstance(value, str):
        text = redact_text(value)
        if len(text) <= MAX_STRING:
            return text
        head = MAX_STRING // 4
        return text[:head] + "…" + text[-(MAX_STRING - head - 1) :]
    if isinstance(value, dict):
        return {
            str(k): (REDACTED if is_secret_key(str(k)) and v not in (None, "") else redact(v))
            for k, v in value.items()
        }
    if isinstance(value, (list, tuple, set, frozenset)):
        return [redact(v) for v in value]
    if value is None or isinstance(value, (bool, int, float)):
        return value
    return redact(str(value))


def format_line(level: str, msg: str, fields: dict[str, Any]) -> str:
    """One redacted JSON log line."""
    record = {"level": level, "msg": msg}
    record.update({k: v for k, v in fields.items() if k not in record})
    return json.dumps(redact(record), separators=(",", ":"), ensure_ascii=False, default=str)


class Logger:
    """Writes redacted JSON lines to `context.log` (info, warning) and `context.error` (error)."""

    def __init__(self, context: Any, **bound: Any):
        self._context = context
        self._bound = bound

    def bind(self, **fields: Any) -> Logger:
        return Logger(self._context, **{**self._bound, **fields})

    def _write(
        self, sink: Callable[..., Any], level: str, msg: str, fields: dict[str, Any]
    ) -> None:
        sink(format_line(level, msg, {**self._bound, **fields}))

    def info(self, msg: str, **fields: Any) -> None:
        self._write(self._context.log, "info", msg, fields)

    def warning(self, msg: str, **fields: Any) -> None:
        self._write(self._context.log, "warning", msg, fields)

    def error(self, msg: str, **fields: Any) -> None:
        self._write(self._context.error, "error", msg, fields)
