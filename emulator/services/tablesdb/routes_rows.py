"""TablesDB row routes (`…/tables/{tableId}/rows…`): parse → authorize → act → answer.

Authorization follows reference §6: API keys bypass permissions (never scopes);
everyone else needs table-level `create` to create, and table-or-row (when
rowSecurity is on) `read`/`update`/`delete` for the rest. Rows a caller cannot read
are not found; list results are filtered by the caller's roles. With `transactionId`,
writes are staged (see `tablesdb_transactions`) and reads see the staged writes.
"""

from __future__ import annotations

import contextlib
import json
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from emulator.core import permissions as perms
from emulator.core import strictjson
from emulator.core.callers import Caller, CallerKind, require_scope
from emulator.core.errors import AppwriteError
from emulator.core.query import QueryError, parse_queries, plan_queries
from emulator.http import params as p
from emulator.http.responses import json_response, json_text_response, no_content
from emulator.services.identity.callers import caller
from emulator.services.tablesdb import columns as col
from emulator.services.tablesdb.backend import (
    fire,
    load_table,
    queries_param,
    service,
    transactions,
)
from emulator.services.tablesdb.registry import TableMeta
from emulator.services.tablesdb.routes_transactions import preview, stage
from emulator.services.tablesdb.rows import row_model, row_models

READ = ("rows.read", "documents.read")
WRITE = ("rows.write", "documents.write")
MAX_BATCH = 100


def _plan(table: TableMeta, raw: list[str]):
    try:
        return plan_queries(parse_queries(raw), table.schema())
    except QueryError as exc:
        raise AppwriteError("general_query_invalid", exc.message) from None


def _row_permissions(value):
    if not isinstance(value, list):
        raise p.Invalid(
            "Value must a valid array no longer than 100 items and Permission must be a string"
        )
    try:
        return perms.normalize(value, perms.ROW_ACTIONS, table_level=False)
    except perms.PermissionInvalid as exc:
        raise p.Invalid(exc.message) from None


def _granted_by_table(who: Caller, table: TableMeta, action: str) -> bool:
    return who.is_privileged or perms.allows(table.permissions, action, who.roles)


def _may(who: Caller, table: TableMeta, action: str, row: dict) -> bool:
    if who.is_privileged:
        return True
    return perms.row_allowed(
        action, who.roles, table.permissions, table.row_security, row["$permissions"]
    )


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
            f'Missing "create" permission for role "{allowed[-1]}". '
            f'Only "{roles}" scopes are allowed and '
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
                decoded = strictjson.loads(value, constants=True)
            except ValueError:
                decoded = None
            if isinstance(decoded, dict):
                return decoded
        if isinstance(value, list) and not value:
            return {}
        raise p.Invalid("Value must be a valid JSON object")
    return value


def _rows_param(value):
    if (
        not isinstance(value, list)
        or len(value) > MAX_BATCH
        or not all(isinstance(r, dict) for r in value)
    ):
        raise p.Invalid(
            f"Value must a valid array no longer than {MAX_BATCH} items "
            "and Value must be a valid object"
        )
    return value


async def _context(request: Request, scopes: tuple[str, ...]):
    who = caller(request)
    require_scope(who, *scopes)
    table = load_table(request)
    args = await p.params_of(request)
    return who, table, args, service(request).rows


@dataclass
class Outcome:
    """What a write did: its answer, the events to fire,
    and the operations to stage in a transaction."""

    response: Response
    events: list[tuple[str, bool, list[dict]]] = field(
        default_factory=list
    )  # (action, legacy label, rows)
    # the operations, or a function building them (only called inside a transaction)
    operations: list[dict] | Callable[[], list[dict]] = field(default_factory=list)

    def staged(self) -> list[dict]:
        return self.operations() if callable(self.operations) else self.operations


def _writer(logic):
    """A write route: run `logic` now, or — with `transactionId` — check it against the
    transaction's state, stage its operations and answer as if applied (events fire on
    commit)."""

    async def endpoint(request: Request):
        who, table, args, store = await _context(request, WRITE)
        transaction_id = args.optional("transactionId", p.uid)
        if transaction_id is None:
            outcome = logic(request, who, table, args, store)
            for action, legacy, rows in outcome.events:
                fire(request, action, table, rows, legacy=legacy)
            return outcome.response
        transactions(request).usable(transaction_id)
        with preview(request, transaction_id):
            outcome = logic(request, who, table, args, store)
        stage(request, transaction_id, outcome.staged())
        return outcome.response

    return endpoint


