"""The emulator's ASGI app: every service's routes under `/v1`, errors mapped in one place.

This is where the services meet (and the only module that imports them all): a new
Appwrite service is a package under `emulator/services/` with a `routes()` function, added
to `create_app` below with the backend its routes read from `request.app.state`.

A service route reads like this (see `services/identity/routes_users.py`):

    async def get_thing(request):
        who = caller(request)                        # key / user / guest, resolved once
        require_scope(who, "rows.read", "documents.read")   # any one of them
        args = await params.params_of(request)       # query string (GET) or JSON body
        limit = args.optional("total", params.boolean, True)
        thing_id = params.path_id(request, "thingId")
        raise AppwriteError("row_not_found", id=thing_id)   # → Appwrite's JSON error
        return responses.json_response(body, 201)    # or responses.no_content()

`state_of(request)` is the `EmulatorState`; `who.roles` / `who.is_privileged` drive
permissions, `who.user_id` is "" for keys.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Mount

from emulator.core.state import EmulatorState
from emulator.http.boundary import EXCEPTION_HANDLERS, ErrorBoundary, ProjectGuard
from emulator.http.clock import ExecutionClock
from emulator.http.gate import AfterResponse
from emulator.http.limits import BodyLimit
from emulator.http.routing import IndexedRouter
from emulator.http.traffic import Traffic, TrafficCounter
from emulator.services.executions import routes as executions
from emulator.services.executions import routes_stats as execution_stats
from emulator.services.identity import routes as identity
from emulator.services.identity import store as identity_store
from emulator.services.storage import routes as storage
from emulator.services.storage.backend import Storage
from emulator.services.tablesdb import routes as tablesdb
from emulator.services.tablesdb.backend import TablesDB


def create_app(state: EmulatorState) -> Starlette:
    """The API of one emulator. `emulator.stack` attaches the executions service
    (`app.state.executions`); without one (an API-only server) the executions routes answer
    function_not_found."""
    identity_store.init_schema(state.db)
    routes = identity.routes() + tablesdb.routes() + executions.routes() + storage.routes()
    routes += execution_stats.routes()
    traffic = Traffic()
    app = Starlette(
        routes=[Mount("/v1", app=IndexedRouter(routes)), *identity.page_routes()],
        middleware=[
            Middleware(AfterResponse),  # events' executions start once the write has answered
            Middleware(ErrorBoundary),
            Middleware(TrafficCounter, traffic=traffic, secret=state.secret),
            Middleware(BodyLimit),  # Appwrite's 12 MiB request cap → 413
            Middleware(ProjectGuard, project_id=state.project_id),
            Middleware(ExecutionClock, secret=state.secret),
        ],
        exception_handlers=EXCEPTION_HANDLERS,
    )
    app.state.emulator = state
    app.state.tablesdb = TablesDB(state.db)
    app.state.storage = Storage(state)
    app.state.executions = None  # the ExecutionsService, attached by emulator.stack
    app.state.traffic = traffic  # emulator-only counters (http/traffic.py)
    return app
