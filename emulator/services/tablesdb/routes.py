"""TablesDB API (`/v1/tablesdb…`): databases, tables, columns and indexes; rows in `tablesdb_rows`.

Scopes per route are the ones of Appwrite's spec (`x-appwrite.scope`): databases.*,
tables.* (or collections.*, columns.*/attributes.*, indexes.*) for the schema,
rows.* (or documents.*) for rows. Keys bypass permissions, never scopes.
"""

from __future__ import annotations

import math

from starlette.requests import Request
from starlette.routing import Route

from emulator.core import permissions as perms
from emulator.core.callers import require_scope
from emulator.core.clock import DATETIME_RANGE_TEXT, canonical_datetime
from emulator.core.errors import AppwriteError
from emulator.http import listing
from emulator.http import params as p
from emulator.http.responses import json_response, no_content
from emulator.services.identity.callers import caller
from emulator.services.tablesdb import columns as col
from emulator.services.tablesdb import routes_rows, routes_transactions
from emulator.services.tablesdb.backend import load_table, queries_param, service
from emulator.services.tablesdb.registry import (
    SYSTEM_SQL,
    Registry,
    TableMeta,
    column_model,
    index_model,
)

DATABASE_SCOPES = {"read": ("databases.read",), "write": ("databases.write",)}
TABLE_SCOPES = {
    "read": ("tables.read", "collections.read"),
    "write": ("tables.write", "collections.write"),
}
COLUMN_SCOPES = {k: v + (f"columns.{k}", f"attributes.{k}") for k, v in TABLE_SCOPES.items()}
INDEX_SCOPES = {k: v + (f"indexes.{k}",) for k, v in TABLE_SCOPES.items()}
INDEX_TYPES = ("key", "fulltext", "unique")


def _database_id(request: Request) -> str:
    return p.path_id(request, "databaseId")


async def _list(
    request: Request,
    docs: list[dict],
    attributes: tuple[str, ...],
    key: str,
    label: str,
    text=lambda d: d.get("name", ""),
) -> dict:
    """Appwrite's list envelope for in-memory schema documents (queries, search, total)."""
    args = await p.params_of(request)
    query = listing.parse(args.optional("queries", queries_param), attributes)
    search = args.optional("search", p.text(256), "")
    count_total = args.optional("total", p.boolean, True)
    if search:
        docs = [d for d in docs if listing.fulltext_match(text(d) + " " + d["$id"], search)]
    total, page = listing.apply(docs, query, cursor_label=label, count_total=count_total)
    for doc in page:
        doc.pop("$sequence", None)
    return {"total": total, key: page}


def table_permissions(value) -> list[str]:
    try:
        return perms.normalize(value, perms.TABLE_ACTIONS, table_level=True)
    except perms.PermissionInvalid as exc:
        raise p.Invalid(exc.message) from None


def _permissions_param(value):
    if not isinstance(value, list):
        raise p.Invalid(
            "Value must a valid array no longer than 100 items and Permission must be a string"
        )
    return table_permissions(value)


# ---------------------------------------------------------------- databases


async def list_databases(request: Request):
    require_scope(caller(request), *DATABASE_SCOPES["read"])
    docs = service(request).registry.list_databases()
    for seq, doc in enumerate(docs, start=1):
        doc["$sequence"] = seq
    return json_response(await _list(request, docs, ("name",), "databases", "Database"))


async def create_database(request: Request):
    require_scope(caller(request), *DATABASE_SCOPES["write"])
    args = await p.params_of(request)
    database_id = args.required("databaseId", p.custom_id)
    name = args.required("name", p.text(128))
    enabled = args.optional("enabled", p.boolean, True)
    return json_response(service(request).registry.create_database(database_id, name, enabled), 201)


async def get_database(request: Request):
    require_scope(caller(request), *DATABASE_SCOPES["read"])
    return json_response(service(request).registry.get_database(_database_id(request)))


async def update_database(request: Request):
    require_scope(caller(request), *DATABASE_SCOPES["write"])
    registry = service(request).registry
    current = registry.get_database(_database_id(request))
    args = await p.params_of(request)
    name = args.optional("name", p.text(128), current["name"])
    enabled = args.optional("enabled", p.boolean, True)
    return json_response(registry.update_database(current["$id"], name, enabled))


