"""TablesDB transactions (`/v1/tablesdb/transactions…`) and applying staged operations.

Row writes sent with `transactionId` are checked (parameters, permissions) when staged
and applied together on commit, inside one SQLite transaction: all or nothing. Their
events fire after the commit. Reads with `transactionId` see the staged writes: the
operations are replayed in a SQLite transaction that is then rolled back.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from starlette.requests import Request
from starlette.routing import Route

from emulator.core import ids
from emulator.core.callers import require_scope
from emulator.core.errors import AppwriteError
from emulator.core.query import QueryError, parse_queries, plan_queries
from emulator.http import listing
from emulator.http import params as p
from emulator.http.responses import json_response, no_content
from emulator.services.identity.callers import caller
from emulator.services.tablesdb import transactions as tx
from emulator.services.tablesdb.backend import TablesDB, fire, queries_param, service, transactions

READ = ("rows.read", "documents.read")
WRITE = ("rows.write", "documents.write")
ACTIONS = (
    "create",
    "update",
    "upsert",
    "delete",
    "increment",
    "decrement",
    "bulkCreate",
    "bulkUpdate",
    "bulkUpsert",
    "bulkDelete",
)
# action -> (event action, legacy event label)
EVENTS = {
    "create": ("create", True),
    "update": ("update", False),
    "upsert": ("upsert", False),
    "delete": ("delete", False),
    "increment": ("update", False),
    "decrement": ("update", False),
    "bulkCreate": ("create", True),
    "bulkUpdate": ("update", True),
    "bulkUpsert": ("upsert", True),
    "bulkDelete": ("delete", True),
}


class _Rollback(Exception):
    """Ends a preview: undo the replayed operations."""


# ---------------------------------------------------------------- applying


def apply(tables: TablesDB, operation: dict) -> list[tuple[str, bool, object, dict]]:
    """Apply one staged operation; returns `(event action, legacy, table, row)` per affected row."""
    action = operation["action"]
    table = tables.registry.get_table(operation["databaseId"], operation["tableId"])
    rows, data = tables.rows, operation.get("data")
    event, legacy = EVENTS[action]
    affected: list[dict] = []
    if action in ("create", "bulkCreate", "upsert", "bulkUpsert"):
        items = (
            data if action.startswith("bulk") else [dict(data or {}, **{"$id": operation["rowId"]})]
        )
        for item in items:
            existing = rows.get(table, item["$id"])
            permissions = item.get("$permissions")
            if existing is None:
                prepared = rows.prepare(table, item, None, allow_dates=True)
                affected.append(rows.insert(table, item["$id"], prepared, permissions or []))
            elif action in ("upsert", "bulkUpsert"):
                prepared = rows.prepare(table, item, existing, allow_dates=True)
                affected.append(rows.update(table, existing, prepared, permissions))
            else:
                raise AppwriteError("row_already_exists", id=item["$id"])
    elif action in ("update", "delete", "increment", "decrement"):
        existing = rows.get(table, operation["rowId"])
        if existing is None:
            raise AppwriteError("row_not_found", id=operation["rowId"])
        if action == "update":
            prepared = rows.prepare(table, data or {}, existing, allow_dates=True)
            affected.append(
                rows.update(table, existing, prepared, (data or {}).get("$permissions"))
            )
        elif action == "delete":
            rows.delete(table, existing)
            affected.append(existing)
        else:
            sign, bound = (1, data.get("max")) if action == "increment" else (-1, data.get("min"))
            affected.append(
                rows.increase(table, existing, data["column"], sign * data.get("value", 1), bound)
            )
    else:
        try:
            plan = plan_queries(parse_queries(data.get("queries", [])), table.schema())
        except QueryError as exc:
            raise AppwriteError("general_query_invalid", exc.message) from None
        _, matched = rows.find(table, plan, None, count=False, default_limit=None)
        for existing in matched:
            if action == "bulkDelete":
                rows.delete(table, existing)
                affected.append(existing)
            else:
                changes = data.get("data", {})
                prepared = rows.prepare(table, changes, existing, allow_dates=True)
                affected.append(rows.update(table, existing, prepared, changes.get("$permissions")))
    return [(event, legacy, table, row) for row in affected]


@contextlib.contextmanager
def preview(request: Request, transaction_id: str) -> Iterator[None]:
    """Run the block as if the transaction's staged operations were applied, then undo them."""
    tables = service(request)
    operations = transactions(request).operations(transaction_id)
    try:
        with tables.registry.db.transaction():
            for operation in operations:
                apply(tables, operation)
            yield
            raise _Rollback
    except _Rollback:
        pass


def stage(request: Request, transaction_id: str, operations: list[dict]) -> dict:
    return transactions(request).add(transaction_id, operations)