def _op(table: TableMeta, action: str, row_id: str | None = None, data=None) -> dict:
    operation = {"action": action, "databaseId": table.database_id, "tableId": table.id}
    if row_id is not None:
        operation["rowId"] = row_id
    if data is not None:
        operation["data"] = data
    return operation


def _staged_data(who: Caller, data: dict, permissions: list[str] | None) -> dict:
    """Row data as staged: dates only from keys (as when applied directly), permissions resolved."""
    privileged = who.is_privileged
    staged = {k: v for k, v in data.items() if privileged or k not in ("$createdAt", "$updatedAt")}
    staged.pop("$permissions", None)
    if permissions is not None:
        staged["$permissions"] = permissions
    return staged


# ---------------------------------------------------------------- reading


async def list_rows(request: Request):
    who, table, args, store = await _context(request, READ)
    plan = _plan(table, args.optional("queries", queries_param, []))
    count = args.optional("total", p.boolean, True)
    restriction = _read_restriction(who, table)
    transaction_id = args.optional("transactionId", p.uid)
    with preview(request, transaction_id) if transaction_id else contextlib.nullcontext():
        rendered = store.find_rendered(table, plan, restriction, count=count)
        if rendered is None:
            total, models = store.find_models(table, plan, restriction, count=count)
            return json_response({"total": total, "rows": models})
    total, texts = rendered
    return json_text_response(f'{{"total":{total},"rows":[{",".join(texts)}]}}')


async def get_row(request: Request):
    who, table, args, _ = await _context(request, READ)
    plan = _plan(table, args.optional("queries", queries_param, []))
    transaction_id = args.optional("transactionId", p.uid)
    with preview(request, transaction_id) if transaction_id else contextlib.nullcontext():
        row = _load_row(request, table)
    if not _may(who, table, "read", row):
        raise AppwriteError("row_not_found", id=row["$id"])
    return json_response(row_model(table, row, plan.select))


# ---------------------------------------------------------------- creating


def _new_row(
    who: Caller, store, table: TableMeta, row_id: str, data: dict, permissions: list[str] | None
) -> dict:
    prepared, permissions = _prepared_row(who, store, table, data, permissions)
    return store.insert(table, row_id, prepared, permissions)


def _prepared_row(
    who: Caller, store, table: TableMeta, data: dict, permissions: list[str] | None
) -> tuple[dict, list[str]]:
    """A new row's validated values and its permissions (the default ones when None)."""
    if permissions is None:
        permissions = perms.default_row_permissions(
            who.user_id if who.kind == CallerKind.USER else None
        )
    _check_grants(who, permissions)
    return store.prepare(table, data, None, allow_dates=who.is_privileged), permissions


def _create_rows(request, who: Caller, table: TableMeta, args: p.Params, store) -> Outcome:
    """One row (`rowId` + `data`) or many (`rows`), as Appwrite tells them apart: by which
    of `data` and `rows` is non-empty (neither: 400 row_missing_data)."""
    data = args.optional("data", _data_param, {})
    items = args.optional("rows", _rows_param, [])
    if not data and not items:
        raise AppwriteError("row_missing_data")
    if data and items:
        raise AppwriteError(
            "general_bad_request", "You can only send one of the following parameters: data, rows"
        )
    if items:
        return _create_many(who, table, args, store, items)
    if not args.has("rowId"):
        raise AppwriteError("row_missing_data", "Row ID is required when creating a single row.")
    row_id = args.required("rowId", p.custom_id)
    permissions = args.optional("permissions", _row_permissions)
    if permissions is None and "$permissions" in data:
        permissions = _check_param("permissions", data["$permissions"], _row_permissions)
    _check_create(who, table)
    row = _new_row(who, store, table, row_id, data, permissions)
    return Outcome(
        json_response(row_model(table, row), 201),
        [("create", True, [row])],
        [_op(table, "create", row_id, _staged_data(who, data, row["$permissions"]))],
    )


