"""Translate a validated plan into SQL fragments. Values are always bound parameters.

Attribute SQL expressions come from the `Schema` (built by the store from checked
column keys), never from the request text; `Query.attribute` is only used as a
lookup key into the schema.
"""

from __future__ import annotations

from emulator.core import fulltext
from emulator.core.clock import canonical_datetime
from emulator.core.query.ast import Query
from emulator.core.query.schema import Attribute, Schema

_COMPARE = {"lessThan": "<", "lessThanEqual": "<=", "greaterThan": ">", "greaterThanEqual": ">="}


def sql_value(kind: str, value: object) -> object:
    """A JSON value as stored in SQLite for an attribute kind."""
    if kind == "boolean":
        return 1 if value else 0
    if kind == "datetime":
        return canonical_datetime(value)
    if kind == "sequence":
        return int(value)
    if kind == "double":
        return float(value)
    return value


def where(filters: list[Query], schema: Schema) -> tuple[str, list]:
    """AND of the filters as `(sql, params)`; `("1", [])` when there are none."""
    if not filters:
        return "1", []
    params: list = []
    parts = [_condition(q, schema, params) for q in filters]
    return " AND ".join(f"({p})" for p in parts), params


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _condition(query: Query, schema: Schema, params: list) -> str:
    method = query.method
    if method in ("and", "or"):
        joiner = " AND " if method == "and" else " OR "
        return joiner.join(f"({_condition(q, schema, params)})" for q in query.values)
    if method in ("exists", "notExists"):
        test = "IS NOT NULL" if method == "exists" else "IS NULL"
        return " AND ".join(f"{schema.attributes[key].sql} {test}" for key in query.values)
    attribute = schema.attributes[query.attribute]
    column = attribute.sql
    values = [sql_value(attribute.kind, v) for v in query.values]
    if method == "equal":
        params.extend(values)
        return f"{column} IN ({', '.join('?' * len(values))})"
    if method == "notEqual":
        params.append(values[0])
        return f"{column} != ?"
    if method in _COMPARE:
        params.append(values[0])
        return f"{column} {_COMPARE[method]} ?"
    if method in ("between", "notBetween"):
        params.extend(values)
        negate = "NOT " if method == "notBetween" else ""
        return f"{column} {negate}BETWEEN ? AND ?"
    if method == "isNull":
        return f"{column} IS NULL"
    if method == "isNotNull":
        return f"{column} IS NOT NULL"
    if method in ("startsWith", "notStartsWith", "endsWith", "notEndsWith"):
        text = _like_escape(str(values[0]))
        params.append(text + "%" if "tarts" in method else "%" + text)
        negate = "NOT " if method.startswith("not") else ""
        return f"{column} {negate}LIKE ? ESCAPE '\\'"
    if method in ("contains", "containsAny", "containsAll", "notContains"):
        sql = _contains(attribute, values, method == "containsAll", params)
        if method != "notContains":
            return sql
        # NULL never matches, as in MariaDB (NOT of an unknown is unknown).
        return f"{column} IS NOT NULL AND NOT ({sql})"
    if method in ("search", "notSearch"):
        fts = schema.fulltext[attribute.key]
        expression = fulltext_expression(str(values[0]))
        if expression is None:
            return "0" if method == "search" else "1"
        params.append(expression)
        negate = "NOT " if method == "notSearch" else ""
        return f"_id {negate}IN (SELECT rowid FROM {fts} WHERE {fts} MATCH ?)"
    raise AssertionError(f"unvalidated query method {method}")


def _contains(attribute: Attribute, values: list, require_all: bool, params: list) -> str:
    column = attribute.sql
    if attribute.array:
        params.extend(values)
        placeholders = ", ".join("?" * len(values))
        if require_all:
            params_needed = len(set(values))
            return (
                f"(SELECT COUNT(DISTINCT value) FROM json_each({column}) WHERE value IN "
                f"({placeholders})) = {params_needed}"
            )
        return f"EXISTS (SELECT 1 FROM json_each({column}) WHERE value IN ({placeholders}))"
    params.extend("%" + _like_escape(str(v)) + "%" for v in values)
    joiner = " AND " if require_all else " OR "
    return joiner.join(f"{column} LIKE ? ESCAPE '\\'" for _ in values)


def fulltext_expression(text: str) -> str | None:
    """MySQL boolean-mode search as an FTS5 MATCH expression (a bound parameter).

    The query words are MariaDB's (`emulator.core.fulltext.terms`): `"a phrase"` matches the
    exact phrase; otherwise any word suffices, the last one as a prefix, and other words
    shorter than 3 characters or InnoDB stopwords are dropped.
    """
    wanted = fulltext.terms(text)
    if wanted.phrase:
        return '"' + " ".join(wanted.phrase) + '"'
    parts = [f'"{w}"' for w in wanted.words]
    if wanted.prefix:
        parts.append(f'"{wanted.prefix}"*')
    return " OR ".join(parts) if parts else None


def order_terms(plan_orders: list[tuple[Attribute, str]]) -> list[tuple[Attribute, str]]:
    """Requested orders plus Appwrite's `$sequence` tie-breaker (default `$sequence ASC`)."""
    orders = list(plan_orders)
    if any(a.key in ("$id", "$sequence") for a, _ in orders):
        return orders
    direction = "ASC"
    if orders and orders[0][0].key in ("$createdAt", "$updatedAt"):
        direction = orders[0][1]
    sequence = Attribute("$sequence", "sequence", sql="_id")
    return orders + [(sequence, direction)]


def order_by(terms: list[tuple[Attribute, str]], reverse: bool = False) -> str:
    flip = {"ASC": "DESC", "DESC": "ASC"}
    return ", ".join(f"{a.sql} {flip[d] if reverse else d}" for a, d in terms)


def cursor_condition(
    terms: list[tuple[Attribute, str]], row: dict, before: bool
) -> tuple[str, list]:
    """Keyset condition selecting rows strictly after (or before) `row` in `terms` order.

    `row` maps attribute SQL expressions to the cursor row's stored values (non-null).
    """
    params: list = []
    alternatives = []
    for i, (attribute, direction) in enumerate(terms):
        ascending = (direction == "ASC") != before
        parts = []
        for prior, _ in terms[:i]:
            parts.append(f"{prior.sql} = ?")
            params.append(row[prior.sql])
        parts.append(f"{attribute.sql} {'>' if ascending else '<'} ?")
        params.append(row[attribute.sql])
        alternatives.append("(" + " AND ".join(parts) + ")")
    return "(" + " OR ".join(alternatives) + ")", params
