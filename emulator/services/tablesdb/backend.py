"""What every TablesDB route shares: the backend (registry, rows, transactions), loading the
path's table, and announcing row writes."""

from __future__ import annotations

from starlette.requests import Request

from emulator.core.errors import AppwriteError
from emulator.core.query import QUERIES_PARAM_TEXT, valid_queries_param
from emulator.core.sqlite import Database
from emulator.core.state import WriteEvent
from emulator.http import params as p
from emulator.http.request import state_of
from emulator.services.identity.callers import caller
from emulator.services.tablesdb.registry import Registry, TableMeta
from emulator.services.tablesdb.rows import Rows, row_model
from emulator.services.tablesdb.transactions import Transactions
from emulator.triggers import events


class TablesDB:
    """The registry, row store and transactions of one emulator's database file."""

    def __init__(self, db: Database):
        self.registry = Registry(db)
        self.rows = Rows(db)
        self.transactions = Transactions(db)


def service(request: Request) -> TablesDB:
    """The backend the app was built with (`emulator.app.create_app` sets `app.state.tablesdb`)."""
    return request.app.state.tablesdb


def transactions(request: Request) -> Transactions:
    """The transactions the caller may use: all for keys, their own for users (and guests)."""
    who = caller(request)
    owner = None if who.is_privileged else (who.user_id or "guests")
    return service(request).transactions.for_caller(owner)


def load_table(request: Request) -> TableMeta:
    """The path's table; disabled databases/tables are not found for non-key callers."""
    registry = service(request).registry
    database_id = p.path_id(request, "databaseId")
    table_id = p.path_id(request, "tableId")
    if caller(request).is_privileged:  # get_table answers database_not_found first itself
        return registry.get_table(database_id, table_id)
    database = registry.get_database(database_id)
    table = registry.get_table(database_id, table_id)
    if not database["enabled"]:
        raise AppwriteError("database_not_found", id=database_id)
    if not table.enabled:
        raise AppwriteError("table_not_found", id=table_id)
    return table


def queries_param(value):
    """The `queries` parameter: ≤100 strings of ≤4096 chars (utopia ArrayList(Text))."""
    if not valid_queries_param(value):
        raise p.Invalid(QUERIES_PARAM_TEXT)
    return value


def fire(
    request: Request, action: str, table: TableMeta, rows: list[dict], *, legacy: bool
) -> None:
    """Publish a write's event per row (after it is committed), as Appwrite's routes do.

    Creates and every bulk operation use the legacy collections/documents label; single
    update/upsert/delete and increments use tables/rows.
    """
    state = state_of(request)
    if not state.listeners:  # nobody listens (an API-only server): no event to build
        return
    who = caller(request)
    for row in rows:
        pattern, params = events.row_event(
            action, table.database_id, table.id, row["$id"], legacy=legacy
        )
        state.publish(WriteEvent(pattern, params, row_model(table, row), who))
