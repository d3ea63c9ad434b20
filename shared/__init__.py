"""Newsroom's shared helpers, deployed inside every function (as `function.shared`).

Import from the package, not its modules: `from ..shared import App, NotFound`.
Importing it is cheap: each name loads its module on first use (`__getattr__` below), so a
function's first request loads only the helpers it names — provision-profile never loads
`identity`, a route that reads no JWT never runs its module. The Appwrite SDK and
jsonschema load on first use too (`shared.client`, `shared.validation`).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

# `retry` is also the name of a module of this package: importing the module binds the
# package's attribute `retry` to the module, so the function is bound here, eagerly (the
# module is small and every function retries).
from .retry import is_retryable, retry

if TYPE_CHECKING:  # what the names below are, for readers and type checkers
    from .app import App, Response
    from .client import Settings, resolve_settings, server_client, user_client
    from .errors import (
        BadRequest,
        ConfigurationError,
        Conflict,
        Forbidden,
        HTTPError,
        InternalError,
        MethodNotAllowed,
        NotFound,
        NotImplementedYet,
        PayloadTooLarge,
        TooManyRequests,
        Unauthorized,
        UnsupportedMediaType,
        UpstreamUnavailable,
        from_appwrite,
    )
    from .identity import (
        Identity,
        authenticate,
        authenticate_optional,
        jwt_from_headers,
        require_writer,
    )
    from .logging import Logger, redact
    from .request import Request, parse_json
    from .routing import Router
    from .triggers import Event, Trigger, event_matches, parse_event, parse_trigger
    from .validation import Schema, load_schema, validate

_MODULE_OF = {  # name → the module of this package that defines it
    **dict.fromkeys(("App", "Response"), "app"),
    **dict.fromkeys(("Settings", "resolve_settings", "server_client", "user_client"), "client"),
    **dict.fromkeys(
        (
            "BadRequest",
            "ConfigurationError",
            "Conflict",
            "Forbidden",
            "HTTPError",
            "InternalError",
            "MethodNotAllowed",
            "NotFound",
            "NotImplementedYet",
            "PayloadTooLarge",
            "TooManyRequests",
            "Unauthorized",
            "UnsupportedMediaType",
            "UpstreamUnavailable",
            "from_appwrite",
        ),
        "errors",
    ),
    **dict.fromkeys(
        ("Identity", "authenticate", "authenticate_optional", "jwt_from_headers", "require_writer"),
        "identity",
    ),
    **dict.fromkeys(("Logger", "redact"), "logging"),
    **dict.fromkeys(("Request", "parse_json"), "request"),
    "Router": "routing",
    **dict.fromkeys(
        ("Event", "Trigger", "event_matches", "parse_event", "parse_trigger"), "triggers"
    ),
    **dict.fromkeys(("Schema", "load_schema", "validate"), "validation"),
}


def __getattr__(name: str):
    """`shared.X` for a name of `_MODULE_OF`: its module is imported on first use."""
    module = _MODULE_OF.get(name)
    if module is None:  # a submodule (`from ..shared import audit`) is imported as usual
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_MODULE_OF})


__all__ = [
    "App",
    "BadRequest",
    "ConfigurationError",
    "Conflict",
    "Event",
    "Forbidden",
    "HTTPError",
    "Identity",
    "InternalError",
    "Logger",
    "MethodNotAllowed",
    "NotFound",
    "NotImplementedYet",
    "PayloadTooLarge",
    "Request",
    "Response",
    "Router",
    "Schema",
    "Settings",
    "TooManyRequests",
    "Trigger",
    "Unauthorized",
    "UnsupportedMediaType",
    "UpstreamUnavailable",
    "authenticate",
    "authenticate_optional",
    "event_matches",
    "from_appwrite",
    "is_retryable",
    "jwt_from_headers",
    "load_schema",
    "parse_event",
    "parse_json",
    "parse_trigger",
    "redact",
    "require_writer",
    "resolve_settings",
    "retry",
    "server_client",
    "user_client",
    "validate",
]
