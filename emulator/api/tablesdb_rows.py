"""TablesDB row routes (`…/tables/{tableId}/rows…`): parse → authorize → act → answer.

Authorization follows reference §6: API keys bypass permissions (never scopes);
everyone else needs table-level `create` to create, and table-or-row (when
rowSecurity is on) `read`/`update`/`delete` for the rest. Rows a caller cannot read
are not found; list results are filtered by the caller's roles.
"""

from __future__ import annotations

import json

from starlette.requests import Request
from starlette.routing import Route

from emulator import permissions as perms
from emulator.api import params as p
from emulator.api.auth import Caller, caller, require_scope
from emulator.api.errors import AppwriteError
from emulator.api.responses import json_response, no_content
from emulator.api.tablesdb_context import load_table, queries_param, service
from emulator.functions import hooks
from emulator.query import QueryError, parse_queries, plan_queries
from emulator.store import columns as col
from emulator.store.rows import row_model
from emulator.store.tables import TableMeta
from emulator.triggers import events

READ = ("rows.read", "documents.read")
WRITE = ("rows.write", "documents.write")
MAX_BATCH = 100


def _fire(request: Request, action: str, table: TableMeta, rows: list[dict], *, legacy: bool) -> None:
    """Publish a write's event per row (after it is committed), as Appwrite's routes do.

    Creates and every bulk operation use the legacy collections/documents label; single
    update/upsert/delete and increments use tables/rows.
    """
    for row in rows:
        pattern, params = events.row_event(action, table.database_id, table.id, row["$id"], legacy=legacy)
        hooks.publish(request.app.state.emulator, pattern, params, row_model(table, row), caller(request))


def _plan(table: TableMeta, raw: list[str]):
    try:
        return plan_queries(parse_queries(raw), table.schema())
    except QueryError as exc:
        raise AppwriteError("general_query_invalid", exc.message) from None


def _row_permissions(value):
    if not isinstance(value, list):
        raise p.Invalid("Value must a valid array no longer than 100 items and Permission must be a string")
    try:
        return perms.normalize(value, perms.ROW_ACTIONS, table_level=False)
    except perms.PermissionInvalid as exc:
        raise p.Invalid(exc.message) from None


def _granted_by_table(who: Caller, table: TableMeta, action: str) -> bool:
    return who.is_privileged or perms.allows(table.permissions, action, who.roles)


def _may(who: Caller, table: TableMeta, action: str, row: dict) -> bool:
    if who.is_privileged:
        return True
    return perms.row_allowed(action, who.roles, table.permissions, table.row_security, row["$permissions"])


def _check_create(who: Caller, table: TableMeta) -> None:
    if who.is_privileged:
        return
    allowed = sorted(perms.roles_for(table.permissions, "create"))
    if not allowed:
        raise AppwriteError("user_unauthorized", "No permissions provided for action 'create'")
    if not set(allowed) & set(who.roles):
        roles = json.dumps(perms.ordered_roles(who.roles), separators=(",", ":"))
        raise AppwriteError(
            "user_unauthorized",
            f'Missing "create" permission for role "{allowed[-1]}". Only "{roles}" scopes are allowed and '
            f'"{json.dumps(allowed, separators=(",", ":"))}" was given.',
        )


def _check_grants(who: Caller, permissions: list[str] | None) -> None:
    """Non-key callers may only put roles they hold into permissions."""
    if who.is_privileged or not permissions:
        return
    if perms.ungrantable_roles(permissions, who.roles):
        listed = ", ".join(perms.ordered_roles(who.roles))
        raise AppwriteError("user_unauthorized", f"Permissions must be one of: ({listed})")


def _read_restriction(who: Caller, table: TableMeta, action: str = "read") -> set[str] | None:
    """None when every row is allowed; else the roles a row must grant `action` to."""
    if _granted_by_table(who, table, action):
        return None
    if table.row_security:
        return set(who.roles)
    raise AppwriteError("user_unauthorized")


