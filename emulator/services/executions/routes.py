"""Function executions over the REST API (`/v1/functions/{functionId}/executions…`),
as Appwrite answers them (reference appwrite-rest-api.md §2.6, appwrite-runtime.md §6).

Sync executions answer 201 with the finished execution (30 s cap → 408), async ones 202
`waiting`. Session/JWT callers need the function's `execute` roles; keys bypass them.
`logs` and `errors` are only shown to key callers.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import TYPE_CHECKING

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.routing import Route

from emulator.core import clock
from emulator.core.callers import Caller, require_scope
from emulator.core.errors import AppwriteError
from emulator.http import listing
from emulator.http import params as p
from emulator.http.responses import json_response, no_content
from emulator.services.identity.callers import caller

from .model import Execution, Invocation, Status, Trigger

if TYPE_CHECKING:
    from .service import ExecutionsService

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
# What fits, JSON-encoded, in Appwrite's 65,535-character `schedules.data` column once
# encrypted (base64: 4/3, plus escaped slashes and the envelope).
SCHEDULED_REQUEST_LIMIT = 48_000
_HEADER_KEY = re.compile(r"^[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*$")


def routes() -> list[Route]:
    return [
        Route("/functions/{functionId}/executions", create_execution, methods=["POST"]),
        Route("/functions/{functionId}/executions", list_executions, methods=["GET"]),
        Route("/functions/{functionId}/executions/{executionId}", get_execution, methods=["GET"]),
        Route(
            "/functions/{functionId}/executions/{executionId}", delete_execution, methods=["DELETE"]
        ),
        Route("/emulator/schedules/tick", tick, methods=["POST"]),
    ]


def _service(request: Request) -> ExecutionsService:
    """The executions service (`emulator.stack` attaches it; an API-only server has none)."""
    service = request.app.state.executions
    if service is None:
        raise AppwriteError("function_not_found")
    return service


def _visible_spec(request: Request, who: Caller):
    service = _service(request)
    spec = service.runner.spec(p.path_id(request, "functionId"))
    if not spec.enabled and not who.is_privileged:
        raise AppwriteError("function_not_found")
    return service, spec


def _method(value) -> str:
    if value not in METHODS:
        raise p.Invalid(f"Value must be one of ({', '.join(METHODS)})")
    return value


def _headers(value) -> dict[str, str]:
    """Appwrite's Headers validator: ≤100 keys, < 16 KiB, no `x-appwrite-` keys."""
    description = (
        "Invalid headers: Key must be alphanumeric with hyphens, not start with x-appwrite-, "
        "values must be strings, at most 100 headers and less than 16384 bytes in total."
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


def _check_schedule_size(function_id, user_id, method, path, headers, body) -> None:
    """Appwrite keeps a scheduled execution's request in its `schedules` collection, JSON-
    and then AES-encoded (base64) into a 65,535-character column, and fails (500) past it:
    about 48,000 bytes of JSON. The emulator refuses that with a 400 instead."""
    data = {
        "headers": headers,
        "path": path,
        "method": method,
        "body": body,
        "userId": user_id,
        "functionId": function_id,
    }
    size = len(json.dumps(data).replace("/", "\\/"))  # PHP's json_encode escapes slashes
    if size > SCHEDULED_REQUEST_LIMIT:
        raise AppwriteError(
            "general_argument_invalid",
            f"Invalid `body` param: a scheduled execution's request (body, headers, path) takes "
            f"{size} bytes as JSON; Appwrite stores at most about {SCHEDULED_REQUEST_LIMIT} "
            "bytes for it (encrypted in a 65535-character column) and fails past that. "
            "Send a smaller body, or keep the data in a row and pass its id.",
        )


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
    if not who.is_privileged and not set(who.roles) & set(spec.execute):
        raise AppwriteError("user_unauthorized")
    if scheduled_at is not None:
        _check_schedule_size(spec.id, who.user_id, method, path, headers, body)
    if body == "0":
        body = ""  # Appwrite's executor drops a body of "0"
    invocation = Invocation(
        spec.id,
        Trigger.HTTP,
        method=method,
        path=path if path.startswith("/") else "/" + path,
        headers=headers,
        body=body,
        caller=who,
        asynchronous=asynchronous,
        client_ip=request.client.host if request.client else "",
        scheduled_at=scheduled_at,
    )
    execution = await run_in_threadpool(service.runner.execute, invocation)
    return json_response(execution.model(with_logs=who.is_privileged), 202 if asynchronous else 201)


async def list_executions(request: Request):
    who = caller(request)
    require_scope(who, "executions.read", "execution.read")
    service, spec = _visible_spec(request, who)
    args = await p.params_of(request)
    query = listing.parse(args.optional("queries", lambda v: v, []), LIST_ATTRIBUTES)
    count_total = args.optional("total", p.boolean, True)
    executions = [e for e in service.records.all_for(spec.id) if e.readable_by(who)]
    documents = []
    for sequence, execution in enumerate(executions, 1):
        documents.append(
            execution.model(with_logs=who.is_privileged) | {"$sequence": str(sequence)}
        )
    total, page = listing.apply(documents, query, cursor_label="Execution", count_total=count_total)
    models = [{k: v for k, v in e.items() if k != "$sequence"} for e in page]
    return json_response({"total": total, "executions": models})


def _execution(request: Request, who: Caller) -> tuple[ExecutionsService, Execution]:
    service, spec = _visible_spec(request, who)
    execution = service.records.get(p.path_id(request, "executionId"))
    if execution is None or execution.function_id != spec.id or not execution.readable_by(who):
        raise AppwriteError("execution_not_found")
    return service, execution


async def get_execution(request: Request):
    who = caller(request)
    require_scope(who, "executions.read", "execution.read")
    _, execution = _execution(request, who)
    return json_response(execution.model(with_logs=who.is_privileged))


async def delete_execution(request: Request):
    who = caller(request)
    require_scope(who, "executions.write", "execution.write")
    service, execution = _execution(request, who)
    if execution.status in (Status.WAITING, Status.PROCESSING):
        raise AppwriteError(
            "execution_in_progress",
            "Can't delete ongoing execution. Please wait for execution to "
            "finish before deleting it.",
            code=400,
        )
    service.records.delete(execution.id)
    return no_content()


async def tick(request: Request):
    """Emulator-only (no such route on Appwrite): run the schedules due at `at`, as the
    controllable cron clock; the admin API key only. Answers the executions it ran."""
    who = caller(request)
    if not who.is_admin_key:
        raise AppwriteError(
            "general_unauthorized_scope", "The emulator's tick needs the admin API key."
        )
    service = _service(request)
    args = await p.params_of(request)
    raw = args.required("at", p.text(64, 1))
    try:
        at = clock.parse_iso(raw)
    except ValueError:
        raise AppwriteError(
            "general_argument_invalid", f"Invalid `at` param: {raw!r} is not an ISO 8601 date."
        ) from None
    executions = await run_in_threadpool(service.schedules.tick, at)
    return json_response(
        {
            "total": len(executions),
            "executions": [e.model(with_logs=True) for e in executions],
        }
    )
