"""Each function's own URL: the raw request goes in, the raw response comes out
(reference appwrite-runtime.md §3.1 "domain", §6).

Locally every function listens on its own loopback port, so it sees the whole path
space as it does on its Appwrite domain. Every function has one, as on Appwrite; one whose
`execute` allows neither `any` nor `guests` answers 401 `function_execute_permission_missing`
(Appwrite's HTML error page). The caller's headers are forwarded, `x-appwrite-user-id`/`-jwt`
are always empty (identity comes from `Authorization: Bearer <jwt>`, verified by the function).
An empty body with a status ≥ 400 is replaced by an HTML error page, as Appwrite does.
A request larger than Appwrite's 12 MiB cap is answered 413 in Appwrite's JSON error shape
without reaching the function, read in bounded pieces (`emulator.http.limits`).
"""

from __future__ import annotations

import html
import json

from starlette.concurrency import run_in_threadpool

from emulator.core.errors import ERROR_HEADERS, AppwriteError
from emulator.http import limits

from .model import Invocation, Trigger
from .runner import Runner

ERROR_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{code} {title}</title></head>
<body><h1>{code} {title}</h1><p>The function answered {code} with an empty body.</p>
<p><small>Execution {execution}</small></p></body></html>
"""


# Appwrite's router renders its own errors (not a function's) as an HTML page
# (app/views/general/error.phtml) with a label per type; the message and type are in it.
ROUTER_ERROR_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="UTF-8"><title>Error</title></head>
<body><h1>{label}</h1><p>{message}</p><p><small>{type} ({code})</small></p></body></html>
"""
ROUTER_LABELS = {"function_execute_permission_missing": "Execution not permitted"}


def _error_answer(error: AppwriteError) -> tuple[int, dict[str, str], bytes]:
    """The emulator's 413 keeps Appwrite's JSON error shape (Swoole's bare 413 has no body,
    docs/emulator.md); the router's errors are its HTML page."""
    if error.code == 413:
        return 413, {"content-type": "application/json"}, json.dumps(error.body()).encode()
    body = error.body()
    text = {  # element content only: quotes need no escaping
        "label": ROUTER_LABELS.get(body["type"], f"Error {error.code}"),
        "message": body["message"],
        "type": body["type"],
    }
    page = ROUTER_ERROR_PAGE.format(
        code=error.code, **{name: html.escape(value, quote=False) for name, value in text.items()}
    )
    return error.code, {"content-type": "text/html; charset=utf-8", **ERROR_HEADERS}, page.encode()


class FunctionURLs:
    """One ASGI app serving every function; the local port picks the function."""

    def __init__(self, runner: Runner, ports: dict[int, str]):
        self.runner = runner
        self.ports = ports  # local port → function id

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return
        function_id = self.ports.get(scope["server"][1])
        try:
            body = await limits.read_body(scope, receive)  # Appwrite's 12 MiB cap → 413
            status, headers, payload = await self._execute(function_id, scope, body)
        except AppwriteError as error:
            status, headers, payload = _error_answer(error)
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()],
            }
        )
        await send({"type": "http.response.body", "body": payload})

    async def _execute(self, function_id, scope, body):
        spec = self.runner.spec(function_id)
        if not spec.enabled:
            raise AppwriteError("function_not_found")
        if not {"any", "guests"} & set(spec.execute):
            raise AppwriteError("function_execute_permission_missing")
        headers: dict[str, str] = {}
        for key, value in scope["headers"]:
            headers.setdefault(key.decode("latin-1").lower(), value.decode("latin-1"))
        for key in [k for k in headers if k.startswith("x-appwrite-")]:
            del headers[key]  # callers cannot forge Appwrite's own headers
        path = scope.get("raw_path", scope["path"].encode()).decode("latin-1")
        if scope.get("query_string"):
            path += "?" + scope["query_string"].decode("latin-1")
        client = scope.get("client") or ("", 0)
        invocation = Invocation(
            function_id,
            Trigger.HTTP,
            method=scope["method"],
            path=path,
            headers=headers,
            body=body,
            via_domain=True,
            client_ip=client[0],
        )
        execution = await run_in_threadpool(self.runner.execute, invocation)
        response = execution.response
        out = {
            k: v
            for k, v in response.headers.items()
            if k not in ("content-length", "server", "date")
        }
        out["x-appwrite-execution-id"] = execution.id
        payload = response.body
        if response.status >= 400 and not payload:
            payload = ERROR_PAGE.format(
                code=response.status, title="Error", execution=execution.id
            ).encode()
            out["content-type"] = "text/html; charset=utf-8"
        return response.status, out, payload
