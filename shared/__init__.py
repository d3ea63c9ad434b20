"""Newsroom's shared helpers, deployed inside every function (as `function.shared`).

Import from the package, not its modules: `from ..shared import App, NotFound`.
Importing it is cheap: the Appwrite SDK and jsonschema load on first use only.
"""

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
from .retry import is_retryable, retry
from .routing import Router
from .triggers import Event, Trigger, event_matches, parse_event, parse_trigger
from .validation import Schema, load_schema, validate

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