async def delete_database(request: Request):
    require_scope(caller(request), *DATABASE_SCOPES["write"])
    service(request).registry.delete_database(_database_id(request))
    return no_content()


# ---------------------------------------------------------------- tables


async def list_tables(request: Request):
    require_scope(caller(request), *TABLE_SCOPES["read"])
    tables = service(request).registry.list_tables(_database_id(request))
    docs = [dict(t.model(), **{"$sequence": t.seq}) for t in tables]
    return json_response(
        await _list(request, docs, ("name", "enabled", "rowSecurity"), "tables", "Table")
    )


async def create_table(request: Request):
    require_scope(caller(request), *TABLE_SCOPES["write"])
    registry = service(request).registry
    args = await p.params_of(request)
    database_id = _database_id(request)
    table_id = args.required("tableId", p.custom_id)
    name = args.required("name", p.text(128))
    permissions = args.optional("permissions", _permissions_param, [])
    row_security = args.optional("rowSecurity", p.boolean, False)
    enabled = args.optional("enabled", p.boolean, True)
    columns = args.optional("columns", p.array_of(lambda v: v, 1000), [])
    indexes = args.optional("indexes", p.array_of(lambda v: v, 64), [])
    registry.get_database(database_id)
    definitions = [col.inline_definition(c) for c in columns]
    table = registry.create_table(database_id, table_id, name, permissions, row_security, enabled)
    try:
        for kind, params in definitions:
            add_column(registry, table, kind, params)
            table = registry.get_table(database_id, table_id)
        for index in indexes:
            add_index(registry, table, index)
            table = registry.get_table(database_id, table_id)
    except AppwriteError:
        registry.delete_table(registry.get_table(database_id, table_id))
        raise
    return json_response(registry.get_table(database_id, table_id).model(), 201)


async def get_table(request: Request):
    require_scope(caller(request), *TABLE_SCOPES["read"])
    registry = service(request).registry
    return json_response(
        registry.get_table(_database_id(request), p.path_id(request, "tableId")).model()
    )


async def update_table(request: Request):
    require_scope(caller(request), *TABLE_SCOPES["write"])
    registry = service(request).registry
    table = registry.get_table(_database_id(request), p.path_id(request, "tableId"))
    args = await p.params_of(request)
    name = args.optional("name", p.text(128), table.name)
    permissions = args.optional("permissions", _permissions_param, table.permissions)
    row_security = args.optional("rowSecurity", p.boolean, False)
    enabled = args.optional("enabled", p.boolean, True)
    return json_response(
        registry.update_table(table, name, permissions, row_security, enabled).model()
    )


async def delete_table(request: Request):
    require_scope(caller(request), *TABLE_SCOPES["write"])
    registry = service(request).registry
    registry.delete_table(registry.get_table(_database_id(request), p.path_id(request, "tableId")))
    return no_content()


# ---------------------------------------------------------------- columns


def _number(value):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise p.Invalid("Value must be a valid float")
    return value


def _integer(value):
    return p.integer_range(col.INT_MIN, col.INT_MAX)(value)


def _string(value):
    return p.any_string(value)


def _datetime(value):
    if canonical_datetime(value) is None:
        raise p.Invalid(DATETIME_RANGE_TEXT)
    return value


def _format_default(fmt: str):
    def check(value):
        problem = col.value_problem(
            {"type": "string", "format": fmt, "size": col.FORMAT_SIZES[fmt]}, value
        )
        if problem:
            raise p.Invalid(problem)
        return value

    return check


DEFAULT_VALIDATORS = {
    "varchar": _string,
    "string": _string,
    "text": _string,
    "mediumtext": _string,
    "longtext": _string,
    "integer": _integer,
    "bigint": _integer,
    "float": _number,
    "boolean": p.boolean,
    "datetime": _datetime,
    "email": _format_default("email"),
    "url": _format_default("url"),
    "ip": _format_default("ip"),
    "enum": _string,
}
SIZE_RANGES = {"varchar": (1, col.VARCHAR_MAX), "string": (1, 1073741824)}