# ---------------------------------------------------------------- routes


def _transaction_id(request: Request) -> str:
    return p.path_id(request, "transactionId")


async def list_transactions(request: Request):
    require_scope(caller(request), *READ)
    args = await p.params_of(request)
    query = listing.parse(args.optional("queries", queries_param), ("status", "expiresAt"))
    total, page = listing.apply(
        transactions(request).list(),
        query,
        cursor_label="Transaction",
        count_total=args.optional("total", p.boolean, True),
    )
    for item in page:
        item.pop("$sequence", None)
    return json_response({"total": total, "transactions": page})


async def create_transaction(request: Request):
    require_scope(caller(request), *WRITE)
    args = await p.params_of(request)
    ttl = args.optional("ttl", p.integer_range(tx.TTL_MIN, tx.TTL_MAX), tx.TTL_DEFAULT)
    return json_response(transactions(request).create(ids.unique_id(), ttl), 201)


async def get_transaction(request: Request):
    require_scope(caller(request), *READ)
    return json_response(transactions(request).get(_transaction_id(request)))


async def update_transaction(request: Request):
    who = caller(request)
    require_scope(who, *WRITE)
    tables, staged = service(request), transactions(request)
    transaction_id = _transaction_id(request)
    args = await p.params_of(request)
    commit = args.optional("commit", p.boolean, False)
    rollback = args.optional("rollback", p.boolean, False)
    if commit and rollback:
        raise AppwriteError(
            "general_argument_invalid", "Cannot commit and rollback at the same time"
        )
    if not commit and not rollback:
        raise AppwriteError("general_argument_invalid", "Either commit or rollback must be true")
    staged.usable(transaction_id)
    if rollback:
        return json_response(staged.set_status(transaction_id, "failed"))
    applied: list = []
    try:
        with tables.registry.db.transaction():
            for operation in staged.operations(transaction_id):
                applied += apply(tables, operation)
    except AppwriteError:
        staged.set_status(transaction_id, "failed")
        raise
    for event, legacy, table, row in applied:
        fire(request, event, table, [row], legacy=legacy)
    return json_response(staged.set_status(transaction_id, "committed"))


async def delete_transaction(request: Request):
    require_scope(caller(request), *WRITE)
    transactions(request).delete(_transaction_id(request))
    return no_content()


def _operation(value):
    if not isinstance(value, dict):
        raise p.Invalid("Each operation must be an object")
    action = value.get("action")
    if action not in ACTIONS:
        raise p.Invalid(f"Invalid action. Must be one of: {', '.join(ACTIONS)}")
    for name in ("databaseId", "tableId"):
        p.uid(value.get(name))
    if action in ("create", "update", "upsert", "delete", "increment", "decrement"):
        value = dict(
            value,
            rowId=p.custom_id(value.get("rowId"))
            if action in ("create", "upsert")
            else p.uid(value.get("rowId")),
        )
    data = value.get("data")
    if action in ("bulkCreate", "bulkUpsert"):
        if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
            raise p.Invalid(f"{action} needs data: a list of rows")
        value["data"] = [
            dict(item, **{"$id": p.custom_id(item.get("$id", "unique()"))}) for item in data
        ]
    elif action in ("bulkUpdate", "bulkDelete"):
        if not isinstance(data, dict) or not isinstance(data.get("queries", []), list):
            raise p.Invalid(f"{action} needs data.queries")
        if action == "bulkUpdate" and not isinstance(data.get("data"), dict):
            raise p.Invalid("bulkUpdate needs data.data")
    elif data is not None and not isinstance(data, dict):
        raise p.Invalid("data must be an object")
    return value


async def create_operations(request: Request):
    """Stage raw operations (API keys: applied without permission checks, as keys bypass them)."""
    who = caller(request)
    require_scope(who, *WRITE)
    args = await p.params_of(request)
    operations = args.optional("operations", p.array_of(_operation, tx.MAX_OPERATIONS), [])
    if not who.is_privileged and operations:
        raise AppwriteError("user_unauthorized")
    for operation in operations:
        service(request).registry.get_table(operation["databaseId"], operation["tableId"])
    return json_response(stage(request, _transaction_id(request), operations), 201)


def routes() -> list[Route]:
    base = "/tablesdb/transactions"
    return [
        Route(base, list_transactions, methods=["GET"]),
        Route(base, create_transaction, methods=["POST"]),
        Route(f"{base}/{{transactionId}}", get_transaction, methods=["GET"]),
        Route(f"{base}/{{transactionId}}", update_transaction, methods=["PATCH"]),
        Route(f"{base}/{{transactionId}}", delete_transaction, methods=["DELETE"]),
        Route(f"{base}/{{transactionId}}/operations", create_operations, methods=["POST"]),
    ]