def _load_row(request: Request, table: TableMeta) -> dict:
    row_id = p.path_id(request, "rowId")
    row = service(request).rows.get(table, row_id)
    if row is None:
        raise AppwriteError("row_not_found", id=row_id)
    return row


def _data_param(value):
    if not isinstance(value, dict):
        if isinstance(value, str):
            try:
                decoded = json.loads(value)
            except ValueError:
                decoded = None
            if isinstance(decoded, dict):
                return decoded
        if isinstance(value, list) and not value:
            return {}
        raise p.Invalid("Value must be a valid JSON object")
    return value


def _rows_param(value):
    if not isinstance(value, list) or len(value) > MAX_BATCH or not all(isinstance(r, dict) for r in value):
        raise p.Invalid(f"Value must a valid array no longer than {MAX_BATCH} items and Value must be a valid object")
    return value


async def _context(request: Request, scopes: tuple[str, ...]):
    who = caller(request)
    require_scope(who, *scopes)
    table = load_table(request)
    args = await p.params_of(request)
    if args.has("transactionId"):  # transactions are not emulated: no transaction exists
        raise AppwriteError("transaction_not_found", id=str(args.data["transactionId"]))
    return who, table, args, service(request).rows


# ---------------------------------------------------------------- reading


async def list_rows(request: Request):
    who, table, args, store = await _context(request, READ)
    plan = _plan(table, args.optional("queries", queries_param, []))
    count = args.optional("total", p.boolean, True)
    restriction = _read_restriction(who, table)
    total, rows = store.find(table, plan, restriction, count=count)
    return json_response({"total": total, "rows": [row_model(table, r, plan.select) for r in rows]})


async def get_row(request: Request):
    who, table, args, _ = await _context(request, READ)
    plan = _plan(table, args.optional("queries", queries_param, []))
    row = _load_row(request, table)
    if not _may(who, table, "read", row):
        raise AppwriteError("row_not_found", id=row["$id"])
    return json_response(row_model(table, row, plan.select))


# ---------------------------------------------------------------- creating


def _new_row(who: Caller, store, table: TableMeta, row_id: str, data: dict, permissions: list[str] | None) -> dict:
    if permissions is None:
        permissions = perms.default_row_permissions(who.user_id if who.kind == "user" else None)
    _check_grants(who, permissions)
    prepared = store.prepare(table, data, None, allow_dates=who.is_privileged)
    return store.insert(table, row_id, prepared, permissions)


async def create_rows(request: Request):
    who, table, args, store = await _context(request, WRITE)
    has_data, has_rows = args.has("data"), args.has("rows")
    if has_data and has_rows:
        raise AppwriteError("general_bad_request", "You can only send one of the following parameters: data, rows")
    if has_rows:
        return _create_many(request, who, table, args, store)
    data = args.optional("data", _data_param, {})
    if not args.has("rowId"):
        raise AppwriteError("row_missing_data", "Row ID is required when creating a single row." if data else None)
    row_id = args.required("rowId", p.custom_id)
    if not data:
        raise AppwriteError("row_missing_data")
    permissions = args.optional("permissions", _row_permissions)
    if permissions is None and "$permissions" in data:
        permissions = _check_param("permissions", data["$permissions"], _row_permissions)
    _check_create(who, table)
    row = _new_row(who, store, table, row_id, data, permissions)
    _fire(request, "create", table, [row], legacy=True)
    return json_response(row_model(table, row), 201)


def _check_param(name, value, validator):
    return p.Params._check(name, value, validator)


