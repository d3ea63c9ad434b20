"""Validate parsed queries against a table's schema (utopia-php/database `Documents` validator).

Produces a `Plan`. Every message is Appwrite's: validator failures read
`Invalid query: <detail>`; a search without a fulltext index has its own text.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from emulator.core.clock import parse_datetime
from emulator.core.query.ast import CURSORS, FILTERS, LOGICAL, ORDERS, UNSERVED, Query, QueryError
from emulator.core.query.schema import Attribute, Schema

MAX_VALUES = 500
_INT_MAX = 9223372036854775807
_UID = re.compile(r"^(?!_)[A-Za-z0-9_][A-Za-z0-9._-]{0,35}$")
_UID_TEXT = (
    "UID must contain at most 36 chars. Valid chars are a-z, A-Z, 0-9, and underscore. "
    "Can't start with a leading underscore"
)
# How many values each filter method takes (Appwrite's Query validator).
AT_LEAST_ONE_VALUE = {"equal", "contains", "containsAny", "containsAll", "notContains"}
EXACTLY_ONE_VALUE = {
    "notEqual",
    "lessThan",
    "lessThanEqual",
    "greaterThan",
    "greaterThanEqual",
    "search",
    "notSearch",
    "startsWith",
    "notStartsWith",
    "endsWith",
    "notEndsWith",
}
EXACTLY_TWO_VALUES = {"between", "notBetween"}
MAX_QUERIES = 100
MAX_QUERY_LENGTH = 4096
QUERIES_PARAM_TEXT = (
    f"Value must a valid array no longer than {MAX_QUERIES} items and Value must be a valid "
    f"string and no longer than {MAX_QUERY_LENGTH} chars"
)


def valid_queries_param(value: object) -> bool:
    """The `queries` parameter's shape: ≤100 strings of ≤4096 chars (utopia ArrayList(Text))."""
    return (
        isinstance(value, list)
        and len(value) <= MAX_QUERIES
        and all(isinstance(q, str) and len(q) <= MAX_QUERY_LENGTH for q in value)
    )


_ARRAY_METHODS = {"contains", "containsAny", "containsAll", "notContains", "isNull", "isNotNull"}
_CONTAINS = {"contains", "containsAny", "containsAll", "notContains"}


@dataclass
class Plan:
    """What a list request asks for, validated."""

    filters: list[Query] = field(default_factory=list)
    orders: list[tuple[Attribute, str]] = field(default_factory=list)
    random_order: bool = False
    limit: int | None = None
    offset: int | None = None
    cursor: tuple[str, str] | None = None  # ("after"|"before", row id)
    select: list[str] | None = None


def plan_queries(queries: list[Query], schema: Schema) -> Plan:
    """Validate `queries` for a row list/get on a table with `schema`; raise `QueryError`."""
    plan = Plan()
    for query in queries:
        method = query.method
        if method in FILTERS or method in LOGICAL or method in UNSERVED:
            _check_filter(query, schema)
            plan.filters.append(query)
        elif method in ORDERS:
            _add_order(plan, query, schema)
        elif method == "limit":
            value = _single_int(
                query,
                1,
                "Invalid limit: Value must be a valid range between 1 and "
                "9,223,372,036,854,775,807",
            )
            plan.limit = value if plan.limit is None else plan.limit
        elif method == "offset":
            value = _single_int(
                query,
                0,
                "Invalid offset: Value must be a valid range between 0 and "
                "9,223,372,036,854,775,807",
            )
            plan.offset = value if plan.offset is None else plan.offset
        elif method in CURSORS:
            value = query.values[0] if len(query.values) == 1 else None
            if not isinstance(value, str) or not _UID.match(value):
                raise QueryError(f"Invalid query: Invalid cursor: {_UID_TEXT}")
            if plan.cursor is None:
                plan.cursor = ("after" if method == "cursorAfter" else "before", value)
        elif method == "select":
            plan.select = _check_select(query, schema, plan.select)
    for query in plan.filters:
        _check_search_index(query, schema)
    return plan


def _invalid(detail: str) -> QueryError:
    return QueryError(f"Invalid query: {detail}")


def _title(method: str) -> str:
    return method[:1].upper() + method[1:]


