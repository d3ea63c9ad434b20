"""Appwrite queries: JSON strings → AST → validated plan → SQL with bound parameters.

Pure and I/O-free. `parse_queries` reads the SDK's JSON strings, `plan_queries`
validates them against a table's `Schema` (Appwrite's validator texts), and
`emulator.query.sql` turns a plan's filters and orders into SQL text whose
values are always bound parameters.
"""

from emulator.query.ast import Query, QueryError
from emulator.query.dates import format_datetime, parse_datetime
from emulator.query.parse import parse_queries, parse_query
from emulator.query.schema import Attribute, Schema
from emulator.query.validate import Plan, plan_queries

__all__ = [
    "Attribute",
    "Plan",
    "Query",
    "QueryError",
    "Schema",
    "format_datetime",
    "parse_datetime",
    "parse_queries",
    "parse_query",
    "plan_queries",
]
