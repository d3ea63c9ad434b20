"""Rules for `tablesDB[]` and `tables[]` (columns, indexes, permissions) beyond the schema.

Column refinements are the Appwrite CLI's (config-validations.ts); the rest are the server's.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from emulator.core.ids import ID_RULE, is_valid_id

from ._walk import entries, is_number, strings, text
from .problems import Problem, field_path
from .roles import permission_problem

STRING_TYPES = frozenset({"string", "varchar", "text", "mediumtext", "longtext"})
SIZED_TYPES = frozenset({"string", "varchar"})
NUMERIC_TYPES = frozenset({"integer", "bigint", "double"})
SPATIAL_TYPES = frozenset({"point", "linestring", "polygon"})
SYSTEM_COLUMNS = frozenset({"$id", "$createdAt", "$updatedAt"})
INT64 = (-(2**63), 2**63 - 1)


def _bad_id(kind: str, value: str) -> str:
    return f"'{value}' is not a valid {kind} ({ID_RULE})"


def table_problems(data: dict[str, Any]) -> list[Problem]:
    """Problems in `tablesDB[]` and every table."""
    problems: list[Problem] = []
    databases: dict[str, int] = {}
    for index, database in entries(data, "tablesDB"):
        database_id = text(database, "$id")
        if database_id is None:
            continue
        where = field_path(["tablesDB", index, "$id"])
        if not is_valid_id(database_id):
            problems.append(Problem(where, _bad_id("ID", database_id)))
        if database_id in databases:
            other = databases[database_id]
            problems.append(
                Problem(where, f"duplicate database id '{database_id}' (also tablesDB[{other}])")
            )
        databases.setdefault(database_id, index)

    tables = {(text(t, "databaseId"), text(t, "$id")) for _, t in entries(data, "tables")}
    seen: dict[tuple[str | None, str], int] = {}
    for index, table in entries(data, "tables"):

        def at(*keys: str | int, _i: int = index) -> str:
            return field_path(["tables", _i, *keys])

        table_id, database_id = text(table, "$id"), text(table, "databaseId")
        if table_id is not None:
            if not is_valid_id(table_id):
                problems.append(Problem(at("$id"), _bad_id("ID", table_id)))
            if (database_id, table_id) in seen:
                other = seen[(database_id, table_id)]
                message = (
                    f"duplicate table id '{table_id}' in database '{database_id}' "
                    f"(also tables[{other}])"
                )
                problems.append(Problem(at("$id"), message))
            seen.setdefault((database_id, table_id), index)
        if database_id is not None and database_id not in databases:
            known = ", ".join(databases) or "none"
            problems.append(
                Problem(
                    at("databaseId"), f"'{database_id}' names no tablesDB entry (known: {known})"
                )
            )
        for position, permission in strings(table, "$permissions"):
            if (problem := permission_problem(permission)) is not None:
                problems.append(Problem(at("$permissions", position), problem))
        problems += _columns(table, at, tables)
        problems += _indexes(table, at)
    return problems


def _columns(table: dict[str, Any], at: Any, tables: set) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[str] = set()
    for index, column in entries(table, "columns"):

        def here(*keys: str, _i: int = index) -> str:
            return at("columns", _i, *keys)

        key = text(column, "key")
        if key is not None:
            if not is_valid_id(key):
                problems.append(Problem(here("key"), _bad_id("column key", key)))
            if key in seen:
                message = f"Column with the key '{key}' already exists. Column keys must be unique."
                problems.append(Problem(here("key"), message))
            seen.add(key)
        problems += column_problems(column, here)
        if column.get("type") == "relationship":
            problems += _relationship(column, here, text(table, "databaseId"), tables)
    return problems


def column_problems(column: dict[str, Any], here: Any) -> list[Problem]:
    """Problems of one column definition on its own (no cross references)."""
    problems: list[Problem] = []

    def report(key: str, message: str) -> None:
        problems.append(Problem(here(key), message))

    kind = text(column, "type")
    fmt = text(column, "format") or ""
    has_default, default = "default" in column, column.get("default")
    required, array = column.get("required") is True, column.get("array") is True
    if required and not has_default:
        report(
            "default",
            'a required column needs an explicit "default": null '
            "(the Appwrite CLI refuses it otherwise)",
        )
    elif required and default is not None:
        report("default", "a required column cannot have a default; set it to null")
    if array and default is not None:
        report("default", "an array column cannot have a default other than null")
    if kind in SIZED_TYPES and not fmt:
        size = column.get("size")
        if size is None:
            report("size", f"a '{kind}' column without a format needs a size")
        elif is_number(size) and not (float(size).is_integer() and size >= 1):
            report("size", "must be a whole number of at least 1")
    if fmt and kind != "string":
        report(
            "format",
            f'a format only applies to "type": "string"; the CLI ignores it for \'{kind}\'',
        )
    elements = column.get("elements")
    if fmt == "enum" and not elements:
        report("elements", "a column with format 'enum' needs a non-empty 'elements' list")
    if elements is not None and fmt != "enum":
        report("elements", "'elements' is only used with format 'enum'")
    bounds = _bounds(column, kind, report)
    if (
        default is not None
        and not required
        and not array
        and (problem := _default_problem(kind, fmt, default, column, bounds)) is not None
    ):
        report("default", problem)
    return problems


def _bounds(column: dict[str, Any], kind: str | None, report: Any) -> tuple:
    values = []
    for key in ("min", "max"):
        raw, value = column.get(key), None
        if raw is not None and kind not in NUMERIC_TYPES:
            report(key, "min/max only apply to integer, bigint and double columns")
        elif raw is not None:
            try:
                value = float(raw) if kind == "double" else int(raw)
            except (TypeError, ValueError):
                report(key, f"{raw!r} is not a number")
            else:
                if kind != "double" and not INT64[0] <= value <= INT64[1]:
                    report(key, "must be within the 64-bit signed integer range")
        values.append(value)
    low, high = values
    if low is not None and high is not None and low > high:
        report("min", f"min ({low}) is greater than max ({high})")
    return low, high


def _default_problem(
    kind: str | None, fmt: str, default: Any, column: dict[str, Any], bounds: tuple
) -> str | None:
    if kind in STRING_TYPES:
        if not isinstance(default, str):
            return f"the default of a '{kind}' column must be a string"
        elements = column.get("elements")
        if fmt == "enum" and isinstance(elements, list) and default not in elements:
            return f"default '{default}' is not one of the elements"
        size = column.get("size")
        if not fmt and is_number(size) and len(default) > size:
            return f"the default is longer than the column size ({size})"
    elif kind in NUMERIC_TYPES:
        whole = kind != "double"
        if not is_number(default) or (whole and not float(default).is_integer()):
            return (
                f"the default of a '{kind}' column must be "
                f"{'a whole number' if whole else 'a number'}"
            )
        low, high = bounds
        if (low is not None and default < low) or (high is not None and default > high):
            return f"default {default} is outside min/max"
    elif kind == "boolean" and not isinstance(default, bool):
        return "the default of a boolean column must be true or false"
    elif kind == "datetime":
        try:
            datetime.fromisoformat(default)
        except (TypeError, ValueError):
            return "the default of a datetime column must be an ISO 8601 date-time string"
    elif kind == "relationship":
        return "a relationship column cannot have a default"
    return None


def _relationship(
    column: dict[str, Any], here: Any, database_id: str | None, tables: set
) -> list[Problem]:
    problems = []
    related = text(column, "relatedTable")
    if related is None:
        problems.append(Problem(here("relatedTable"), "a relationship column needs 'relatedTable'"))
    elif (database_id, related) not in tables:
        message = f"'{related}' names no table in database '{database_id}'"
        problems.append(Problem(here("relatedTable"), message))
    if "relationType" not in column:
        problems.append(Problem(here("relationType"), "a relationship column needs 'relationType'"))
    return problems


def _indexes(table: dict[str, Any], at: Any) -> list[Problem]:
    problems: list[Problem] = []
    columns = {text(c, "key"): c for _, c in entries(table, "columns")}
    known = ", ".join(key for key in columns if key) or "none"
    seen: set[str] = set()
    for index, spec in entries(table, "indexes"):

        def here(*keys: str | int, _i: int = index) -> str:
            return at("indexes", _i, *keys)

        key, kind = text(spec, "key"), text(spec, "type")
        if key is not None:
            if not is_valid_id(key):
                problems.append(Problem(here("key"), _bad_id("index key", key)))
            if key in seen:
                message = f"Index with the key '{key}' already exists. Index keys must be unique."
                problems.append(Problem(here("key"), message))
            seen.add(key)
        listed = isinstance(spec.get("columns"), list)
        names = [name for _, name in strings(spec, "columns")]
        if listed and not spec["columns"]:
            problems.append(Problem(here("columns"), "an index needs at least one column"))
        if len(set(names)) != len(names):
            problems.append(Problem(here("columns"), "names a column more than once"))
        for position, name in strings(spec, "columns"):
            if name in SYSTEM_COLUMNS:
                continue
            if name not in columns:
                message = f"'{name}' names no column of this table (columns: {known})"
                problems.append(Problem(here("columns", position), message))
            elif (problem := _indexable(kind, name, columns[name])) is not None:
                problems.append(Problem(here("columns", position), problem))
        orders = spec.get("orders")
        if listed and isinstance(orders, list) and len(orders) > len(names):
            message = f"has {len(orders)} entries for {len(names)} columns"
            problems.append(Problem(here("orders"), message))
    return problems


def _indexable(kind: str | None, name: str, column: dict[str, Any]) -> str | None:
    column_type = column.get("type")
    if column.get("array") is True:
        return f"array column '{name}' cannot be indexed"
    if kind == "fulltext" and column_type not in STRING_TYPES:
        return f"a fulltext index needs string-like columns; '{name}' is {column_type}"
    if kind == "spatial" and column_type not in SPATIAL_TYPES:
        return (
            f"a spatial index needs point, linestring or polygon columns; '{name}' is {column_type}"
        )
    if kind != "spatial" and column_type in SPATIAL_TYPES:
        return f"spatial column '{name}' needs a spatial index"
    if column_type == "relationship":
        return f"relationship column '{name}' cannot be indexed"
    return None
