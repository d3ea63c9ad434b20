"""Request parameters the way Appwrite (utopia-php/http) reads and validates them.

GET parameters come from the query string in PHP's flattened form (`queries[0]=…`,
`a[b]=…`); every other method sends a JSON object body (DELETE too), or a
form-encoded one in the same flattened form. Unknown
parameters are ignored, as Appwrite does. A body that is not JSON, or that holds a
string with a lone UTF-16 surrogate (`"\\ud800"`, which PHP's json_decode refuses), answers
400 general_argument_invalid naming the problem, never 500 (`core.strictjson`; Appwrite
itself then sees no parameters at all). A missing required parameter answers
``Param "<name>" is not optional.``; a present one that fails its validator answers
``Invalid `<name>` param: <validator description>`` (both 400 general_argument_invalid).
A `null` value counts as absent.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request

from emulator.core import strictjson
from emulator.core.errors import AppwriteError
from emulator.core.ids import is_valid_id, unique_id

_MISSING = object()


class Invalid(ValueError):
    """Raised by a validator; the parameter's error message uses the validator's description."""


# ---------------------------------------------------------------- reading


async def read_params(request: Request) -> dict[str, Any]:
    """The request's parameters: query string for GET/HEAD, JSON object body otherwise."""
    if request.method in ("GET", "HEAD"):
        return parse_query_string(query_items(request.scope.get("query_string", b"")))
    raw = await request.body()
    if not raw.strip():
        return {}
    if request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        return parse_query_string(parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True))
    try:
        data = strictjson.loads(raw)
    except strictjson.InvalidJSON as exc:
        # PHP's json_decode refuses the same bodies (Appwrite then sees no parameters).
        reason = (
            f"{exc}."
            if str(exc) == strictjson.LONE_SURROGATE
            else "the request body could not be parsed."
        )
        raise AppwriteError("general_argument_invalid", f"Invalid JSON body: {reason}") from None
    if not isinstance(data, dict):
        raise AppwriteError(
            "general_argument_invalid", "Invalid JSON body: expected a JSON object."
        )
    return data


_CACHED_QUERY_STRINGS = 256
_CACHED_QUERY_STRING_BYTES = 8192  # longer query strings are decoded each time


def query_items(query_string: bytes) -> tuple[tuple[str, str], ...]:
    """The (name, value) pairs of a raw query string, decoded exactly as Starlette's
    `request.query_params` decodes them (latin-1, then `parse_qsl` keeping blank values).

    A client sends the same query strings again and again (the SDK lists a page with the
    same JSON queries, percent-encoded); a string of up to 8 KiB is decoded once per
    process. The pairs are a tuple of tuples: nothing can change them in place."""
    if len(query_string) > _CACHED_QUERY_STRING_BYTES:
        return _decode_query_string(query_string)
    return _cached_query_string(query_string)


def _decode_query_string(query_string: bytes) -> tuple[tuple[str, str], ...]:
    return tuple(parse_qsl(query_string.decode("latin-1"), keep_blank_values=True))


_cached_query_string = functools.lru_cache(maxsize=_CACHED_QUERY_STRINGS)(_decode_query_string)


_KEY_PART = re.compile(r"\[([^\[\]]*)\]")


