"""Parse the SDK's JSON query strings into `Query` nodes (utopia `Query::parse` rules)."""

from __future__ import annotations

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


def parse_queries(texts: list[str]) -> list[Query]:
    return [parse_query(text) for text in texts]


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
