"""The request a handler sees, and body parsing that survives the runtime's quirks.

The runtime's `req.body`/`req.body_json`/`req.body_text` raise on empty, non-JSON or
non-UTF-8 bodies, and REST executions arrive as `application/x-www-form-urlencoded`
even when the body is JSON. So we read `req.body_binary` (always safe) and parse by
content, never by content-type; every failure is a 400 (or 413), never a crash.

A JSON text may spell a lone UTF-16 surrogate (`"\\ud800"`); Python decodes it, but no
store can hold it and Appwrite's own JSON parser refuses it, so `parse_json` does too
(400 `invalid_json` pointing at the string), wherever it is in the body.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

from .errors import BadRequest, PayloadTooLarge
from .logging import Logger
from .patterns import lazy
from .records import Record
from .triggers import Event, Trigger

DEFAULT_MAX_BODY_BYTES = 1024 * 1024
_MISSING: Any = object()


def decode_text(raw: bytes, *, max_bytes: int = DEFAULT_MAX_BODY_BYTES) -> str:
    """The body as text: 413 above `max_bytes`, 400 if not UTF-8. A UTF-8 BOM is dropped."""
    if len(raw) > max_bytes:
        raise PayloadTooLarge(
            f"The request body is {len(raw)} bytes; the limit is {max_bytes} bytes.",
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadRequest(
            "The request body is not valid UTF-8.",
            code="invalid_encoding",
            details=[{"position": exc.start}],
        ) from None
    return text.removeprefix("\ufeff")


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


_SURROGATE = lazy("[\ud800-\udfff]")


def has_surrogate(text: str) -> bool:
    """A lone surrogate in `text` (no UTF-8 for it). An ASCII string holds none: most strings
    never compile the expression (decision 0019)."""
    return not text.isascii() and _SURROGATE.search(text) is not None


def _surrogate_path(value: Any, path: str = "") -> str | None:
    """The JSON pointer of the first string (or key) holding a lone surrogate, else None."""
    stack = [(value, path)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, str):
            if has_surrogate(item):
                return where
        elif isinstance(item, dict):
            for key, child in item.items():
                pointer = where + "/" + key.replace("~", "~0").replace("/", "~1")
                if has_surrogate(key):
                    return where
                stack.append((child, pointer))
        elif isinstance(item, list):
            stack.extend((child, f"{where}/{i}") for i, child in enumerate(item))
    return None


def parse_json(
    raw: bytes, *, max_bytes: int = DEFAULT_MAX_BODY_BYTES, default: Any = _MISSING
) -> Any:
    """The body parsed as JSON whatever its content-type.

    An empty (or whitespace-only) body returns `default`, or is a 400 `empty_body` when no
    default is given. Invalid JSON (including NaN/Infinity) is a 400 `invalid_json`.
    """
    text = decode_text(raw, max_bytes=max_bytes)
    if not text.strip():
        if default is not _MISSING:
            return default
        raise BadRequest("The request body is empty; expected JSON.", code="empty_body")
    try:
        value = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise BadRequest(
            "The request body is not valid JSON.",
            code="invalid_json",
            details=[{"line": exc.lineno, "column": exc.colno, "message": exc.msg}],
        ) from None
    except (ValueError, RecursionError) as exc:
        raise BadRequest(
            "The request body is not valid JSON.",
            code="invalid_json",
            details=[{"message": str(exc)[:200]}],
        ) from None
    where = _surrogate_path(value) if "\\u" in text else None
    if where is not None:
        raise BadRequest(
            "The request body is not valid JSON.",
            code="invalid_json",
            details=[{"path": where, "message": "contains a lone UTF-16 surrogate"}],
        )
    return value


class Request(Record):
    """One execution as a handler sees it. Built by `App` from the runtime context."""

    __slots__ = (
        "body",
        "context",
        "deadline",
        "headers",
        "log",
        "max_body_bytes",
        "method",
        "params",
        "path",
        "query",
        "trigger",
    )
    _hidden = ("context", "log")
    method: str
    path: str
    headers: Mapping[str, str]
    query: Mapping[str, str]
    body: bytes
    trigger: Trigger
    params: dict[str, str]
    deadline: float
    max_body_bytes: int
    context: Any
    log: Logger | None

    def __init__(
        self,
        method: str,
        path: str,
        headers: Mapping[str, str],
        query: Mapping[str, str],
        body: bytes,
        trigger: Trigger,
        params: dict[str, str] | None = None,
        deadline: float = math.inf,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        context: Any = None,
        log: Logger | None = None,
    ):
        self.method = method
        self.path = path
        self.headers = headers
        self.query = query
        self.body = body
        self.trigger = trigger
        self.params = {} if params is None else params
        self.deadline = deadline
        self.max_body_bytes = max_body_bytes
        self.context = context
        self.log = log

    @classmethod
    def from_context(cls, context: Any, trigger: Trigger, **kwargs: Any) -> Request:
        req = context.req
        path = req.path or "/"
        return cls(
            method=req.method or "GET",
            path=path,
            headers=dict(req.headers or {}),
            query=dict(req.query or {}),
            body=bytes(req.body_binary or b""),
            trigger=trigger,
            context=context,
            **kwargs,
        )

    @property
    def event(self) -> Event | None:
        return self.trigger.event

    @property
    def execution_id(self) -> str:
        return self.headers.get("x-appwrite-execution-id", "")

    def header(self, name: str, default: str | None = None) -> str | None:
        return self.headers.get(name.lower(), default)

    def text(self) -> str:
        return decode_text(self.body, max_bytes=self.max_body_bytes)

    def json(self, default: Any = _MISSING) -> Any:
        """The body as JSON (see `parse_json`); pass `default` to accept an empty body."""
        return parse_json(self.body, max_bytes=self.max_body_bytes, default=default)
