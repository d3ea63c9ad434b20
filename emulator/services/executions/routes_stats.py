"""Emulator-only (no such route on Appwrite): what an execution cost in API traffic.

    GET /v1/emulator/executions/{executionId}/stats   (the admin API key only)
    → {"executionId", "requests", "connections", "newConnections", "tlsHandshakes"}

Counted by `emulator/http/traffic.py` from the requests made with the execution's dynamic
key. These fields are deliberately not on Appwrite's execution model.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.routing import Route

from emulator.core.errors import AppwriteError
from emulator.http import params as p
from emulator.http.responses import json_response
from emulator.services.identity.callers import caller


def routes() -> list[Route]:
    return [Route("/emulator/executions/{executionId}/stats", get_stats, methods=["GET"])]


async def get_stats(request: Request):
    who = caller(request)
    if not who.is_admin_key:
        raise AppwriteError(
            "general_unauthorized_scope", "The emulator's execution stats need the admin API key."
        )
    execution_id = p.path_id(request, "executionId")
    executions = request.app.state.executions  # the service, or its records (API-only app)
    if getattr(executions, "records", executions).get(execution_id) is None:
        raise AppwriteError("execution_not_found")
    return json_response(request.app.state.traffic.stats(execution_id))
