"""Appwrite queries: JSON strings → AST → validated plan → SQL with bound parameters.

Pure and I/O-free. `parse_queries` reads the SDK's JSON strings, `plan_queries`
validates them against a table's `Schema` (Appwrite's validator texts), and
`emulator.core.query.sql` turns a plan's filters and orders into SQL text whose
values are always bound parameters.
"""

from emulator.core.query.ast import Query, QueryError
from emulator.core.query.parse import parse_queries, parse_query
from emulator.core.query.schema import Attribute, Schema
from emulator.core.query.validate import (
    EXACTLY_ONE_VALUE,
    EXACTLY_TWO_VALUES,
    QUERIES_PARAM_TEXT,
    Plan,
    plan_queries,
    valid_queries_param,
)

__all__ = [
    "EXACTLY_ONE_VALUE",
    "EXACTLY_TWO_VALUES",
    "QUERIES_PARAM_TEXT",
    "Attribute",
    "Plan",
    "Query",
    "QueryError",
    "Schema",
    "parse_queries",
    "parse_query",
    "plan_queries",
    "valid_queries_param",
]
