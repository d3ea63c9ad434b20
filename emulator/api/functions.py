"""Function executions over the REST API (`/v1/functions/{functionId}/executions…`),
as Appwrite answers them (reference appwrite-rest-api.md §2.6, appwrite-runtime.md §6).

Sync executions answer 201 with the finished execution (30 s cap → 408), async ones 202
`waiting`. Session/JWT callers need the function's `execute` roles; keys bypass them.
`logs` and `errors` are only shown to key callers.
"""

from __future__ import annotations

import datetime as dt
import re

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.routing import Route

from emulator.api import listing
from emulator.api import params as p
from emulator.api.auth import Caller, caller, require_scope, state_of
from emulator.api.errors import AppwriteError
from emulator.api.responses import json_response, no_content
from emulator.functions import Invocation, store
from emulator.state import EmulatorState

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD")
LIST_ATTRIBUTES = (
    "trigger",
    "status",
    "responseStatusCode",
    "duration",
    "requestMethod",
    "requestPath",
    "deploymentId",
)
_HEADER_KEY = re.compile(r"^[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*$")


def routes(state: EmulatorState) -> list[Route]:
    return [
        Route("/functions/{functionId}/executions", create_execution, methods=["POST"]),
        Route("/functions/{functionId}/executions", list_executions, methods=["GET"]),
        Route("/functions/{functionId}/executions/{executionId}", get_execution, methods=["GET"]),
        Route(
            "/functions/{functionId}/executions/{executionId}", delete_execution, methods=["DELETE"]
        ),
        Route("/emulator/schedules/tick", tick, methods=["POST"]),
    ]


def _service(request: Request):
    service = state_of(request).extensions.get("functions")
    if service is None:
        raise AppwriteError("function_not_found")
    return service


def _visible_spec(request: Request, who: Caller):
    service = _service(request)
    spec = service.spec(p.path_id(request, "functionId"))
    if not spec.enabled and who.kind != "key":
        raise AppwriteError("function_not_found")
    return service, spec


def _method(value) -> str:
    if value not in METHODS:
        raise p.Invalid(f"Value must be one of ({', '.join(METHODS)})")
    return value


def _headers(value) -> dict[str, str]:
    """Appwrite's Headers validator: ≤100 keys, < 16 KiB, no `x-appwrite-` keys."""
    description = (
        "Invalid headers: Key must be alphanumeric with hyphens, not start with x-appwrite-, values "
        "must be strings, at most 100 headers and less than 16384 bytes in total."
    )
    if not isinstance(value, dict) or len(value) > 100:
        raise p.Invalid(description)
    size = 0
    for key, item in value.items():
        if not isinstance(key, str) or not _HEADER_KEY.match(key) or key.startswith("x-appwrite-"):
            raise p.Invalid(description)
        if not isinstance(item, (str, int, float, bool)):
            raise p.Invalid(description)
        size += len(key) + len(str(item))
    if size >= 16384:
        raise p.Invalid(description)
    return {k: str(v) for k, v in value.items()}


def _future_minute(value):
    """`scheduledAt`: an ISO 8601 date at least a minute ahead (Appwrite's rule)."""
    from emulator import clock

    description = (
        "Value must be valid date in the future, at least one minute from now, in ISO 8601 format."
    )
    try:
        moment = clock.parse_iso(value) if isinstance(value, str) else None
    except ValueError:
        moment = None
    if moment is None or moment < clock.now() + dt.timedelta(minutes=1):
        raise p.Invalid(description)
    return moment