def column_params(kind: str, args: p.Params, creating: bool) -> dict:
    """Type-check a column create/update request's parameters."""
    params: dict = {}
    if creating:
        params["key"] = args.required("key", p.key())
        params["array"] = args.optional("array", p.boolean, False)
        params["encrypt"] = args.optional("encrypt", p.boolean, False)
    if kind in SIZE_RANGES:
        low, high = SIZE_RANGES[kind]
        params["size"] = (args.required if creating else args.optional)(
            "size", p.integer_range(low, high)
        )
    if kind == "enum":
        params["elements"] = args.required("elements", p.array_of(p.text(255, 1), 100))
    if kind in ("integer", "bigint", "float"):
        number = _number if kind == "float" else _integer
        params["min"] = args.optional("min", number)
        params["max"] = args.optional("max", number)
    params["required"] = args.required("required", p.boolean)
    if not creating and "default" not in args.data:
        raise AppwriteError("general_argument_invalid", 'Param "default" is not optional.')
    params["default"] = args.optional("default", DEFAULT_VALIDATORS[kind])
    return params


def add_column(registry: Registry, table: TableMeta, kind: str, definition: dict) -> dict:
    """Validate a column definition and add it (shared by routes, inline columns, provisioning)."""
    spec = col.build_spec(kind, column_params(kind, p.Params(definition), creating=True))
    return registry.add_column(table, spec)


def _column_created(kind: str):
    async def endpoint(request: Request):
        require_scope(caller(request), *COLUMN_SCOPES["write"])
        table = load_table(request)
        args = await p.params_of(request)
        spec = add_column(service(request).registry, table, kind, args.data)
        return json_response(column_model(spec), 202)

    return endpoint


def _column_updated(kind: str):
    async def endpoint(request: Request):
        require_scope(caller(request), *COLUMN_SCOPES["write"])
        registry = service(request).registry
        table = load_table(request)
        key = p.path_id(request, "key")
        existing = table.column(key)
        if existing is None:
            raise AppwriteError("column_not_found", id=key)
        if col.route_type(existing) != kind:
            raise AppwriteError("column_type_invalid", "The column type is invalid.")
        args = await p.params_of(request)
        params = column_params(kind, args, creating=False)
        new_key = args.optional("newKey", p.key())
        spec = col.build_spec(
            kind, params, existing={k: v for k, v in existing.items() if not k.startswith("$")}
        )
        return json_response(column_model(registry.update_column(table, key, spec, new_key)))

    return endpoint


async def list_columns(request: Request):
    require_scope(caller(request), *COLUMN_SCOPES["read"])
    table = load_table(request)
    docs = [
        dict(column_model(c), **{"$id": c["key"], "$sequence": i})
        for i, c in enumerate(table.columns, 1)
    ]
    body = await _list(
        request,
        docs,
        ("key", "type", "size", "required", "array", "status", "error"),
        "columns",
        "Column",
        text=lambda d: d["key"],
    )
    for item in body["columns"]:
        item.pop("$id", None)
    return json_response(body)


async def get_column(request: Request):
    require_scope(caller(request), *COLUMN_SCOPES["read"])
    table = load_table(request)
    key = p.path_id(request, "key")
    spec = table.column(key)
    if spec is None:
        raise AppwriteError("column_not_found", id=key)
    return json_response(column_model(spec))


async def delete_column(request: Request):
    require_scope(caller(request), *COLUMN_SCOPES["write"])
    table = load_table(request)
    key = p.path_id(request, "key")
    if table.column(key) is None:
        raise AppwriteError("column_not_found", id=key)
    service(request).registry.delete_column(table, key)
    return no_content()


# ---------------------------------------------------------------- indexes


