"""List queries for the endpoints whose lists Appwrite validates at the param level
(users, teams, memberships, executions, databases, tables, …; not rows).

I/O-free: parses Appwrite's JSON query strings, checks them against the endpoint's
allow-list the way Appwrite's param validator does (400 general_argument_invalid
``Invalid `queries` param: …``) and applies them to a list of documents:
filters, order, cursor, offset, limit, and `total` (filter-only count, capped at 5000).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from emulator.core import clock, fulltext, strictjson
from emulator.core.errors import AppwriteError
from emulator.core.ids import is_valid_id
from emulator.core.query import (
    EXACTLY_ONE_VALUE,
    EXACTLY_TWO_VALUES,
    QUERIES_PARAM_TEXT,
    valid_queries_param,
)

SYSTEM_ATTRIBUTES = ("$id", "$createdAt", "$updatedAt", "$sequence")
DEFAULT_LIMIT = 25
INT64_MAX = 2**63 - 1  # the largest limit or offset Appwrite's range validator takes
TOTAL_CAP = 5000

FILTERS = {
    "equal",
    "notEqual",
    "lessThan",
    "lessThanEqual",
    "greaterThan",
    "greaterThanEqual",
    "contains",
    "notContains",
    "search",
    "notSearch",
    "isNull",
    "isNotNull",
    "between",
    "notBetween",
    "startsWith",
    "notStartsWith",
    "endsWith",
    "notEndsWith",
    "and",
    "or",
}
OTHERS = {"orderAsc", "orderDesc", "limit", "offset", "cursorAfter", "cursorBefore"}
# `select` is absent on purpose: Appwrite's list validators take it only for deployments and
# projects; elsewhere it answers "Invalid query method: select".
# Filters an array attribute accepts (utopia Filter: other methods "… because it is an array.")
ARRAY_FILTERS = {"contains", "notContains", "isNull", "isNotNull"}


@dataclass
class ListQuery:
    filters: list[dict] = field(default_factory=list)
    orders: list[tuple[str, bool]] = field(default_factory=list)  # (attribute, descending)
    limit: int = DEFAULT_LIMIT
    offset: int = 0
    cursor: tuple[str, str] | None = None  # ("after"|"before", id)


def _invalid(message: str) -> AppwriteError:
    return AppwriteError("general_argument_invalid", f"Invalid `queries` param: {message}")


def parse(
    raw: Any,
    allowed: tuple[str, ...],
    types: dict[str, str] | None = None,
    *,
    methods: frozenset[str] | None = None,
) -> ListQuery:
    """Validate the `queries` param against `allowed` attributes (plus system ones).

    `types` names the attributes whose filter values are checked and normalised:
    "datetime" (any ISO-8601 → Appwrite's UTC format), "boolean", "integer"; "array"
    marks an array attribute (only contains/notContains/isNull/isNotNull apply).
    `methods` limits the query methods (logs lists take only `limit` and `offset`).
    """
    if raw is None:
        raw = []
    if not valid_queries_param(raw):
        raise _invalid(QUERIES_PARAM_TEXT)
    attributes = set(allowed) | set(SYSTEM_ATTRIBUTES)
    types = {"$createdAt": "datetime", "$updatedAt": "datetime", **(types or {})}
    result = ListQuery()
    for text in raw:
        try:
            query = strictjson.loads(text, constants=True)
        except ValueError as exc:
            raise _invalid(f"Invalid query: {exc}") from None
        if methods is not None and isinstance(query, dict):
            method = query.get("method")
            if method not in methods:
                raise _invalid(f"Invalid query method: {method}")
        _apply_one(result, _checked(query, attributes, types))
    return result


def _typed(attribute: str, kind: str | None, value: Any) -> Any:
    invalid = _invalid(f'Invalid query: Query value is invalid for attribute "{attribute}"')
    if kind == "datetime":
        try:
            moment = datetime.fromisoformat(value)
        except (TypeError, ValueError):
            raise invalid from None
        return clock.iso(moment if moment.tzinfo else moment.replace(tzinfo=UTC))
    if kind == "boolean" and not isinstance(value, bool):
        raise invalid
    if kind == "integer" and (not isinstance(value, int) or isinstance(value, bool)):
        raise invalid
    return value


def _checked(query: Any, attributes: set[str], types: dict[str, str]) -> dict:
    if not isinstance(query, dict):
        raise _invalid(f"Invalid query. Must be an array, got {type(query).__name__}")
    method = query.get("method")
    if method not in FILTERS and method not in OTHERS:
        raise _invalid(f"Invalid query method: {method}")
    if method in ("orderAsc", "orderDesc") and not query.get("attribute"):
        # utopia's Query: an order without an attribute orders by `$sequence`
        query = dict(query, attribute="$sequence")
    values = query.get("values", [])
    if not isinstance(values, list):
        raise _invalid("Invalid query: values must be an array")
    if method in ("and", "or"):
        nested = [_checked(v, attributes, types) for v in values]
        if method == "or" and len(nested) < 2:
            raise _invalid("Invalid query: Or queries require at least two queries")
        if any(q["method"] not in FILTERS for q in nested):
            raise _invalid(
                f"Invalid query: {method.capitalize()} queries can only contain filter queries"
            )
        return {"method": method, "values": nested}
    attribute = query.get("attribute", "")
    if (method in FILTERS or method in ("orderAsc", "orderDesc")) and attribute not in attributes:
        raise _invalid(f"Invalid query: Attribute not found in schema: {attribute}")
    if method in (
        "search",
        "notSearch",
    ):  # these lists have no fulltext index: use the `search` param
        raise _invalid(f'Searching by attribute "{attribute}" requires a fulltext index.')
    if types.get(attribute) == "array" and method in FILTERS and method not in ARRAY_FILTERS:
        raise _invalid(
            f'Invalid query: Cannot query {method} on attribute "{attribute}" because it is an '
            "array."
        )
    if method in ("equal", "contains", "notContains") and not values:
        raise _invalid(
            f"Invalid query: {method[0].upper() + method[1:]} queries require at least one value."
        )
    if method in EXACTLY_TWO_VALUES and len(values) != 2:
        raise _invalid("Invalid query: Between queries require exactly two values.")
    if method in EXACTLY_ONE_VALUE and len(values) != 1:
        raise _invalid(
            f"Invalid query: {method[0].upper() + method[1:]} queries require exactly one value."
        )
    if method in FILTERS and method not in ("search", "notSearch", "contains", "notContains"):
        values = [_typed(attribute, types.get(attribute), v) for v in values]
    return {"method": method, "attribute": attribute, "values": values}


def _apply_one(result: ListQuery, query: dict) -> None:
    method, values = query["method"], query["values"]
    if method in FILTERS:
        result.filters.append(query)
    elif method in ("orderAsc", "orderDesc"):
        result.orders.append((query["attribute"], method == "orderDesc"))
    elif method == "limit":
        if len(values) != 1 or not _is_int(values[0]) or not 1 <= values[0] <= INT64_MAX:
            raise _invalid(
                "Invalid limit: Value must be a valid range between 1 and 9,223,372,036,854,775,807"
            )
        result.limit = values[0]
    elif method == "offset":
        if len(values) != 1 or not _is_int(values[0]) or not 0 <= values[0] <= INT64_MAX:
            raise _invalid(
                "Invalid offset: Value must be a valid range between 0 and "
                "9,223,372,036,854,775,807"
            )
        result.offset = values[0]
    elif method in ("cursorAfter", "cursorBefore"):
        if len(values) != 1 or not is_valid_id(values[0]):
            raise _invalid(
                "Invalid cursor: UID must contain at most 36 chars. Valid chars are a-z, A-Z, "
                "0-9, and underscore. Can't start with a leading underscore"
            )
        result.cursor = ("after" if method == "cursorAfter" else "before", values[0])


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


# ---------------------------------------------------------------- evaluation


def matches(doc: dict, query: dict) -> bool:
    method, values = query["method"], query["values"]
    if method == "and":
        return all(matches(doc, q) for q in values)
    if method == "or":
        return any(matches(doc, q) for q in values)
    value = doc.get(query["attribute"])
    if method == "isNull":
        return value is None or value == ""
    if method == "isNotNull":
        return not (value is None or value == "")
    if method in ("contains", "notContains"):
        if isinstance(value, list):
            found = any(v in value for v in values)
        else:
            found = isinstance(value, str) and any(str(v) in value for v in values)
        return found if method == "contains" else not found
    if value is None or isinstance(value, list):
        return False
    if method == "equal":
        return any(_same(value, v) for v in values)
    if method == "notEqual":
        return not _same(value, values[0])
    if method in ("startsWith", "notStartsWith", "endsWith", "notEndsWith"):
        text = str(value)
        hit = (
            text.startswith(str(values[0])) if "tarts" in method else text.endswith(str(values[0]))
        )
        return hit if not method.startswith("not") else not hit
    try:
        if method == "between":
            return values[0] <= value <= values[1]
        if method == "notBetween":
            return not values[0] <= value <= values[1]
        bound = values[0]
        return {
            "lessThan": value < bound,
            "lessThanEqual": value <= bound,
            "greaterThan": value > bound,
            "greaterThanEqual": value >= bound,
        }[method]
    except TypeError:
        return False


def _same(value: Any, other: Any) -> bool:
    if isinstance(value, bool) or isinstance(other, bool):
        return value is other or (isinstance(other, str) and str(value).lower() == other)
    return value == other


def fulltext_match(haystack: str, needle: str) -> bool:
    """MySQL boolean-mode full text as Appwrite uses it (`emulator.core.fulltext`)."""
    return fulltext.matches(haystack, needle)


def _sort_key(value: Any) -> tuple:
    if value is None or value == "":
        return (0, "")
    if isinstance(value, bool):
        return (1, int(value))
    if isinstance(value, (int, float)):
        return (1, value)
    return (2, str(value))


def apply(
    docs: list[dict],
    query: ListQuery,
    *,
    cursor_label: str,
    count_total: bool = True,
) -> tuple[int, list[dict]]:
    """Filter, order and page `docs` (already in `$sequence` order). Returns (total, page)."""
    kept = [d for d in docs if all(matches(d, q) for q in query.filters)]
    total = min(len(kept), TOTAL_CAP) if count_total else 0
    cursor_doc = None
    if query.cursor is not None:
        cursor_doc = next((d for d in docs if d["$id"] == query.cursor[1]), None)
        if cursor_doc is None:
            raise AppwriteError(
                "general_cursor_not_found",
                f"{cursor_label} '{query.cursor[1]}' for the 'cursor' value not found.",
            )
        if cursor_doc not in kept:  # the cursor marks a position even when filters exclude it
            kept.append(cursor_doc)
            kept.sort(key=lambda d: int(d["$sequence"]))
    for attribute, descending in reversed(query.orders):
        kept.sort(
            key=lambda d: _sort_key(
                d.get(attribute) if attribute != "$sequence" else int(d["$sequence"])
            ),
            reverse=descending,
        )
    if cursor_doc is None:
        return total, kept[query.offset : query.offset + query.limit]
    position = kept.index(cursor_doc)
    if query.cursor[0] == "after":
        after = kept[position + 1 :]
        return total, after[query.offset : query.offset + query.limit]
    before = kept[:position]
    end = len(before) - query.offset
    return total, before[max(0, end - query.limit) : max(0, end)]