async def create_execution(request: Request):
    who = caller(request)
    require_scope(who, "executions.write", "execution.write")
    service, spec = _visible_spec(request, who)
    args = await p.params_of(request)
    body = args.optional("body", p.text(10_485_760), "")
    asynchronous = args.optional("async", p.boolean, False)
    path = args.optional("path", p.text(2048), "/") or "/"
    method = args.optional("method", _method, "POST")
    headers = args.optional("headers", _headers, {})
    scheduled_at = args.optional("scheduledAt", _future_minute, None)
    if scheduled_at is not None and not asynchronous:
        raise AppwriteError(
            "general_bad_request",
            "Scheduled executions must run asynchronously. Set scheduledAt "
            "to a future date, or set async to true.",
        )
    if who.kind != "key" and not set(who.roles) & set(spec.execute):
        raise AppwriteError("user_unauthorized")
    if body == "0":
        body = ""  # Appwrite's executor drops a body of "0"
    invocation = Invocation(
        spec.id,
        "http",
        method=method,
        path=path if path.startswith("/") else "/" + path,
        headers=headers,
        body=body,
        caller=who,
        asynchronous=asynchronous,
        client_ip=request.client.host if request.client else "",
        scheduled_at=scheduled_at,
    )
    execution = await run_in_threadpool(service.execute, invocation)
    return json_response(
        store.public(execution, with_logs=who.kind == "key"), 202 if asynchronous else 201
    )


async def list_executions(request: Request):
    who = caller(request)
    require_scope(who, "executions.read", "execution.read")
    service, spec = _visible_spec(request, who)
    args = await p.params_of(request)
    query = listing.parse(args.optional("queries", lambda v: v, []), LIST_ATTRIBUTES)
    count_total = args.optional("total", p.boolean, True)
    documents = [e for e in store.all_for(service.state.db, spec.id) if _readable(who, e)]
    for sequence, document in enumerate(documents, 1):
        document["$sequence"] = str(sequence)
    total, page = listing.apply(documents, query, cursor_label="Execution", count_total=count_total)
    executions = [
        store.public({k: v for k, v in e.items() if k != "$sequence"}, with_logs=who.kind == "key")
        for e in page
    ]
    return json_response({"total": total, "executions": executions})


def _readable(who: Caller, execution: dict) -> bool:
    if who.kind == "key":
        return True
    return bool(
        set(f'read("{role}")' for role in who.roles) & set(execution.get("$permissions", []))
    )


def _execution(request: Request, who: Caller):
    service, spec = _visible_spec(request, who)
    execution = store.get(service.state.db, p.path_id(request, "executionId"))
    if execution is None or execution["functionId"] != spec.id or not _readable(who, execution):
        raise AppwriteError("execution_not_found")
    return service, execution


async def get_execution(request: Request):
    who = caller(request)
    require_scope(who, "executions.read", "execution.read")
    _, execution = _execution(request, who)
    return json_response(store.public(execution, with_logs=who.kind == "key"))


async def delete_execution(request: Request):
    who = caller(request)
    require_scope(who, "executions.write", "execution.write")
    service, execution = _execution(request, who)
    if execution["status"] in ("waiting", "processing"):
        raise AppwriteError(
            "execution_in_progress",
            "Can't delete ongoing execution. Please wait for execution to "
            "finish before deleting it.",
            code=400,
        )
    store.delete(service.state.db, execution["$id"])
    return no_content()


async def tick(request: Request):
    """Emulator-only (no such route on Appwrite): run the schedules due at `at`, as the
    controllable cron clock; the admin API key only. Answers the executions it ran."""
    who = caller(request)
    if who.kind != "key" or who.scopes is not None:
        raise AppwriteError(
            "general_unauthorized_scope", "The emulator's tick needs the admin API key."
        )
    service = _service(request)
    args = await p.params_of(request)
    raw = args.required("at", p.text(64, 1))
    from emulator.clock import parse_iso

    try:
        at = parse_iso(raw)
    except ValueError:
        raise AppwriteError(
            "general_argument_invalid", f"Invalid `at` param: {raw!r} is not an ISO 8601 date."
        )
    executions = await run_in_threadpool(service.tick, at)
    return json_response(
        {
            "total": len(executions),
            "executions": [store.public(e, with_logs=True) for e in executions],
        }
    )
