"""Appwrite's error types of TablesDB (reference: appwrite-rest-api.md §5)."""

from emulator.core.errors import register

ERRORS: dict[str, tuple[int, str]] = {
    "database_not_found": (404, "Database with the requested ID '{}' could not be found."),
    "database_already_exists": (
        409,
        "Database with the requested ID '{}' already exists. Try again with a different ID or use "
        "ID.unique() to generate a unique ID.",
    ),
    "table_not_found": (404, "Table with the requested ID '{}' could not be found."),
    "table_already_exists": (
        409,
        "A table with the requested ID '{}' already exists. Try again with a different ID or use "
        "ID.unique() to generate a unique ID.",
    ),
    "row_not_found": (404, "Row with the requested ID '{}' could not be found."),
    "row_already_exists": (
        409,
        "Row with the requested ID '{}' already exists. Try again with a different ID or use "
        "ID.unique() to generate a unique ID.",
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
        "The row data and permissions are missing. You must provide either row data or "
        "permissions to be updated.",
    ),
    "column_not_found": (404, "Column with the requested key '{}' could not be found."),
    "column_already_exists": (
        409,
        "Column with the requested key '{}' already exists. Column keys must be unique, "
        "try again with a different key.",
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
        "The column '{}' required for the index could not be found. "
        "Please confirm all your columns are in the available state.",
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
    "column_index_limit_exceeded": (
        400,
        "The maximum number of indexes for table '{}' has been reached.",
    ),
    "column_invalid_resize": (
        400,
        "Existing data is too large for new size, truncate your existing data then try again.",
    ),
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
        "The order column '{}' had a null value. Cursor pagination requires all rows order column "
        "values are non-null.",
    ),
}

register(ERRORS)
