"""Appwrite's error catalogue and the one exception the API raises.

Every handler raises `AppwriteError`; the app maps it to Appwrite's JSON error body
`{message, code, type, version}` in exactly one place (see `app.py`). Types, codes
and message templates are Appwrite's (reference: appwrite-rest-api.md §5).
"""

from __future__ import annotations

APPWRITE_VERSION = "1.9.6"

# type -> (HTTP code, default message). Messages with `{}` take the offending id.
CATALOGUE: dict[str, tuple[int, str]] = {
    "general_argument_invalid": (400, "Invalid argument."),
    "general_bad_request": (400, "There was an error processing your request. Please check the inputs and try again."),
    "general_route_not_found": (
        404,
        "Route not found. Please ensure the endpoint is configured correctly and that the API route is "
        "valid for this SDK version. Refer to the API docs for more details.",
    ),
    "general_unauthorized_scope": (
        401,
        "The current user or API key does not have the required scopes to access the requested resource.",
    ),
    "general_query_invalid": (400, "The query's syntax is invalid. Please check the query and try again."),
    "general_cursor_not_found": (400, "Row '{}' for the 'cursor' value not found."),
    "general_rate_limit_exceeded": (
        429,
        "Rate limit for the current endpoint has been exceeded. Please try again after some time.",
    ),
    "general_server_error": (500, "Server Error"),
    "project_not_found": (
        404,
        "Project with the requested ID could not be found. Please check the value of the X-Appwrite-Project "
        "header to ensure the correct project ID is being used.",
    ),
    "user_unauthorized": (401, "The current user is not authorized to perform the requested action."),
    "user_not_found": (404, "User with the requested ID could not be found."),
    "user_already_exists": (409, "A user with the same id, email, or phone already exists in this project."),
    "user_email_already_exists": (409, "A user with the same email already exists in the current project."),
    "user_phone_already_exists": (409, "A user with the same phone number already exists in the current project."),
    "user_invalid_credentials": (401, "Invalid credentials. Please check the email and password."),
    "user_blocked": (403, "The current user has been blocked."),
    "user_password_mismatch": (400, "Passwords do not match. Please check the password and confirm password."),
    "user_session_already_exists": (401, "Creation of a session is prohibited when a session is active."),
    "user_session_not_found": (404, "The current user session could not be found."),
    "user_jwt_invalid": (401, "Failed to verify JWT. Invalid token: Incorrect signature."),
    "user_jwt_and_cookie_set": (
        403,
        "Cookie and JWT token sent in the same request. Use either `setSession` or `setJWT`.",
    ),
    "user_api_key_and_session_set": (
        403,
        "API key and session used in the same request. Use either `setSession` or `setKey`. Learn about which "
        "authentication method to use in the SSR docs: https://appwrite.io/docs/products/auth/server-side-rendering",
    ),
    "user_count_exceeded": (400, "The current project has exceeded the maximum number of users."),
    "project_key_expired": (401, "The project key has expired. Please generate a new key using the Appwrite console."),
    "team_not_found": (404, "Team with the requested ID could not be found."),
    "team_already_exists": (409, "Team with requested ID already exists. Please choose a different ID and try again."),
    "team_invite_mismatch": (401, "The invite does not belong to the current user."),
    "team_membership_mismatch": (404, "The membership ID does not belong to the team ID."),
    "membership_not_found": (404, "Membership with the requested ID could not be found."),
    "membership_already_confirmed": (409, "Membership is already confirmed."),
    "general_unknown_origin": (403, "The request originated from an unknown origin."),
}


class AppwriteError(Exception):
    """An Appwrite API error: `type` from the catalogue, HTTP `code`, final `message`."""

    def __init__(self, type: str, message: str | None = None, *, code: int | None = None, id: str | None = None):
        default_code, template = CATALOGUE.get(type, (code or 400, ""))
        if message is None:
            message = template.format(id) if "{}" in template else template
        self.type = type
        self.code = code or default_code
        self.message = message
        super().__init__(message)

    def body(self) -> dict:
        return {"message": self.message, "code": self.code, "type": self.type, "version": APPWRITE_VERSION}
