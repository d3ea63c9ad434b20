"""JSON Schema validation of request bodies, every error reported with its JSON pointer.

    CREATE = load_schema(__file__, "../schemas/create.json")   # at module level
    data = CREATE.validate(request.json())                     # in the handler

`load_schema` reads and parses the file at once (a broken deployment fails at import);
the validator is compiled on first use and cached per path for the life of the warm
worker. `jsonschema` is imported only then, so routes without a schema never pay for it.
The schema itself is not checked against its metaschema at run time (2–9 ms of a cold
worker's first request): every schema a function ships is checked by the tests
(`tests/unit/test_function_schemas.py`, decision 0019); `compile_schema(schema)` checks
it for any other caller.
Formats are checked; `date-time` and `uri` get stdlib checkers because jsonschema
checks them only when optional packages the functions do not ship are installed, and
`email`, `name`, `single-line` and `text` are ours (`shared.safe_text`).

Messages never echo a secret: a property marked `"writeOnly": true` in the schema (a
password) gets messages built from the rule alone (`must be at least 8 characters long`,
never `'hunter2' is too short`), and so does any object or array (it may hold one).
"""

from __future__ import annotations

import json
import os
import re
from typing import Any

from .errors import BadRequest
from .patterns import lazy
from .safe_text import FORMATS

MAX_MESSAGE = 300
MAX_DETAILS = 50  # problems listed per answer: a body of 10,000 unknown keys is no 1 MB answer
_schemas: dict[str, Schema] = {}

_DATE_TIME = lazy(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")
_SCHEME = lazy(r"^[A-Za-z][A-Za-z0-9+.-]*$")


def is_date_time(value: object) -> bool:
    """RFC 3339 date-time (JSON Schema `date-time`); non-strings pass, as the spec says."""
    if not isinstance(value, str):
        return True
    if not _DATE_TIME.match(value):
        return False
    from datetime import datetime

    try:
        datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def is_uri(value: object) -> bool:
    """An absolute URI (scheme required, no spaces or control characters)."""
    if not isinstance(value, str):
        return True
    if any(c.isspace() or ord(c) < 32 for c in value):
        return False
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return bool(parts.scheme) and bool(_SCHEME.match(parts.scheme))


def _pointer(parts: Any) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def _message(text: str) -> str:
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 1] + "…"


def _count(n: Any, one: str) -> str:
    return f"{n} {one}" + ("" if n == 1 else "s")


_RULES = {
    "type": lambda v: "must be of type " + (" or ".join(v) if isinstance(v, list) else str(v)),
    "minLength": lambda v: f"must be at least {_count(v, 'character')} long",
    "maxLength": lambda v: f"must be at most {_count(v, 'character')} long",
    "pattern": lambda v: f"does not match {v!r}",
    "format": lambda v: f"is not a valid {v}",
    "enum": lambda v: f"must be one of {v!r}",
    "const": lambda v: f"must be {v!r}",
    "minimum": lambda v: f"must be at least {v}",
    "maximum": lambda v: f"must be at most {v}",
    "exclusiveMinimum": lambda v: f"must be greater than {v}",
    "exclusiveMaximum": lambda v: f"must be less than {v}",
    "minItems": lambda v: f"must have at least {_count(v, 'item')}",
    "maxItems": lambda v: f"must have at most {_count(v, 'item')}",
    "uniqueItems": lambda v: "has repeated items",
    "minProperties": lambda v: f"must have at least {_count(v, 'property')}",
    "maxProperties": lambda v: f"must have at most {_count(v, 'property')}",
}


def _format_reason(error: Any) -> str:
    cause = getattr(error, "cause", None)
    return f": {cause}" if isinstance(cause, ValueError) and str(cause) else ""


def _safe_message(error: Any) -> str:
    """The error's message; built from the rule alone (no value) for a `writeOnly` property
    and for objects and arrays."""
    secret = isinstance(error.schema, dict) and error.schema.get("writeOnly") is True
    if not secret and not isinstance(error.instance, (dict, list)):
        if error.validator == "format":
            return f"{error.instance!r} is not a valid {error.validator_value}" + (
                _format_reason(error)
            )
        return error.message
    if error.validator in ("required", "additionalProperties"):
        return error.message  # names properties only, never values
    rule = _RULES.get(error.validator)
    text = rule(error.validator_value) if rule else "is not valid"
    return text + (_format_reason(error) if error.validator == "format" else "")