def _create_many(request, who: Caller, table: TableMeta, args: p.Params, store):
    if args.has("rowId"):
        raise AppwriteError(
            "general_bad_request",
            'Param "rowId" is not allowed when creating multiple rows, set "$id" on each instead.',
        )
    if args.has("permissions"):
        raise AppwriteError(
            "general_bad_request",
            'Param "permissions" is not allowed when creating multiple rows, set "$permissions" on each instead.',
        )
    if not who.is_privileged:  # bulk create is for API keys only
        raise AppwriteError(
            "general_unauthorized_scope",
            f"{who.actor} (role: {who.role_label}) missing scopes ({json.dumps(list(WRITE), separators=(',', ':'))})",
        )
    items = args.required("rows", _rows_param)
    created = []
    with store.db.transaction():
        for item in items:
            row_id = _check_param("$id", item.get("$id", "unique()"), p.custom_id)
            permissions = None
            if item.get("$permissions") is not None:
                permissions = _check_param("permissions", item["$permissions"], _row_permissions)
            if store.get(table, row_id) is not None:
                raise AppwriteError("row_already_exists", id="")
            created.append(_new_row(who, store, table, row_id, item, permissions))
    _fire(request, "create", table, created, legacy=True)
    return json_response({"total": len(created), "rows": [row_model(table, r) for r in created[:MAX_BATCH]]}, 201)


# ---------------------------------------------------------------- updating


def _apply_update(who: Caller, store, table: TableMeta, row: dict, data: dict, permissions: list[str] | None) -> dict:
    _check_grants(who, permissions)
    prepared = store.prepare(table, data, row, allow_dates=who.is_privileged)
    changed = permissions is not None and permissions != row["$permissions"]
    changed = changed or any(prepared["values"][k] != row.get(k) for k in prepared["values"]) or prepared["dates"]
    if not _may(who, table, "update", row) and not (not changed and _may(who, table, "read", row)):
        raise AppwriteError("user_unauthorized")
    return store.update(table, row, prepared, permissions)


async def update_row(request: Request):
    who, table, args, store = await _context(request, WRITE)
    data = args.optional("data", _data_param, {})
    permissions = args.optional("permissions", _row_permissions)
    if not data and permissions is None:
        raise AppwriteError("row_missing_payload")
    row = _load_row(request, table)  # Appwrite: read permission is not required for update
    row = _apply_update(who, store, table, row, data, permissions)
    _fire(request, "update", table, [row], legacy=False)
    return json_response(row_model(table, row))


async def upsert_row(request: Request):
    """PUT one row. Answers 200: Appwrite's upsert code path sets no status, whatever the spec says."""
    who, table, args, store = await _context(request, WRITE)
    row_id = p.path_id(request, "rowId")
    data = args.optional("data", _data_param, {})
    permissions = args.optional("permissions", _row_permissions)
    row = store.get(table, row_id)
    if row is None:
        _check_create(who, table)
        result = _new_row(who, store, table, row_id, data, permissions)
    else:
        result = _apply_update(who, store, table, row, data, permissions)
    _fire(request, "upsert", table, [result], legacy=False)
    return json_response(row_model(table, result))


async def upsert_rows(request: Request):
    who, table, args, store = await _context(request, WRITE)
    items = args.required("rows", _rows_param)
    results = []
    with store.db.transaction():
        for item in items:
            row_id = _check_param("$id", item.get("$id", "unique()"), p.custom_id)
            permissions = None
            if item.get("$permissions") is not None:
                permissions = _check_param("permissions", item["$permissions"], _row_permissions)
            row = store.get(table, row_id)
            if row is None:
                _check_create(who, table)
                results.append(_new_row(who, store, table, row_id, item, permissions))
            else:
                results.append(_apply_update(who, store, table, row, item, permissions))
    _fire(request, "upsert", table, results, legacy=True)
    return json_response({"total": len(results), "rows": [row_model(table, r) for r in results[:MAX_BATCH]]}, 201)