def parse_query_string(items: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """Unflatten PHP-style keys: `q[0]=a&q[1]=b` → `{"q": ["a", "b"]}`,
    `a[b]=c` → `{"a": {"b": "c"}}`.

    A key with an empty name (`?=0`, `?[a]=1`) is dropped, as PHP drops it; the result is
    always a dict of names, even when every name is a number (`?0=a` → `{"0": "a"}`)."""
    result: dict[str, Any] = {}
    for key, value in items:
        base, _, rest = key.partition("[")
        if not base:
            continue
        parts = _KEY_PART.findall("[" + rest) if rest else []
        node = result
        path = [base, *parts]
        for index, part in enumerate(path):
            last = index == len(path) - 1
            if part == "":  # `a[]=x` appends
                part = str(len(node))
            if last:
                node[part] = value
            else:
                child = node.get(part)
                if not isinstance(child, dict):
                    child = {}
                    node[part] = child
                node = child
    return {name: _listify(value) for name, value in result.items()}


def _listify(node: Any) -> Any:
    if not isinstance(node, dict):
        return node
    node = {key: _listify(value) for key, value in node.items()}
    if node and all(key.isdigit() for key in node):
        return [node[key] for key in sorted(node, key=int)]
    return node


# ---------------------------------------------------------------- getting


class Params:
    """Typed access to one request's parameters; raises Appwrite's parameter errors."""

    def __init__(self, data: dict[str, Any]):
        self.data = data

    def required(self, name: str, validator: Callable[[Any], Any]) -> Any:
        value = self.data.get(name)
        if value is None:
            raise AppwriteError("general_argument_invalid", f'Param "{name}" is not optional.')
        return self._check(name, value, validator)

    def optional(self, name: str, validator: Callable[[Any], Any], default: Any = None) -> Any:
        value = self.data.get(name)
        if value is None:
            return default
        return self._check(name, value, validator)

    def has(self, name: str) -> bool:
        return self.data.get(name) is not None

    @staticmethod
    def _check(name: str, value: Any, validator: Callable[[Any], Any]) -> Any:
        try:
            return validator(value)
        except Invalid as exc:
            raise AppwriteError(
                "general_argument_invalid", f"Invalid `{name}` param: {exc}"
            ) from None


async def params_of(request: Request) -> Params:
    return Params(await read_params(request))


# ---------------------------------------------------------------- validators
# Each validator returns the (converted) value or raises Invalid(<description>).


def text(max_length: int, min_length: int = 0) -> Callable[[Any], str]:
    description = "Value must be a valid string"
    if min_length:
        description += f" and at least {min_length} chars"
    description += f" and no longer than {max_length} chars"

    def check(value: Any) -> str:
        if not isinstance(value, str) or not (min_length <= len(value) <= max_length):
            raise Invalid(description)
        return value

    return check


def boolean(value: Any) -> bool:
    """Appwrite's loose Boolean: true/false, "true"/"false", 1/0, "1"/"0"."""
    if isinstance(value, bool):
        return value
    if value in (1, 0) and isinstance(value, int):
        return bool(value)
    if isinstance(value, str) and value in ("true", "false", "1", "0"):
        return value in ("true", "1")
    raise Invalid("Value must be a valid boolean")


def integer_range(minimum: int, maximum: int) -> Callable[[Any], int]:
    description = f"Value must be a valid range between {minimum:,} and {maximum:,}"

    def check(value: Any) -> int:
        if isinstance(value, str) and re.fullmatch(r"-?\d+", value):
            value = int(value)
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if not isinstance(value, int) or isinstance(value, bool) or not minimum <= value <= maximum:
            raise Invalid(description)
        return value

    return check


def json_object(value: Any) -> dict:
    if isinstance(value, str):
        try:
            value = strictjson.loads(value, constants=True)
        except ValueError:
            raise Invalid("Value must be a valid JSON object") from None
    if isinstance(value, list) and not value:
        return {}
    if not isinstance(value, dict):
        raise Invalid("Value must be a valid JSON object")
    return value


def array_of(
    item: Callable[[Any], Any], max_items: int = 100, item_description: str = ""
) -> Callable[[Any], list]:
    description = f"Value must a valid array no longer than {max_items} items"
    if item_description:
        description += f" and {item_description}"

    def check(value: Any) -> list:
        if not isinstance(value, list) or len(value) > max_items:
            raise Invalid(description)
        try:
            return [item(element) for element in value]
        except Invalid:
            raise Invalid(description) from None

    return check


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def email(value: Any) -> str:
    if not isinstance(value, str) or len(value) > 254 or not _EMAIL.match(value):
        raise Invalid("Value must be a valid email address")
    return value


def password(value: Any) -> str:
    if not isinstance(value, str) or not 8 <= len(value) <= 256:
        raise Invalid("Password must be between 8 and 256 characters long.")
    return value


_PHONE = re.compile(r"^\+[1-9]\d{5,14}$")


def phone(value: Any) -> str:
    if not isinstance(value, str) or not _PHONE.match(value):
        raise Invalid("Phone number must start with a '+' can have a maximum of fifteen digits.")
    return value


def url(value: Any) -> str:
    if not isinstance(value, str) or not re.match(r"^https?://[^\s/$.?#].[^\s]*$", value):
        raise Invalid("Value must be a valid URL")
    return value


def any_string(value: Any) -> str:
    if not isinstance(value, str):
        raise Invalid("Value must be a valid string")
    return value


# ---------------------------------------------------------------- ids

CUSTOM_ID_DESCRIPTION = (
    "Parameter must contain at most 36 chars. Valid chars are a-z, A-Z, 0-9, period, hyphen, "
    "and underscore. Can't start with a special char"
)
UID_DESCRIPTION = (
    "UID must contain at most 36 chars. Valid chars are a-z, A-Z, 0-9, and underscore. "
    "Can't start with a leading underscore"
)


def custom_id(value: Any) -> str:
    """Creation ids: `unique()` (server generates) or a valid key."""
    if value == "unique()":
        return unique_id()
    if not is_valid_id(value):
        raise Invalid(CUSTOM_ID_DESCRIPTION)
    return value


def uid(value: Any) -> str:
    """Lookup ids (path parameters, references)."""
    if not is_valid_id(value):
        raise Invalid(UID_DESCRIPTION)
    return value


def key(max_length: int = 36) -> Callable[[Any], str]:
    """Appwrite's Key validator (labels of roles etc.) with a custom maximum length."""
    pattern = re.compile(rf"^(?![._-])[A-Za-z0-9._-]{{1,{max_length}}}$")
    description = (
        f"Parameter must contain at most {max_length} chars. Valid chars are a-z, A-Z, 0-9, "
        "period, hyphen, and underscore. Can't start with a special char"
    )

    def check(value: Any) -> str:
        if not isinstance(value, str) or not pattern.match(value):
            raise Invalid(description)
        return value

    return check


def path_id(request: Request, name: str) -> str:
    """A path parameter validated as a UID (Appwrite validates path params like any other)."""
    return Params._check(name, request.path_params[name], uid)
