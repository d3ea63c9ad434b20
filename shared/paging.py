"""List routes: validated query-string parameters and cursor pages.

values = list_params(req.query, QUERY_SCHEMA)          # 400 validation_failed if bad
rows, next_cursor = cursor_page(result["rows"], limit) # fetched with Query.limit(limit + 1)
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from .errors import BadRequest
from .patterns import lazy

# The runtime's `req.query` (open-runtimes, yarl) decodes every `%XX` except the four
# that would change the query's structure, which reach the function still encoded.
_LEFT_ENCODED = lazy(r"%(2B|3D|26|3B)", re.IGNORECASE)


def decode_query_value(value: str) -> str:
    """A query value as the caller sent it (`c%2B%2B` → `c++`)."""
    return _LEFT_ENCODED.sub(lambda m: chr(int(m.group(1), 16)), value)


def list_params(
    query: Mapping[str, str], schema: Any, integers: Sequence[str] = ("limit",)
) -> dict[str, Any]:
    """Non-empty parameters, fully decoded, the `integers` (all digits) as ints, validated
    against `schema` (a `shared.Schema`); every problem is reported with its JSON pointer."""
    values: dict[str, Any] = {k: decode_query_value(v) for k, v in query.items() if v != ""}
    for name in integers:
        number = values.get(name)
        if isinstance(number, str) and number.isascii() and number.isdigit():
            values[name] = int(number)
    details = schema.errors(values)
    if details:
        raise BadRequest(
            "The query parameters are invalid.", code="validation_failed", details=details
        )
    return values


def cursor_page(items: Sequence[Mapping[str, Any]], limit: int) -> tuple[list, str | None]:
    """The page and the next cursor, from a fetch of `limit + 1` items: the extra one only
    tells whether another page follows."""
    page = list(items[:limit])
    more = len(items) > limit
    return page, (page[-1]["$id"] if more and page else None)
