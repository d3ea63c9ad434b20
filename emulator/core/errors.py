"""Appwrite's error catalogue and the one exception the API raises.

Every handler raises `AppwriteError`; the app maps it to Appwrite's JSON error body
`{message, code, type, version}` in exactly one place (see `app.py`). Types, codes
and message templates are Appwrite's (reference: appwrite-rest-api.md §5).
"""

from __future__ import annotations

APPWRITE_VERSION = "1.9.6"

# type -> (HTTP code, default message). Messages with `{}` take the offending id. The
# entries here are the ones every service shares; each service registers its own
# (`emulator/services/<service>/errors.py`).
CATALOGUE: dict[str, tuple[int, str]] = {
    "general_argument_invalid": (400, "Invalid argument."),
    "general_bad_request": (
        400,
        "There was an error processing your request. Please check the inputs and try again.",
    ),
    "general_route_not_found": (
        404,
        "Route not found. Please ensure the endpoint is configured correctly and that the API "
        "route is valid for this SDK version. Refer to the API docs for more details.",
    ),
    "general_unauthorized_scope": (
        401,
        "The current user or API key does not have the required scopes to access the requested "
        "resource.",
    ),
    "general_query_invalid": (
        400,
        "The query's syntax is invalid. Please check the query and try again.",
    ),
    "general_cursor_not_found": (400, "Row '{}' for the 'cursor' value not found."),
    "general_rate_limit_exceeded": (
        429,
        "Rate limit for the current endpoint has been exceeded. Please try again after some time.",
    ),
    "general_server_error": (500, "Server Error"),
    "general_unknown": (
        500,
        "An unknown error has occurred. Please check the logs for more information.",
    ),
    "project_not_found": (
        404,
        "Project with the requested ID could not be found. Please check the value of the "
        "X-Appwrite-Project header to ensure the correct project ID is being used.",
    ),
    "general_unknown_origin": (403, "The request originated from an unknown origin."),
    "user_unauthorized": (
        401,
        "The current user is not authorized to perform the requested action.",
    ),
}


def register(entries: dict[str, tuple[int, str]]) -> None:
    """Add a service's error types to the catalogue (each type is registered once)."""
    taken = CATALOGUE.keys() & entries.keys()
    if taken:
        raise ValueError(f"error types registered twice: {sorted(taken)}")
    CATALOGUE.update(entries)


# What Appwrite's error handler (app/controllers/general.php) adds to every error it
# answers, JSON or the router's HTML page: an error is never cached.
ERROR_HEADERS = {
    "cache-control": "no-cache, no-store, must-revalidate",
    "expires": "0",
    "pragma": "no-cache",
}


class AppwriteError(Exception):
    """An Appwrite API error: `type` from the catalogue, HTTP `code`, final `message`."""

    def __init__(
        self,
        type: str,
        message: str | None = None,
        *,
        code: int | None = None,
        id: str | None = None,
    ):
        default_code, template = CATALOGUE.get(type, (code or 400, ""))
        if message is None:
            message = template.format(id) if "{}" in template else template
        self.type = type
        self.code = code or default_code
        self.message = message
        super().__init__(message)

    def body(self) -> dict:
        return {
            "message": self.message,
            "code": self.code,
            "type": self.type,
            "version": APPWRITE_VERSION,
        }
