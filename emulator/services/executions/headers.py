"""The request headers Appwrite's executor adds for each trigger (reference
appwrite-runtime.md §3.1), over the caller's own, with the execution's credentials: a
dynamic key carrying the function's scopes (and its clock's moment), and for a user's
REST execution a JWT of that user.
"""

from __future__ import annotations

from emulator.core import keys
from emulator.core.callers import CallerKind
from emulator.core.state import EmulatorState
from emulator.manifest import FunctionSpec
from emulator.runtime.environment import APPWRITE_VERSION

from .model import Invocation, Trigger

# No geo database locally: Appwrite's values for an unknown IP.
GEO_HEADERS = {
    "x-appwrite-country-code": "",
    "x-appwrite-continent-code": "",
    "x-appwrite-continent-eu": "false",
}
RESERVED_PREFIX = "x-open-runtimes-"
CREDENTIAL_GRACE = 60  # seconds a key or JWT outlives the function's timeout


def request_headers(
    state: EmulatorState, spec: FunctionSpec, execution_id: str, inv: Invocation
) -> dict[str, str]:
    # The caller's headers, minus the runtime protocol's own: only the executor may speak
    # to a worker in `x-open-runtimes-*` (its secret, timeout, logging, the emulator's clock).
    headers = {
        k.lower(): v for k, v in inv.headers.items() if not k.lower().startswith(RESERVED_PREFIX)
    }
    ttl = spec.timeout + CREDENTIAL_GRACE
    key = keys.mint_dynamic_key(
        state.project_id, state.secret, list(spec.scopes), ttl, execution_id, now=inv.at
    )
    user_id, jwt = "", ""
    caller = inv.caller
    if (
        inv.trigger == Trigger.HTTP
        and not inv.via_domain
        and caller is not None
        and caller.kind == CallerKind.USER
    ):
        user_id = caller.user_id
        session_id = (caller.session or {}).get("$id", "")
        jwt = keys.mint_user_jwt(state.secret, user_id, session_id, ttl)
    if inv.trigger == Trigger.EVENT:
        user_id = inv.event_user_id
    headers.update(
        {
            "x-appwrite-trigger": str(inv.trigger),
            "x-appwrite-execution-id": execution_id,
            "x-appwrite-key": key,
            "x-appwrite-user-id": user_id,
            "x-appwrite-user-jwt": jwt,
        }
    )
    if inv.trigger == Trigger.EVENT:
        headers["x-appwrite-event"] = inv.event or ""
        headers["content-type"] = "application/json"
        headers["user-agent"] = f"Appwrite/{APPWRITE_VERSION}"
    elif inv.trigger == Trigger.SCHEDULE or inv.asynchronous:
        headers["x-appwrite-event"] = ""
    if inv.trigger == Trigger.HTTP:
        headers["x-appwrite-client-ip"] = inv.client_ip
        # curl's default content-type for a body is the executor's (runtime.curl_headers).
    headers.update(GEO_HEADERS)
    return headers
