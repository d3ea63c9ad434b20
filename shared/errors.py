"""The one error hierarchy of the functions, and its mapping to HTTP.

Handlers raise an `HTTPError` subclass; `App` turns any exception into a JSON
response with `to_http` + `expose` — the only place where errors become status codes:

    {"error": {"code": "<snake_code>", "message": "...", "details": [...]}}

`from_appwrite` maps an `appwrite.exception.AppwriteException` raised by the SDK
to the error the caller should see.
"""

from __future__ import annotations

import sys
from typing import Any

GENERIC_500 = "An unexpected error occurred."
ECHO_LIMIT = 80


def echo(value: object, limit: int = ECHO_LIMIT) -> str:
    """A caller's value quoted for a message: `repr`, cut to `limit` characters with `…`, so
    a 100 KB path or id never makes a 100 KB error (control characters come out escaped)."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


class HTTPError(Exception):
    """Base of every error a function answers with. `status` and `code` per subclass."""

    status = 500
    code = "internal_error"
    message = GENERIC_500

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        details: list[Any] | None = None,
        headers: dict[str, str] | None = None,
    ):
        if message is not None:
            self.message = message
        if code is not None:
            self.code = code
        self.details = list(details or [])
        self.headers = dict(headers or {})
        super().__init__(self.message)

    def body(self) -> dict:
        return {"error": {"code": self.code, "message": self.message, "details": self.details}}


class BadRequest(HTTPError):
    status, code, message = 400, "bad_request", "The request is invalid."


class Unauthorized(HTTPError):
    status, code, message = 401, "unauthorized", "Authentication is required."


class Forbidden(HTTPError):
    status, code, message = 403, "forbidden", "You are not allowed to do this."


class NotFound(HTTPError):
    status, code, message = 404, "not_found", "Not found."


class MethodNotAllowed(HTTPError):
    status, code, message = 405, "method_not_allowed", "Method not allowed."

    def __init__(self, allowed: list[str], message: str | None = None, **kwargs: Any):
        self.allowed = sorted(set(allowed))
        headers = {"allow": ", ".join(self.allowed), **kwargs.pop("headers", {})}
        super().__init__(message, headers=headers, **kwargs)


class Conflict(HTTPError):
    status, code, message = 409, "conflict", "The request conflicts with the current state."


class PayloadTooLarge(HTTPError):
    status, code, message = 413, "payload_too_large", "The request body is too large."


class UnsupportedMediaType(HTTPError):
    status, code = 415, "unsupported_media_type"
    message = "The request body's format is not supported."


class TooManyRequests(HTTPError):
    status, code, message = 429, "too_many_requests", "Too many requests. Try again later."


class InternalError(HTTPError):
    """A fault on our side; the message is always generic."""


class ConfigurationError(InternalError):
    """The function is deployed or configured wrongly (missing env var, header or scope)."""

    code = "configuration_error"


class NotImplementedYet(HTTPError):
    status, code, message = 501, "not_implemented", "This is not implemented yet."


class UpstreamUnavailable(HTTPError):
    status, code, message = (
        503,
        "upstream_unavailable",
        "A service we depend on is unavailable. Try again later.",
    )


_BY_STATUS: dict[int, type[HTTPError]] = {
    400: BadRequest,
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    409: Conflict,
    429: TooManyRequests,
}


def from_appwrite(exc: Any) -> HTTPError:
    """The error to answer with for an `AppwriteException` (its `.code` and `.type`).

    4xx keep Appwrite's message (it describes the caller's request); a missing scope is
    our misconfiguration, not the caller's fault; 5xx and connection failures (code 0)
    become 503 with a generic message.
    """
    status = exc.code if isinstance(exc.code, int) else 0
    if exc.type == "general_unauthorized_scope":
        return ConfigurationError("The function is missing a scope it needs.")
    if status == 0 or status >= 500:
        return UpstreamUnavailable()
    cls = _BY_STATUS.get(status, BadRequest)
    message = exc.message if isinstance(exc.message, str) and exc.message else None
    return cls(message)


def is_appwrite_exception(exc: BaseException) -> bool:
    """True for the SDK's exception, without importing the SDK when it was never loaded."""
    module = sys.modules.get("appwrite.exception")
    return module is not None and isinstance(exc, module.AppwriteException)


def to_http(exc: BaseException) -> HTTPError:
    """Any exception as the `HTTPError` to answer with (unexpected ones → generic 500)."""
    if isinstance(exc, HTTPError):
        return exc
    if is_appwrite_exception(exc):
        return from_appwrite(exc)
    return InternalError()


def expose(error: HTTPError) -> tuple[int, dict, dict[str, str]]:
    """(status, JSON body, headers) for an error; 5xx other than 501/503 never leak their text."""
    if error.status >= 500 and not isinstance(error, (NotImplementedYet, UpstreamUnavailable)):
        body = {"error": {"code": error.code, "message": GENERIC_500, "details": []}}
    else:
        body = error.body()
    return error.status, body, dict(error.headers)