async def update_rows(request: Request):
    who, table, args, store = await _context(request, WRITE)
    data = args.optional("data", _data_param, {})
    plan = _plan(table, args.optional("queries", queries_param, []))
    if not data:
        raise AppwriteError("row_missing_payload")
    restriction = _read_restriction(who, table, "update")
    with store.db.transaction():
        _, rows = store.find(table, plan, restriction, count=False, default_limit=None, action="update")
        updated = [store.update(table, r, store.prepare(table, data, r, allow_dates=who.is_privileged), None)
                   for r in rows]
    _fire(request, "update", table, updated, legacy=True)
    return json_response({"total": len(updated), "rows": [row_model(table, r) for r in updated[:MAX_BATCH]]})


async def delete_rows(request: Request):
    who, table, args, store = await _context(request, WRITE)
    plan = _plan(table, args.optional("queries", queries_param, []))
    restriction = _read_restriction(who, table, "delete")
    with store.db.transaction():
        _, rows = store.find(table, plan, restriction, count=False, default_limit=None, action="delete")
        for row in rows:
            store.delete(table, row)
    _fire(request, "delete", table, rows, legacy=True)
    return json_response({"total": len(rows), "rows": [row_model(table, r) for r in rows[:MAX_BATCH]]})


async def delete_row(request: Request):
    who, table, _, store = await _context(request, WRITE)
    row = _load_row(request, table)
    if not _may(who, table, "delete", row):
        raise AppwriteError("user_unauthorized")
    store.delete(table, row)
    _fire(request, "delete", table, [row], legacy=False)
    return no_content()


def _increase(sign: int, bound_name: str):
    async def endpoint(request: Request):
        who, table, args, store = await _context(request, WRITE)
        row_id = p.path_id(request, "rowId")
        key = request.path_params["column"]
        value = args.optional("value", _any_number, 1)
        if value <= 0:
            raise AppwriteError("general_argument_invalid", "Value must be numeric and greater than 0")
        bound = args.optional(bound_name, _any_number)
        row = store.get(table, row_id)
        spec = table.column(key)
        if row is None or spec is None:
            raise AppwriteError("column_not_found", "Column with the requested key '%s' could not be found.")
        if spec["type"] not in col.NUMERIC_TYPES or spec.get("array"):
            raise AppwriteError("attribute_type_invalid", f'tablesDB "{key}" is not a number')
        if spec["type"] in col.INTEGER_TYPES and isinstance(value, float) and not value.is_integer():
            raise AppwriteError("general_argument_invalid", "Invalid `value` param: Value must be a valid integer")
        if not _may(who, table, "update", row):
            raise AppwriteError("user_unauthorized")
        row = store.increase(table, row, key, sign * value, bound)
        _fire(request, "update", table, [row], legacy=False)
        return json_response(row_model(table, row))

    return endpoint


def _any_number(value):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise p.Invalid("Value must be a valid float")
    return value


async def query_rows(request: Request):
    """SDK 27 `create_query`: list_rows with the queries in a JSON body."""
    return await list_rows(request)


def routes(base: str) -> list[Route]:
    rows = f"{base}/rows"
    return [
        Route(rows, list_rows, methods=["GET"]),
        Route(rows, create_rows, methods=["POST"]),
        Route(rows, upsert_rows, methods=["PUT"]),
        Route(rows, update_rows, methods=["PATCH"]),
        Route(rows, delete_rows, methods=["DELETE"]),
        Route(f"{rows}/query", query_rows, methods=["POST"]),
        Route(f"{rows}/{{rowId}}", get_row, methods=["GET"]),
        Route(f"{rows}/{{rowId}}", upsert_row, methods=["PUT"]),
        Route(f"{rows}/{{rowId}}", update_row, methods=["PATCH"]),
        Route(f"{rows}/{{rowId}}", delete_row, methods=["DELETE"]),
        Route(f"{rows}/{{rowId}}/{{column}}/increment", _increase(1, "max"), methods=["PATCH"]),
        Route(f"{rows}/{{rowId}}/{{column}}/decrement", _increase(-1, "min"), methods=["PATCH"]),
    ]