def add_index(registry: Registry, table: TableMeta, definition: dict) -> dict:
    """Validate an index definition (route body, inline, or appwrite.json) and create it."""
    args = p.Params(definition if isinstance(definition, dict) else {})
    key = args.required("key", p.key())
    kind = args.required("type", _index_type)
    raw_columns = definition.get("columns", definition.get("attributes"))
    if raw_columns is None:
        raise AppwriteError("general_argument_invalid", 'Param "columns" is not optional.')
    columns = p.Params._check("columns", raw_columns, p.array_of(_index_column, 100))
    orders = args.optional("orders", p.array_of(_order, 100), [])
    lengths = args.optional("lengths", p.array_of(_length, 100), [])
    return registry.add_index(table, key, kind, columns, orders, lengths)


def _index_column(value):
    return value if value in SYSTEM_SQL else p.key()(value)


def _index_type(value):
    if value not in INDEX_TYPES:
        raise p.Invalid(f"Value must be one of ({', '.join(INDEX_TYPES)})")
    return value


def _order(value):
    if value is not None and value not in ("ASC", "DESC"):
        raise p.Invalid("Value must be one of (ASC, DESC)")
    return value


def _length(value):
    """Appwrite's `Nullable(Integer())`: any integer; the index validator judges it."""
    if value is None:
        return None
    return p.integer_range(col.INT_MIN, col.INT_MAX)(value)


async def create_index(request: Request):
    require_scope(caller(request), *INDEX_SCOPES["write"])
    table = load_table(request)
    args = await p.params_of(request)
    spec = add_index(service(request).registry, table, args.data)
    return json_response(index_model(spec), 202)


async def list_indexes(request: Request):
    require_scope(caller(request), *INDEX_SCOPES["read"])
    table = load_table(request)
    docs = [dict(index_model(i), **{"$sequence": n}) for n, i in enumerate(table.indexes, 1)]
    return json_response(
        await _list(
            request,
            docs,
            ("key", "type", "status", "attributes", "error"),
            "indexes",
            "Index",
            text=lambda d: d["key"],
        )
    )


async def get_index(request: Request):
    require_scope(caller(request), *INDEX_SCOPES["read"])
    table = load_table(request)
    key = p.path_id(request, "key")
    spec = table.index(key)
    if spec is None:
        raise AppwriteError("column_index_not_found", id=key)
    return json_response(index_model(spec))


async def delete_index(request: Request):
    require_scope(caller(request), *INDEX_SCOPES["write"])
    table = load_table(request)
    service(request).registry.delete_index(table, p.path_id(request, "key"))
    return no_content()


# ---------------------------------------------------------------- routes


def routes() -> list[Route]:
    base = "/tablesdb/{databaseId}/tables/{tableId}"
    result = routes_transactions.routes() + [  # before /tablesdb/{databaseId}
        Route("/tablesdb", list_databases, methods=["GET"]),
        Route("/tablesdb", create_database, methods=["POST"]),
        Route("/tablesdb/{databaseId}", get_database, methods=["GET"]),
        Route("/tablesdb/{databaseId}", update_database, methods=["PUT"]),
        Route("/tablesdb/{databaseId}", delete_database, methods=["DELETE"]),
        Route("/tablesdb/{databaseId}/tables", list_tables, methods=["GET"]),
        Route("/tablesdb/{databaseId}/tables", create_table, methods=["POST"]),
        Route(base, get_table, methods=["GET"]),
        Route(base, update_table, methods=["PUT"]),
        Route(base, delete_table, methods=["DELETE"]),
        Route(f"{base}/columns", list_columns, methods=["GET"]),
        Route(f"{base}/indexes", list_indexes, methods=["GET"]),
        Route(f"{base}/indexes", create_index, methods=["POST"]),
        Route(f"{base}/indexes/{{key}}", get_index, methods=["GET"]),
        Route(f"{base}/indexes/{{key}}", delete_index, methods=["DELETE"]),
    ]
    for kind in col.CREATE_TYPES:
        result.append(Route(f"{base}/columns/{kind}", _column_created(kind), methods=["POST"]))
        result.append(
            Route(f"{base}/columns/{kind}/{{key}}", _column_updated(kind), methods=["PATCH"])
        )
    result += [
        Route(f"{base}/columns/{{key}}", get_column, methods=["GET"]),
        Route(f"{base}/columns/{{key}}", delete_column, methods=["DELETE"]),
    ]
    return result + routes_rows.routes(base)
