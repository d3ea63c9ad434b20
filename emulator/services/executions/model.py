"""Executions as the emulator keeps them, and what asks for one.

`Execution` is one execution: the fields of Appwrite's Execution model (reference
appwrite-rest-api.md §2.6, §3.2), plus what the emulator records about why it ran (the
event, the execution whose write caused it, a stopped loop) and never shows in the API.
`Invocation` is one request to run a function, whatever triggered it.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
from enum import StrEnum
from typing import Any

from emulator.core.callers import USER_SCOPES, Caller, CallerKind

# Only these request/response headers are kept on a stored execution (Appwrite's allow-list).
STORED_REQUEST_HEADERS = ("content-type", "agent", "content-length", "host", "x-appwrite-client-ip")
STORED_RESPONSE_HEADERS = ("content-type", "content-length")
LOG_KEEP = 1_000_000
LOG_WARNING = "[WARNING] Logs truncated. The output exceeded 1000000 characters.\n"


class Trigger(StrEnum):
    HTTP = "http"
    EVENT = "event"
    SCHEDULE = "schedule"


class Status(StrEnum):
    SCHEDULED = "scheduled"  # a one-off execution held until its `scheduledAt`
    WAITING = "waiting"
    PROCESSING = "processing"
    COMPLETED = "completed"
    FAILED = "failed"


@dataclasses.dataclass
class Invocation:
    """One execution request, whatever triggered it."""

    function_id: str
    trigger: Trigger
    method: str = "POST"
    path: str = "/"
    headers: dict[str, str] = dataclasses.field(default_factory=dict)
    body: str | bytes = ""
    caller: Caller | None = None  # who asked (http); None for events and schedules
    asynchronous: bool = False
    via_domain: bool = False  # the function's own URL: raw request in, raw response out
    event: str | None = None
    event_user_id: str = ""
    parent_id: str | None = None  # the execution whose write caused this one
    at: dt.datetime | None = None  # run with this moment as "now" (controllable clock)
    client_ip: str = ""
    scheduled_at: dt.datetime | None = None  # a one-off execution held until then (`scheduledAt`)
    stopped: str | None = None  # why the emulator stops it before it runs (an event loop)

    def record(self) -> dict[str, Any]:
        """Everything needed to run it later, as stored with a `waiting` or `scheduled`
        execution (the queue survives a restart). Credentials are never stored: the dynamic
        key and a user's JWT are minted when it runs, from the caller's ids kept here."""
        body = self.body
        encoding = "text"
        if isinstance(body, bytes):
            try:
                body = body.decode("utf-8")
            except UnicodeDecodeError:
                body, encoding = base64.b64encode(body).decode("ascii"), "base64"
        caller = self.caller
        user = caller is not None and caller.kind == CallerKind.USER
        return {
            "trigger": str(self.trigger),
            "method": self.method,
            "path": self.path,
            "headers": dict(self.headers),
            "body": body,
            "bodyEncoding": encoding,
            "asynchronous": self.asynchronous,
            "viaDomain": self.via_domain,
            "event": self.event,
            "eventUserId": self.event_user_id,
            "parentId": self.parent_id,
            "at": self.at.isoformat() if self.at is not None else None,
            "clientIp": self.client_ip,
            "callerUserId": caller.user_id if user else "",
            "callerSessionId": (caller.session or {}).get("$id", "") if user else "",
            "stopped": self.stopped,
        }

    @classmethod
    def from_record(cls, function_id: str, doc: dict[str, Any]) -> Invocation:
        """The invocation stored by `record()` (also reads the older scheduled-only form,
        which kept method, path, headers and body)."""
        body: str | bytes = doc.get("body", "")
        if doc.get("bodyEncoding") == "base64":
            body = base64.b64decode(body)
        caller = None
        if doc.get("callerUserId"):
            caller = Caller(
                CallerKind.USER,
                roles=("users", f"user:{doc['callerUserId']}"),
                scopes=USER_SCOPES,
                user={"$id": doc["callerUserId"]},
                session={"$id": doc.get("callerSessionId", "")},
            )
        at = doc.get("at")
        return cls(
            function_id,
            Trigger(doc.get("trigger", Trigger.HTTP)),
            method=doc.get("method", "POST"),
            path=doc.get("path", "/"),
            headers=dict(doc.get("headers", {})),
            body=body,
            caller=caller,
            asynchronous=bool(doc.get("asynchronous", True)),
            via_domain=bool(doc.get("viaDomain", False)),
            event=doc.get("event"),
            event_user_id=doc.get("eventUserId", ""),
            parent_id=doc.get("parentId"),
            at=dt.datetime.fromisoformat(at) if at else None,
            client_ip=doc.get("clientIp", ""),
            stopped=doc.get("stopped"),
        )


@dataclasses.dataclass
class Response:
    """What the function answered, as its caller receives it (kept in memory only)."""

    status: int
    headers: dict[str, str]
    body: bytes


@dataclasses.dataclass
class Execution:
    id: str
    function_id: str
    trigger: Trigger
    status: Status
    created_at: str
    updated_at: str
    permissions: list[str]
    request_method: str = "POST"
    request_path: str = "/"
    request_headers: list[dict[str, str]] = dataclasses.field(default_factory=list)
    response_status_code: int = 0
    response_body: str = ""
    response_headers: list[dict[str, str]] = dataclasses.field(default_factory=list)
    logs: str = ""
    errors: str = ""
    duration: float = 0.0
    scheduled_at: str | None = None
    # The emulator's own record of why it ran; never part of the API model.
    event: str | None = None
    parent_id: str | None = None
    loop: bool = False  # stopped as an event loop
    sync_timed_out: bool = False  # its synchronous caller gave up (408)
    # What it needs to run (`Invocation.record()`), kept while it is `scheduled` or `waiting`
    # so the queue survives a restart; dropped once it starts.
    held: dict[str, Any] | None = None
    response: Response | None = dataclasses.field(default=None, compare=False)

    def model(self, *, with_logs: bool) -> dict[str, Any]:
        """The Execution model as the API returns it; `logs`/`errors` only for key callers."""
        model = {
            "$id": self.id,
            "$createdAt": self.created_at,
            "$updatedAt": self.updated_at,
            "$permissions": list(self.permissions),
            "functionId": self.function_id,
            "resourceId": self.function_id,
            "resourceType": "functions",
            "deploymentId": "local",
            "trigger": str(self.trigger),
            "status": str(self.status),
            "requestMethod": self.request_method,
            "requestPath": self.request_path,
            "requestHeaders": self.request_headers,
            "responseStatusCode": self.response_status_code,
            "responseBody": self.response_body,
            "responseHeaders": self.response_headers,
            "logs": self.logs if with_logs else "",
            "errors": self.errors if with_logs else "",
            "duration": self.duration,
        }
        if self.scheduled_at is not None:
            model["scheduledAt"] = self.scheduled_at
        return model

    def record(self) -> dict[str, Any]:
        """What the store keeps: the model, and the private fields under `_` keys."""
        return self.model(with_logs=True) | {
            "_event": self.event,
            "_parentId": self.parent_id,
            "_loop": self.loop,
            "_syncTimedOut": self.sync_timed_out,
            "_invocation": self.held,
        }

    @classmethod
    def from_record(cls, doc: dict[str, Any]) -> Execution:
        return cls(
            id=doc["$id"],
            function_id=doc["functionId"],
            trigger=Trigger(doc["trigger"]),
            status=Status(doc["status"]),
            created_at=doc["$createdAt"],
            updated_at=doc["$updatedAt"],
            permissions=list(doc.get("$permissions", [])),
            request_method=doc.get("requestMethod", "POST"),
            request_path=doc.get("requestPath", "/"),
            request_headers=doc.get("requestHeaders", []),
            response_status_code=doc.get("responseStatusCode", 0),
            response_body=doc.get("responseBody", ""),
            response_headers=doc.get("responseHeaders", []),
            logs=doc.get("logs", ""),
            errors=doc.get("errors", ""),
            duration=doc.get("duration", 0.0),
            scheduled_at=doc.get("scheduledAt"),
            event=doc.get("_event"),
            parent_id=doc.get("_parentId"),
            loop=bool(doc.get("_loop")),
            sync_timed_out=bool(doc.get("_syncTimedOut")),
            held=doc.get("_invocation"),
        )

    def readable_by(self, caller: Caller) -> bool:
        """Keys read every execution; users the ones they started (`read("user:ID")`)."""
        if caller.is_privileged:
            return True
        return bool({f'read("{role}")' for role in caller.roles} & set(self.permissions))


def keep_last(text: str) -> str:
    """Appwrite keeps the last 1,000,000 characters of logs and of errors."""
    if len(text) <= LOG_KEEP:
        return text
    return LOG_WARNING + text[-LOG_KEEP:]


def header_list(headers: dict[str, str], allowed: tuple[str, ...]) -> list[dict[str, str]]:
    return [{"name": k, "value": v} for k, v in headers.items() if k.lower() in allowed]
