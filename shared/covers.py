"""Article covers: one image per article in the Storage bucket `covers`.

    storage = storage_service(server_client(req.headers))
    row = change_article(storage, row, changes["permissions"], write_row, deadline=d)
    delete_cover(storage, row, deadline=d)

* **One file per article.** Its id is the article's id (an article id is a valid file id),
  so an article never has two covers and nothing has to be looked up to find one.
* **Read permissions only, the article's own** (`shared.permissions.read_permissions`, the
  one rule for rows and files): guests fetch a published article's cover straight from
  Storage; the bucket grants users nothing and files grant only `read`, so nobody but the
  functions (with the key) creates, replaces or deletes a cover.
* **The row records it** (`coverMimeType`, `coverSize`, `coverWidth`, `coverHeight`): answers
  say whether there is a cover (`cover_of`), and every function that changes an article knows
  without asking Storage whether a file has to follow.
* **Never more readable than its article.** When an article's read permissions change, its
  cover follows in the order that keeps this true (`change_article`): a change that makes the
  article public writes the row first and the file second; every other change (archiving, a
  deleted team taken off) the file first. A failure half-way leaves the cover *less* readable
  than its article, never more, and the step can simply be repeated. Deleting an article
  deletes its cover first for the same reason. `nightly-maintenance` repairs any cover whose
  permissions differ from its article's and removes covers whose article is gone.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from .errors import to_http
from .gone import delete_if_present, fetch_or_none
from .permissions import is_public, read_permissions, same_permissions
from .tables import COVERS

COVER_COLUMNS = ("coverMimeType", "coverSize", "coverWidth", "coverHeight")
NO_COVER: dict[str, None] = dict.fromkeys(COVER_COLUMNS)
EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "image/webp": "webp"}
"""The cover types and the extension a file of each is named with (the bucket allows
png, jpg, jpeg and webp: Appwrite checks the name's extension, never the bytes)."""


def storage_service(client: Any) -> Any:
    """The SDK's Storage service on `client` (imported on first use)."""
    from appwrite.services.storage import Storage

    return Storage(client)


def has_cover(row: Mapping[str, Any]) -> bool:
    """Whether the article's row records a cover."""
    return bool(row.get("coverMimeType"))


def cover_of(row: Mapping[str, Any]) -> dict[str, Any] | None:
    """The `cover` of an article's answer: `{fileId, mimeType, sizeOriginal, width, height}`,
    or None when it has none. `fileId` is the file in bucket `covers`."""
    if not has_cover(row):
        return None
    return {
        "fileId": row.get("$id"),
        "mimeType": row["coverMimeType"],
        "sizeOriginal": row.get("coverSize"),
        "width": row.get("coverWidth"),
        "height": row.get("coverHeight"),
    }


def cover_data(mime_type: str, size: int, width: int, height: int) -> dict[str, Any]:
    """The row's cover columns for a stored cover."""
    if mime_type not in EXTENSIONS:
        raise ValueError(f"{mime_type!r} is not a cover type")
    return dict(zip(COVER_COLUMNS, (mime_type, size, width, height), strict=True))


def set_cover_permissions(
    storage: Any, article_id: str, permissions: list[str], *, deadline: float = math.inf
) -> bool:
    """Give the article's cover these permissions; False when there is no such file."""
    found = fetch_or_none(
        lambda: storage.update_file(COVERS, article_id, permissions=permissions),
        deadline=deadline,
    )
    return found is not None


def change_article(
    storage: Any,
    before: Mapping[str, Any],
    permissions: list[str],
    write_row: Callable[[], dict[str, Any]],
    *,
    deadline: float = math.inf,
    log: Any = None,
) -> dict[str, Any]:
    """Write an article whose read permissions become `permissions` — `write_row()` updates
    the row and returns it — and give its cover (if `before`, the row as read, records one)
    the same permissions, in the order that never lets the cover be read by someone who may
    not read the article (module doc). When the article becomes public and the file cannot
    be updated after the row was written, the failure is logged to `log` (the cover stays
    private until the nightly repair) instead of failing a change that was made."""
    if not has_cover(before) or same_permissions(read_permissions(before), permissions):
        return write_row()
    if is_public(permissions) and not is_public(read_permissions(before)):
        row = write_row()
        try:
            set_cover_permissions(storage, before["$id"], permissions, deadline=deadline)
        except Exception as exc:
            if log is None:
                raise
            code = to_http(exc).code
            log.error("cover permissions not updated", article=before["$id"], error=code)
        return row
    set_cover_permissions(storage, before["$id"], permissions, deadline=deadline)
    return write_row()


def delete_cover(storage: Any, article_id: str, *, deadline: float = math.inf) -> bool:
    """Delete the article's cover; False when there was none."""
    return delete_if_present(lambda: storage.delete_file(COVERS, article_id), deadline=deadline)


def delete_covers(
    storage: Any, rows: Iterable[Mapping[str, Any]], *, deadline: float = math.inf
) -> list[str]:
    """Delete the covers the rows record (before the rows are deleted); the ids deleted."""
    return [
        row["$id"]
        for row in rows
        if has_cover(row) and delete_cover(storage, row["$id"], deadline=deadline)
    ]
