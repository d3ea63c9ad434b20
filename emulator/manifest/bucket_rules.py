"""Rules for `buckets[]` beyond the schema: what Appwrite's Create/Update bucket routes accept
(Appwrite 1.9.6 `Storage/Http/Buckets/Create.php`), plus settings that could never work.

* `$id`: a custom ID, unique among buckets; `name`: at most 128 chars.
* `$permissions`: the one validator (`emulator.core.permissions`) with a bucket's actions
  (create, read, update, delete, write); nobody may be granted a write for `any`.
* `maximumFileSize`: a whole number of bytes from 1 to 30,000,000 (`_APP_STORAGE_LIMIT`'s
  default, the upper bound of Appwrite's Range validator).
* `allowedFileExtensions`: at most 100, each at most 64 chars; Appwrite compares the file's
  extension lowercased and without its dot, so `PNG` or `.png` never match anything.
* `compression`: none, gzip or zstd.
"""

from __future__ import annotations

from typing import Any

from emulator.core.ids import ID_RULE, is_valid_id

from ._walk import entries, is_number, strings, text
from .problems import Problem, field_path
from .roles import permission_problem

STORAGE_LIMIT = 30_000_000
MAX_NAME = 128
MAX_EXTENSIONS = 100
MAX_EXTENSION_LENGTH = 64
COMPRESSIONS = ("none", "gzip", "zstd")


def bucket_problems(data: dict[str, Any]) -> list[Problem]:
    """Problems in every bucket entry, plus duplicate ids across them."""
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for index, bucket in entries(data, "buckets"):

        def at(*keys: str | int, _i: int = index) -> str:
            return field_path(["buckets", _i, *keys])

        bucket_id = text(bucket, "$id")
        if bucket_id is not None:
            if not is_valid_id(bucket_id):
                problems.append(Problem(at("$id"), f"'{bucket_id}' is not a valid ID ({ID_RULE})"))
            if bucket_id in seen:
                message = f"duplicate bucket id '{bucket_id}' (also buckets[{seen[bucket_id]}])"
                problems.append(Problem(at("$id"), message))
            seen.setdefault(bucket_id, index)
        name = text(bucket, "name")
        if name is not None and len(name) > MAX_NAME:
            problems.append(Problem(at("name"), f"must be at most {MAX_NAME} chars"))
        for position, permission in strings(bucket, "$permissions"):
            if (problem := permission_problem(permission, noun="files")) is not None:
                problems.append(Problem(at("$permissions", position), problem))
        problems += _settings(bucket, at)
    return problems


def _settings(bucket: dict[str, Any], at: Any) -> list[Problem]:
    problems: list[Problem] = []
    size = bucket.get("maximumFileSize")
    if is_number(size) and not (float(size).is_integer() and 1 <= size <= STORAGE_LIMIT):
        message = (
            f"must be a whole number of bytes from 1 to {STORAGE_LIMIT:,} "
            f"(Appwrite's limit, _APP_STORAGE_LIMIT), not {size}"
        )
        problems.append(Problem(at("maximumFileSize"), message))
    extensions = bucket.get("allowedFileExtensions")
    if isinstance(extensions, list) and len(extensions) > MAX_EXTENSIONS:
        message = f"at most {MAX_EXTENSIONS} extensions are allowed, not {len(extensions)}"
        problems.append(Problem(at("allowedFileExtensions"), message))
    for position, extension in strings(bucket, "allowedFileExtensions"):
        where = at("allowedFileExtensions", position)
        if len(extension) > MAX_EXTENSION_LENGTH:
            problems.append(Problem(where, f"an extension is at most {MAX_EXTENSION_LENGTH} chars"))
        elif extension.startswith("."):
            message = (
                f"'{extension}' never matches: Appwrite compares the extension without its dot "
                f"(write '{extension.lstrip('.')}')"
            )
            problems.append(Problem(where, message))
        elif extension != extension.lower():
            message = (
                f"'{extension}' never matches: Appwrite lowercases the file's extension before "
                f"comparing (write '{extension.lower()}')"
            )
            problems.append(Problem(where, message))
        elif not extension:
            problems.append(Problem(where, "an empty extension matches only files without one"))
    compression = text(bucket, "compression")
    if compression is not None and compression not in COMPRESSIONS:
        message = f"'{compression}' is not one of: {', '.join(COMPRESSIONS)}"
        problems.append(Problem(at("compression"), message))
    return problems