def _check_filter(query: Query, schema: Schema) -> None:
    method = query.method
    if method in LOGICAL:
        if any(q.method not in FILTERS and q.method not in LOGICAL for q in query.values):
            raise _invalid(f"{_title(method)} queries can only contain filter queries")
        if len(query.values) < 2:
            raise _invalid(f"{_title(method)} queries require at least two queries")
        for nested in query.values:
            _check_filter(nested, schema)
        return
    if method in ("exists", "notExists"):
        if not query.values:
            raise _invalid(f"{_title(method)} queries require at least one value.")
        for key in query.values:
            if not isinstance(key, str) or key not in schema.attributes:
                raise _invalid(f"Attribute not found in schema: {key}")
        return
    attribute = schema.attributes.get(query.attribute)
    if attribute is None:
        raise _invalid(f"Attribute not found in schema: {query.attribute}")
    if method in UNSERVED:
        raise _invalid(
            f'Cannot query {method} on attribute "{attribute.key}" of type {attribute.kind}.'
        )
    if attribute.encrypted:
        raise _invalid(f"Cannot query encrypted attribute: {attribute.key}")
    values = query.values
    if len(values) > MAX_VALUES:
        raise _invalid(f"Query on attribute has greater than {MAX_VALUES} values: {attribute.key}")
    if method in AT_LEAST_ONE_VALUE and not values:
        raise _invalid(f"{_title(method)} queries require at least one value.")
    if method in EXACTLY_ONE_VALUE and len(values) != 1:
        raise _invalid(f"{_title(method)} queries require exactly one value.")
    if method in EXACTLY_TWO_VALUES and len(values) != 2:
        raise _invalid(f"{_title(method)} queries require exactly two values.")
    if attribute.array and method not in _ARRAY_METHODS:
        raise _invalid(
            f'Cannot query {method} on attribute "{attribute.key}" because it is an array.'
        )
    if method in _CONTAINS and not attribute.array and attribute.kind != "string":
        raise _invalid(
            f'Cannot query {method} on attribute "{attribute.key}" because it is not an array, '
            "string, or object."
        )
    if method in ("isNull", "isNotNull"):
        return
    for value in values:
        if not value_fits(attribute.kind, value):
            raise _invalid(f'Query value is invalid for attribute "{attribute.key}"')


def value_fits(kind: str, value: object) -> bool:
    """Whether a query value suits an attribute kind (strict like Appwrite's validators)."""
    if kind == "string":
        return isinstance(value, str)
    if kind == "integer":
        return (
            isinstance(value, int)
            and not isinstance(value, bool)
            and -_INT_MAX - 1 <= value <= _INT_MAX
        )
    if kind == "double":
        return (
            isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
        )
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "datetime":
        return parse_datetime(value) is not None
    if kind == "sequence":
        if isinstance(value, bool):
            return False
        if isinstance(value, str) and value.isdigit():
            value = int(value)
        return isinstance(value, int) and 0 <= value <= _INT_MAX
    return False


def _add_order(plan: Plan, query: Query, schema: Schema) -> None:
    if query.method == "orderRandom":
        plan.random_order = True
        return
    key = query.attribute or "$sequence"
    attribute = schema.attributes.get(key)
    if attribute is None:
        raise _invalid(f"Attribute not found in schema: {key}")
    plan.orders.append((attribute, "ASC" if query.method == "orderAsc" else "DESC"))


def _single_int(query: Query, minimum: int, message: str) -> int:
    values = query.values
    if len(values) != 1:
        raise _invalid(message)
    value = values[0]
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= _INT_MAX:
        raise _invalid(message)
    return value


def _check_select(query: Query, schema: Schema, current: list[str] | None) -> list[str]:
    if not query.values:
        raise _invalid("Select queries require at least one value.")
    selected = list(current or [])
    for key in query.values:
        if not isinstance(key, str):
            raise _invalid("Select queries must contain strings.")
        if (
            key != "*"
            and key not in schema.attributes
            and key not in ("$permissions", "$tableId", "$databaseId")
        ):
            raise _invalid(f"Attribute not found in schema: {key}")
        selected.append(key)
    return selected


def _check_search_index(query: Query, schema: Schema) -> None:
    if query.method in LOGICAL:
        for nested in query.values:
            _check_search_index(nested, schema)
    elif query.method in ("search", "notSearch") and query.attribute not in schema.fulltext:
        raise QueryError(f'Searching by attribute "{query.attribute}" requires a fulltext index.')
