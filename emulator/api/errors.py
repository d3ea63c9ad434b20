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
    "general_bad_request": (
        400,
        "There was an error processing your request. Please check the inputs and try again.",
    ),
    "general_route_not_found": (
        404,
        "Route not found. Please ensure the endpoint is configured correctly and that the API route is "
        "valid for this SDK version. Refer to the API docs for more details.",
    ),
    "general_unauthorized_scope": (
        401,
        "The current user or API key does not have the required scopes to access the requested resource.",
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
    "project_not_found": (
        404,
        "Project with the requested ID could not be found. Please check the value of the X-Appwrite-Project "
        "header to ensure the correct project ID is being used.",
    ),
    "user_unauthorized": (
        401,
        "The current user is not authorized to perform the requested action.",
    ),
    "user_not_found": (404, "User with the requested ID could not be found."),
    "user_already_exists": (
        409,
        "A user with the same id, email, or phone already exists in this project.",
    ),
    "user_email_already_exists": (
        409,
        "A user with the same email already exists in the current project.",
    ),
    "user_phone_already_exists": (
        409,
        "A user with the same phone number already exists in the current project.",
    ),
    "user_invalid_credentials": (401, "Invalid credentials. Please check the email and password."),
    "user_blocked": (
        401,
        "The current user has been blocked. You can unblock the user by making a request to the User API's "
        '"Update User Status" endpoint or in the Appwrite Console\'s Auth section.',
    ),
    "user_password_mismatch": (
        400,
        "Passwords do not match. Please check the password and confirm password.",
    ),
    "user_session_already_exists": (
        401,
        "Creation of a session is prohibited when a session is active.",
    ),
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
    "project_key_expired": (
        401,
        "The project key has expired. Please generate a new key using the Appwrite console.",
    ),
    "user_invalid_token": (401, "Invalid token passed in the request."),
    "user_target_not_found": (404, "The target could not be found."),
    "user_target_already_exists": (409, "A target with the same ID already exists."),
    "user_email_already_verified": (409, "User email is already verified"),
    "team_not_found": (404, "Team with the requested ID could not be found."),
    "team_already_exists": (
        409,
        "Team with requested ID already exists. Please choose a different ID and try again.",
    ),
    "team_invite_mismatch": (401, "The invite does not belong to the current user."),
    "team_membership_mismatch": (404, "The membership ID does not belong to the team ID."),
    "membership_not_found": (404, "Membership with the requested ID could not be found."),
    "membership_already_confirmed": (409, "Membership is already confirmed."),
    # TablesDB
    "database_not_found": (404, "Database with the requested ID '{}' could not be found."),
    "database_already_exists": (
        409,
        "Database with the requested ID '{}' already exists. Try again with a different ID or use ID.unique() "
        "to generate a unique ID.",
    ),
    "table_not_found": (404, "Table with the requested ID '{}' could not be found."),
    "table_already_exists": (
        409,
        "A table with the requested ID '{}' already exists. Try again with a different ID or use ID.unique() "
        "to generate a unique ID.",
    ),
    "row_not_found": (404, "Row with the requested ID '{}' could not be found."),
    "row_already_exists": (
        409,
        "Row with the requested ID '{}' already exists. Try again with a different ID or use ID.unique() to "
        "generate a unique ID.",
    ),
    "row_unique_constraint_violation": (
        409,
        "Row violates a unique column constraint. Try again with different value(s).",
    ),
    "row_invalid_structure": (
        400,
        "The row structure is invalid. Please ensure the columns match the table definition.",
    ),
    "row_missing_data": (400, "The row data is missing. Try again with row data populated."),
    "row_missing_payload": (
        400,
        "The row data and permissions are missing. You must provide either row data or permissions to be "
        "updated.",
    ),
    "column_not_found": (404, "Column with the requested key '{}' could not be found."),
    "column_already_exists": (
        409,
        "Column with the requested key '{}' already exists. Column keys must be unique, try again with a "
        "different key.",
    ),
    "column_limit_exceeded": (
        400,
        "The maximum number or size of columns for table '{}' has been reached.",
    ),
    "column_default_unsupported": (
        400,
        "Default values cannot be set for array or required columns.",
    ),
    "column_value_invalid": (
        400,
        "The column value is invalid. Please check the type, range and value of the column.",
    ),
    "column_type_invalid": (400, "The column type is invalid."),
    "attribute_type_invalid": (400, "The attribute type is invalid."),
    "column_unknown": (
        400,
        "The column '{}' required for the index could not be found. Please confirm all your columns are in "
        "the available state.",
    ),
    "column_not_available": (
        400,
        "The requested column '{}' is not yet available. Please try again later.",
    ),
    "column_index_dependency": (
        409,
        "Column '{}' cannot be renamed or deleted. Please remove the associated index first.",
    ),
    "column_index_not_found": (404, "Index with the requested key '{}' could not be found."),
    "column_index_already_exists": (
        409,
        "Index with the requested key '{}' already exists. Try again with a different key.",
    ),
    "column_index_invalid": (400, "Index invalid."),
    "column_index_limit_exceeded": (400, "The maximum number of indexes has been reached."),
    "transaction_not_found": (404, "Transaction with the requested ID '{}' could not be found."),
    "transaction_expired": (
        410,
        "The transaction has expired. Please create a new transaction and try again.",
    ),
    "transaction_not_ready": (400, "The transaction is not ready yet. Please try again later."),
    "transaction_limit_exceeded": (
        400,
        "The maximum number of operations in a transaction has been reached.",
    ),
    "database_query_order_null": (
        400,
        "The order column '{}' had a null value. Cursor pagination requires all rows order column values are "
        "non-null.",
    ),
    "general_unknown_origin": (403, "The request originated from an unknown origin."),
    # Functions and executions
    "function_not_found": (404, "Function with the requested ID could not be found."),
    "execution_not_found": (404, "Execution with the requested ID could not be found."),
    "execution_in_progress": (
        400,
        "Can't delete ongoing execution. Please wait for execution to finish before deleting it.",
    ),
    "function_synchronous_timeout": (
        408,
        "Synchronous function execution timed out. Use asynchronous execution instead, or ensure the execution "
        "duration doesn't exceed 30 seconds.",
    ),
    "function_execute_permission_missing": (
        401,
        'To execute function using domain, execute permissions must include "any" or "guests"',
    ),
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