def _extra_properties(error: Any) -> list[str]:
    schema, instance = error.schema, error.instance
    if (
        error.validator_value is not False
        or not isinstance(instance, dict)
        or not isinstance(schema, dict)
    ):
        return []
    known = schema.get("properties", {})
    patterns = schema.get("patternProperties", {})
    return [k for k in instance if k not in known and not any(re.search(p, k) for p in patterns)]


def describe(errors: Any) -> list[dict[str, str]]:
    """`[{"path", "message"}]` for jsonschema errors, sorted by path.

    A `required` error points at the missing property (`/title`), and a forbidden
    additional property gets its own entry at its own path (`/extra`), not the parent's.
    At most `MAX_DETAILS` entries: the last one then says how many more there were.
    """
    details = []
    for error in errors:
        path = list(error.absolute_path)
        if error.validator == "required" and isinstance(error.instance, dict):
            missing = [p for p in error.validator_value if p not in error.instance]
            name = next((p for p in missing if error.message.startswith(repr(p))), None)
            if name is not None:
                path.append(name)
        elif error.validator == "additionalProperties":
            extras = _extra_properties(error)
            if extras:
                details.extend(
                    {"path": _pointer([*path, k]), "message": _message(f"{k!r} is not allowed")}
                    for k in extras
                )
                continue
        details.append({"path": _pointer(path), "message": _message(_safe_message(error))})
    details.sort(key=lambda d: (d["path"], d["message"]))
    if len(details) > MAX_DETAILS:
        more = len(details) - MAX_DETAILS + 1
        details = [*details[: MAX_DETAILS - 1], {"path": "", "message": f"… and {more} more"}]
    return details


class Schema:
    """A JSON Schema read from disk; `validate` compiles it on first use."""

    def __init__(self, path: str, schema: dict):
        self.path = path
        self.schema = schema
        self._validator: Any = None

    @property
    def validator(self) -> Any:
        if self._validator is None:
            self._validator = compile_schema(self.schema, check=False)  # checked by the tests
        return self._validator

    def errors(self, instance: Any) -> list[dict[str, str]]:
        return describe(self.validator.iter_errors(instance))

    def validate(self, instance: Any) -> Any:
        """`instance` if valid, else raise `BadRequest` `validation_failed` with every error."""
        details = self.errors(instance)
        if details:
            raise BadRequest(
                "The request body is invalid.", code="validation_failed", details=details
            )
        return instance


def compile_schema(schema: dict, *, check: bool = True) -> Any:
    """A jsonschema validator for `schema` (draft from `$schema`, default 2020-12) with formats.

    `check`: validate `schema` against its draft's metaschema first (`SchemaError` if it is
    not a schema). `Schema` skips it: the shipped schemas are checked by the tests."""
    from jsonschema import FormatChecker
    from jsonschema.validators import validator_for

    cls = validator_for(schema)
    if check:
        cls.check_schema(schema)
    checker = FormatChecker()
    for name, check in (("date-time", is_date_time), ("uri", is_uri)):
        if name not in checker.checkers:
            checker.checks(name)(check)
    for name, check in FORMATS.items():
        checker.checks(name, raises=ValueError)(check)
    return cls(schema, format_checker=checker)


def load_schema(anchor: str, relative: str) -> Schema:
    """The schema at `relative` to the directory of file `anchor` (pass `__file__`), cached."""
    path = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(anchor)), relative))
    cached = _schemas.get(path)
    if cached is None:
        with open(path, encoding="utf-8") as fh:
            cached = _schemas[path] = Schema(path, json.load(fh))
    return cached


def validate(instance: Any, schema: Schema) -> Any:
    """`schema.validate(instance)`: the instance if valid, else `BadRequest` with all errors."""
    return schema.validate(instance)