def _check_param(name, value, validator):
    return p.Params._check(name, value, validator)


def _create_many(
    who: Caller, table: TableMeta, args: p.Params, store, items: list[dict]
) -> Outcome:
    if args.data.get("rowId"):
        raise AppwriteError(
            "general_bad_request",
            'Param "rowId" is not allowed when creating multiple rows, set "$id" on each instead.',
        )
    if args.data.get("permissions"):
        raise AppwriteError(
            "general_bad_request",
            'Param "permissions" is disallowed when creating multiple rows, '
            'set "$permissions" on each instead',
        )
    if not who.is_privileged:  # bulk create is for API keys only
        raise AppwriteError(
            "general_unauthorized_scope",
            f"{who.actor} (role: {who.role_label}) missing scopes "
            f"({json.dumps(list(WRITE), separators=(',', ':'))})",
        )
    pending, seen = [], set()
    with store.db.transaction():
        # Each row checked in order (its id, then its data), then all written at once; the
        # ids taken are looked up together first.
        given = [i["$id"] for i in items if isinstance(i, dict) and isinstance(i.get("$id"), str)]
        taken = store.existing(table, given)
        for item in items:
            row_id, permissions = _bulk_item(item)
            if row_id in seen or row_id in taken:
                raise AppwriteError("row_already_exists", id="")
            seen.add(row_id)
            prepared, permissions = _prepared_row(who, store, table, item, permissions)
            pending.append((row_id, prepared, permissions))
        created = store.insert_many(table, pending)

    def staged() -> list[dict]:
        data = [
            dict(_staged_data(who, item, row["$permissions"]), **{"$id": row["$id"]})
            for item, row in zip(items, created, strict=True)
        ]
        return [_op(table, "bulkCreate", data=data)]

    body = {"total": len(created), "rows": row_models(table, created[:MAX_BATCH])}
    return Outcome(json_response(body, 201), [("create", True, created)], staged)


# ---------------------------------------------------------------- updating


def _apply_update(
    who: Caller, store, table: TableMeta, row: dict, data: dict, permissions: list[str] | None
) -> dict:
    _check_grants(who, permissions)
    prepared = store.prepare(table, data, row, allow_dates=who.is_privileged)
    changed = permissions is not None and permissions != row["$permissions"]
    changed = (
        changed
        or any(prepared["values"][k] != row.get(k) for k in prepared["values"])
        or prepared["dates"]
    )
    if not _may(who, table, "update", row) and not (not changed and _may(who, table, "read", row)):
        raise AppwriteError("user_unauthorized")
    return store.update(table, row, prepared, permissions)


def _update_row(request, who: Caller, table: TableMeta, args: p.Params, store) -> Outcome:
    data = args.optional("data", _data_param, {})
    permissions = args.optional("permissions", _row_permissions)
    if not data and permissions is None:
        raise AppwriteError("row_missing_payload")
    row = _load_row(request, table)  # Appwrite: read permission is not required for update
    row = _apply_update(who, store, table, row, data, permissions)
    return Outcome(
        json_response(row_model(table, row)),
        [("update", False, [row])],
        [_op(table, "update", row["$id"], _staged_data(who, data, permissions))],
    )


def _upsert_one(
    who: Caller, store, table: TableMeta, row_id: str, data: dict, permissions
) -> tuple[dict, dict]:
    """Create or update one row; returns it and its staged data."""
    row = store.get(table, row_id)
    if row is None:
        _check_create(who, table)
        result = _new_row(who, store, table, row_id, data, permissions)
        return result, _staged_data(who, data, result["$permissions"])
    return _apply_update(who, store, table, row, data, permissions), _staged_data(
        who, data, permissions
    )


def _upsert_row(request, who: Caller, table: TableMeta, args: p.Params, store) -> Outcome:
    """PUT one row. Answers 200: Appwrite's upsert code path sets no status,
    whatever the spec says."""
    row_id = p.path_id(request, "rowId")
    data = args.optional("data", _data_param, {})
    permissions = args.optional("permissions", _row_permissions)
    result, staged = _upsert_one(who, store, table, row_id, data, permissions)
    return Outcome(
        json_response(row_model(table, result)),
        [("upsert", False, [result])],
        [_op(table, "upsert", row_id, staged)],
    )


