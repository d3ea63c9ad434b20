"""Appwrite's error types of Storage (app/config/errors.php, Appwrite 1.9.6)."""

from emulator.core.errors import register

ERRORS: dict[str, tuple[int, str]] = {
    "storage_file_already_exists": (409, "A storage file with the requested ID already exists."),
    "storage_file_not_found": (404, "The requested file could not be found."),
    "storage_device_not_found": (400, "The requested storage device could not be found."),
    "storage_file_empty": (400, "Empty file passed to the endpoint."),
    "storage_file_type_unsupported": (400, "The given file extension is not supported."),
    "storage_invalid_file_size": (
        400,
        "The file size is either not valid or exceeds the maximum allowed size. Please check the "
        "file or the value of the _APP_STORAGE_LIMIT environment variable.",
    ),
    "storage_invalid_file": (
        403,
        "The uploaded file is invalid. Please check the file and try again.",
    ),
    "storage_bucket_already_exists": (
        409,
        "A storage bucket with the requested ID already exists. Try again with a different ID or "
        "use ID.unique() to generate a unique ID.",
    ),
    "storage_bucket_not_found": (404, "Storage bucket with the requested ID could not be found."),
    "storage_invalid_content_range": (
        400,
        "The content range is invalid. Please check the value of the Content-Range header.",
    ),
    "storage_invalid_range": (
        416,
        "The requested range is not satisfiable. Please check the value of the Range header.",
    ),
    "storage_invalid_appwrite_id": (
        400,
        "The value for x-appwrite-id header is invalid. Please check the value of the "
        "x-appwrite-id header is a valid id and not unique().",
    ),
    "storage_file_not_public": (403, "The requested file is not publicly readable."),
    "storage_bucket_transformations_disabled": (
        403,
        "Image transformations are disabled for the requested bucket.",
    ),
}

register(ERRORS)
