"""The query AST: one `Query` node per SDK query, nested for `and`/`or`."""

from __future__ import annotations

from dataclasses import dataclass, field


class QueryError(ValueError):
    """A query Appwrite rejects; `message` is Appwrite's validator text."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Query:
    method: str
    attribute: str = ""
    values: list = field(default_factory=list)


FILTERS = frozenset(
    {
        "equal",
        "notEqual",
        "lessThan",
        "lessThanEqual",
        "greaterThan",
        "greaterThanEqual",
        "contains",
        "containsAny",
        "containsAll",
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
        "exists",
        "notExists",
    }
)
LOGICAL = frozenset({"and", "or"})
ORDERS = frozenset({"orderAsc", "orderDesc", "orderRandom"})
CURSORS = frozenset({"cursorAfter", "cursorBefore"})
# Methods utopia-php/database 7.2.6 parses but the SQL tables of TablesDB cannot serve
# (document-only, spatial and vector queries).
UNSERVED = frozenset(
    {
        "elemMatch",
        "crosses",
        "notCrosses",
        "distanceEqual",
        "distanceNotEqual",
        "distanceGreaterThan",
        "distanceLessThan",
        "intersects",
        "notIntersects",
        "overlaps",
        "notOverlaps",
        "touches",
        "notTouches",
        "vectorDot",
        "vectorCosine",
        "vectorEuclidean",
    }
)
KNOWN = FILTERS | LOGICAL | ORDERS | CURSORS | UNSERVED | {"select", "limit", "offset"}
