"""Parse the SDK's JSON query strings into `Query` nodes (utopia `Query::parse` rules)."""

from __future__ import annotations

import functools
import json

from emulator.core import strictjson
from emulator.core.query.ast import KNOWN, LOGICAL, Query, QueryError

_PHP_TYPES = {
    str: "string",
    int: "integer",
    float: "double",
    bool: "boolean",
    list: "array",
    type(None): "NULL",
}


def _php_type(value: object) -> str:
    return _PHP_TYPES.get(type(value), "object")


def parse_query(text: str) -> Query:
    """One JSON query string → `Query`; raises `QueryError` with Appwrite's message."""
    try:
        decoded = strictjson.loads(text, constants=True)
    except (TypeError, ValueError) as exc:
        raise QueryError(f"Invalid query: {_json_error(exc)}") from None
    if not isinstance(decoded, dict):
        raise QueryError(f"Invalid query. Must be an array, got {_php_type(decoded)}")
    return _from_object(decoded)


# Parsed queries, by their exact text. A client lists with the same few query strings again
# and again (a page of articles, the next page…); decoding and checking each one's JSON is
# then done once. Only successes are kept (an invalid text raises again, with the same
# message, every time); a `Query` is frozen and nobody changes its `values`, so sharing one
# between requests is safe. Texts are at most 4096 characters (the parameter's own limit),
# so the cache holds at most a few MiB.
_CACHED_QUERIES = 1024
_CACHED_TEXT = 4096  # longer texts (none pass the `queries` parameter) are parsed each time


@functools.lru_cache(maxsize=_CACHED_QUERIES)
def _cached_query(text: str) -> Query:
    return parse_query(text)


def parse_queries(texts: list[str]) -> list[Query]:
    """`parse_query` of each text (each text parsed once per process, see `_cached_query`)."""
    return [
        _cached_query(text)
        if type(text) is str and len(text) <= _CACHED_TEXT
        else parse_query(text)
        for text in texts
    ]


def _from_object(obj: dict) -> Query:
    method = obj.get("method", "")
    attribute = obj.get("attribute", "")
    values = obj.get("values", [])
    if not isinstance(method, str):
        raise QueryError(f"Invalid query method. Must be a string, got {_php_type(method)}")
    if method not in KNOWN:
        raise QueryError(f"Invalid query method: {method}")
    if not isinstance(attribute, str):
        raise QueryError(f"Invalid query attribute. Must be a string, got {_php_type(attribute)}")
    if not isinstance(values, list):
        raise QueryError(f"Invalid query values. Must be an array, got {_php_type(values)}")
    if method in LOGICAL:
        nested = []
        for value in values:
            if isinstance(value, str):
                nested.append(parse_query(value))
            elif isinstance(value, dict):
                nested.append(_from_object(value))
            else:
                raise QueryError(f"Invalid query. Must be an array, got {_php_type(value)}")
        values = nested
    return Query(method, attribute, values)


def _json_error(exc: Exception) -> str:
    return "Syntax error" if isinstance(exc, json.JSONDecodeError) else str(exc)