def _bulk_item(item: dict) -> tuple[str, list[str] | None]:
    """The `$id` and `$permissions` of one row of a bulk create/upsert, validated."""
    row_id = _check_param("$id", item.get("$id", "unique()"), p.custom_id)
    permissions = None
    if item.get("$permissions") is not None:
        permissions = _check_param("permissions", item["$permissions"], _row_permissions)
    return row_id, permissions


def _upsert_rows(request, who: Caller, table: TableMeta, args: p.Params, store) -> Outcome:
    """PUT many rows: Appwrite writes (and answers, with 200) only the rows that are new or
    changed — a row whose every column and permissions would stay the same is skipped."""
    items = args.required("rows", _rows_param)
    results, staged = [], []
    with store.db.transaction():
        for item in items:
            row_id, permissions = _bulk_item(item)
            existing = store.get(table, row_id)
            if existing is not None and _unchanged(who, store, table, existing, item, permissions):
                staged.append(dict(_staged_data(who, item, permissions), **{"$id": row_id}))
                continue
            result, data = _upsert_one(who, store, table, row_id, item, permissions)
            results.append(result)
            staged.append(dict(data, **{"$id": row_id}))
    body = {"total": len(results), "rows": row_models(table, results[:MAX_BATCH])}
    return Outcome(
        json_response(body),
        [("upsert", True, results)],
        [_op(table, "bulkUpsert", data=staged)],
    )


def _unchanged(
    who: Caller, store, table: TableMeta, row: dict, item: dict, permissions: list[str] | None
) -> bool:
    """utopia's `upsertDocuments` skip rule: same permissions (when given), every column
    given and equal (a column the row has but the item leaves out counts as a change)."""
    if permissions is not None and sorted(permissions) != sorted(row["$permissions"]):
        return False
    if any(spec["key"] not in item for spec in table.columns):
        return False
    prepared = store.prepare(table, item, row, allow_dates=who.is_privileged)
    return all(prepared["values"][k] == row.get(k) for k in prepared["values"])


def _by_queries(
    who: Caller,
    table: TableMeta,
    raw_queries: list[str],
    action: str,
    rows: list[dict],
    data: dict | None = None,
) -> list[dict]:
    """Staged form of a bulk update/delete: by queries for keys, row by row for users
    (their rows only)."""
    if who.is_privileged:
        payload = (
            {"queries": raw_queries} if data is None else {"queries": raw_queries, "data": data}
        )
        return [_op(table, "bulkUpdate" if data is not None else "bulkDelete", data=payload)]
    return [_op(table, action, r["$id"], data) for r in rows]


@contextlib.contextmanager
def _unique_violation_unhandled() -> Iterator[None]:
    """Appwrite 1.9.6's bulk update (`Bulk/Update.php`) catches no unique-index violation:
    utopia-php/database's `Unique` exception reaches `general.php`, which wraps it as
    `general_unknown` with the PDO code 23000, answered as a 500 "Server Error". Its single-row
    update, create and upserts answer 409 `row_unique_constraint_violation`. Nothing is
    written either way (the transaction rolls back)."""
    try:
        yield
    except AppwriteError as exc:
        if exc.type != "row_unique_constraint_violation":
            raise
        raise AppwriteError("general_unknown", "Server Error", code=500) from None


def _update_rows(request, who: Caller, table: TableMeta, args: p.Params, store) -> Outcome:
    """PATCH the rows the queries select; `data.$permissions` replaces their permissions."""
    data = args.optional("data", _data_param, {})
    raw = args.optional("queries", queries_param, [])
    plan = _plan(table, raw)
    if not data:
        raise AppwriteError("row_missing_payload")
    permissions = None
    if data.get("$permissions") is not None:
        try:
            permissions = _row_permissions(data["$permissions"])
        except p.Invalid as exc:
            raise AppwriteError("general_bad_request", str(exc)) from None
        _check_grants(who, permissions)
    restriction = _read_restriction(who, table, "update")
    with store.db.transaction(), _unique_violation_unhandled():
        _, rows = store.find(
            table, plan, restriction, count=False, default_limit=None, action="update"
        )
        updated = [
            store.update(
                table, r, store.prepare(table, data, r, allow_dates=who.is_privileged), permissions
            )
            for r in rows
        ]
    body = {"total": len(updated), "rows": row_models(table, updated[:MAX_BATCH])}
    return Outcome(
        json_response(body),
        [("update", True, updated)],
        _by_queries(who, table, raw, "update", rows, _staged_data(who, data, permissions)),
    )


