"""Appwrite's error types of function executions (reference: appwrite-rest-api.md §5)."""

from emulator.core.errors import register

ERRORS: dict[str, tuple[int, str]] = {
    "function_not_found": (404, "Function with the requested ID could not be found."),
    "execution_not_found": (404, "Execution with the requested ID could not be found."),
    "execution_in_progress": (
        400,
        "Can't delete ongoing execution. Please wait for execution to finish before deleting it.",
    ),
    "function_synchronous_timeout": (
        408,
        "Synchronous function execution timed out. Use asynchronous execution instead, "
        "or ensure the execution duration doesn't exceed 30 seconds.",
    ),
    "function_execute_permission_missing": (
        401,
        'To execute function using domain, execute permissions must include "any" or "guests".',
    ),
}

register(ERRORS)