def _delete_rows(request, who: Caller, table: TableMeta, args: p.Params, store) -> Outcome:
    raw = args.optional("queries", queries_param, [])
    plan = _plan(table, raw)
    restriction = _read_restriction(who, table, "delete")
    with store.db.transaction():
        _, rows = store.find(
            table, plan, restriction, count=False, default_limit=None, action="delete"
        )
        for row in rows:
            store.delete(table, row)
    body = {"total": len(rows), "rows": row_models(table, rows[:MAX_BATCH])}
    return Outcome(
        json_response(body), [("delete", True, rows)], _by_queries(who, table, raw, "delete", rows)
    )


def _delete_row(request, who: Caller, table: TableMeta, args: p.Params, store) -> Outcome:
    row = _load_row(request, table)
    if not _may(who, table, "delete", row):
        raise AppwriteError("user_unauthorized")
    store.delete(table, row)
    return Outcome(no_content(), [("delete", False, [row])], [_op(table, "delete", row["$id"])])


def _increase(sign: int, bound_name: str):
    def logic(request, who: Caller, table: TableMeta, args: p.Params, store) -> Outcome:
        row_id = p.path_id(request, "rowId")
        key = request.path_params["column"]
        value = args.optional("value", _any_number, 1)
        if value <= 0:
            raise AppwriteError(
                "general_argument_invalid", "Value must be numeric and greater than 0"
            )
        bound = args.optional(bound_name, _any_number)
        row = store.get(table, row_id)
        spec = table.column(key)
        if row is None or spec is None:
            raise AppwriteError(
                "column_not_found", "Column with the requested key '%s' could not be found."
            )
        if spec["type"] not in col.NUMERIC_TYPES or spec.get("array"):
            raise AppwriteError("attribute_type_invalid", f'tablesDB "{key}" is not a number')
        if (
            spec["type"] in col.INTEGER_TYPES
            and isinstance(value, float)
            and not value.is_integer()
        ):
            raise AppwriteError(
                "general_argument_invalid", "Invalid `value` param: Value must be a valid integer"
            )
        if not _may(who, table, "update", row):
            raise AppwriteError("user_unauthorized")
        row = store.increase(table, row, key, sign * value, bound)
        action = "increment" if sign > 0 else "decrement"
        staged = {"column": key, "value": value, bound_name: bound}
        return Outcome(
            json_response(row_model(table, row)),
            [("update", False, [row])],
            [_op(table, action, row_id, staged)],
        )

    return _writer(logic)


def _any_number(value):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise p.Invalid("Value must be a valid float")
    return value


async def query_rows(request: Request):
    """SDK 27 `create_query`: list_rows with the queries in a JSON body."""
    return await list_rows(request)


def routes(base: str) -> list[Route]:
    rows = f"{base}/rows"
    return [
        Route(rows, list_rows, methods=["GET"]),
        Route(rows, _writer(_create_rows), methods=["POST"]),
        Route(rows, _writer(_upsert_rows), methods=["PUT"]),
        Route(rows, _writer(_update_rows), methods=["PATCH"]),
        Route(rows, _writer(_delete_rows), methods=["DELETE"]),
        Route(f"{rows}/query", query_rows, methods=["POST"]),
        Route(f"{rows}/{{rowId}}", get_row, methods=["GET"]),
        Route(f"{rows}/{{rowId}}", _writer(_upsert_row), methods=["PUT"]),
        Route(f"{rows}/{{rowId}}", _writer(_update_row), methods=["PATCH"]),
        Route(f"{rows}/{{rowId}}", _writer(_delete_row), methods=["DELETE"]),
        Route(f"{rows}/{{rowId}}/{{column}}/increment", _increase(1, "max"), methods=["PATCH"]),
        Route(f"{rows}/{{rowId}}/{{column}}/decrement", _increase(-1, "min"), methods=["PATCH"]),
    ]
