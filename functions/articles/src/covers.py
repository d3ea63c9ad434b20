"""An article's cover in Storage with the execution's key (scopes `files.read`, `files.write`).

The file is `covers/<article id>` (shared.covers); its permissions are the article's read
permissions. Round trips: storing is one upload (plus a delete when a cover is replaced)
and one row update; answering is one download or preview (and, rarely, the download after
a preview that came out larger). What the row records about the cover (type, size,
dimensions) spares asking Storage.

* `store` — upload, then record the cover on the row. An article changed meanwhile (say,
  archived by someone else) is answered by the row update, and the file is given the
  permissions of that row; an article deleted meanwhile takes its new cover with it (404).
* `answer` — the original, or a preview `width` pixels wide (same format). A width at least
  the cover's own is the original (no upscaling); so is a preview that would come out larger
  than the original, so no answer is ever larger than 5 MiB.
* `remove` — delete the file, then clear the row (the file first: a failure in between
  never leaves a cover that the article no longer claims).
"""

from __future__ import annotations

from typing import Any

from ..shared import NotFound, Request, Response, load_schema, retry, server_client
from ..shared.covers import (
    EXTENSIONS,
    NO_COVER,
    cover_data,
    delete_cover,
    has_cover,
    set_cover_permissions,
    storage_service,
)
from ..shared.gone import fetch_or_none, is_gone
from ..shared.paging import list_params
from ..shared.permissions import PUBLISHED, read_permissions, same_permissions
from ..shared.tables import ARTICLES, COVERS, DATABASE_ID
from . import rows
from .images import Image

QUERY_SCHEMA = load_schema(__file__, "../schemas/cover-query.json")
CHUNK_SIZE = 5 * 1024 * 1024  # the SDK uploads a file of this size or more in chunks


def storage(req: Request) -> Any:
    return storage_service(server_client(req.headers))


def not_found() -> NotFound:
    return NotFound("This article has no cover.", code="cover_not_found")


def parse_query(query: dict[str, str]) -> int | None:
    """`width` (1–4000) or None; 400 `validation_failed` for anything else."""
    return list_params(query, QUERY_SCHEMA, integers=("width",)).get("width")


def _upload(
    req: Request, files: Any, row: dict[str, Any], image: Image, permissions: list[str]
) -> None:
    from appwrite.input_file import InputFile

    article_id = row["$id"]
    name = f"cover.{EXTENSIONS[image.mime_type]}"
    chunked = image.size >= CHUNK_SIZE
    attempts = 0

    def create() -> Any:
        # A cover of exactly 5 MiB goes up as one chunk, and the SDK *resumes* an existing
        # file of that id instead of replacing it: the file must be gone before each try.
        nonlocal attempts
        attempts += 1
        if attempts > 1 and chunked:
            delete_cover(files, article_id, deadline=req.deadline)
        source = InputFile.from_bytes(image.data, name, image.mime_type)
        return files.create_file(COVERS, article_id, source, permissions)

    if has_cover(row) or chunked:
        delete_cover(files, article_id, deadline=req.deadline)

    try:
        retry(create, deadline=req.deadline)
    except Exception as exc:
        if getattr(exc, "code", None) != 409:  # a file of this id exists: one not recorded
            raise
        delete_cover(files, article_id, deadline=req.deadline)
        retry(create, deadline=req.deadline)


def store(req: Request, row: dict[str, Any], image: Image) -> dict[str, Any]:
    """Upload the cover (replacing any) and record it on the row; the updated row."""
    files = storage(req)
    permissions = read_permissions(row)
    _upload(req, files, row, image, permissions)
    data = cover_data(image.mime_type, image.size, image.width, image.height)
    db = rows.tables(req)
    updated = fetch_or_none(
        lambda: db.update_row(DATABASE_ID, ARTICLES, row["$id"], data),
        deadline=req.deadline,
    )
    if updated is None:  # deleted meanwhile: so is its cover
        delete_cover(files, row["$id"], deadline=req.deadline)
        raise rows.not_found(row["$id"])
    wanted = read_permissions(updated)
    if not same_permissions(wanted, permissions):  # published, archived… meanwhile
        set_cover_permissions(files, row["$id"], wanted, deadline=req.deadline)
    return updated


def _fetch(call: Any, req: Request, article_id: str) -> bytes:
    try:
        return bytes(retry(call, deadline=req.deadline))
    except Exception as exc:
        if is_gone(exc):  # recorded on the row, but the file is gone
            raise not_found() from None
        raise


def answer(req: Request, row: dict[str, Any], width: int | None) -> Response:
    """The cover's bytes (or a preview `width` wide) with its content-type."""
    if not has_cover(row):
        raise not_found()
    files = storage(req)
    article_id, mime_type = row["$id"], row["coverMimeType"]

    def original() -> bytes:
        return _fetch(lambda: files.get_file_download(COVERS, article_id), req, article_id)

    if width is None or width >= int(row.get("coverWidth") or 0):
        data = original()
    else:
        data = _fetch(
            # `output` as text: SDK 15.3 would send an ImageFormat member as "ImageFormat.PNG"
            lambda: files.get_file_preview(
                COVERS, article_id, width=width, output=EXTENSIONS[mime_type]
            ),
            req,
            article_id,
        )
        if len(data) > int(row.get("coverSize") or 0):
            data = original()
    return Response(data, 200, _headers(row, mime_type))


def _headers(row: dict[str, Any], mime_type: str) -> dict[str, str]:
    published = row.get("status") == PUBLISHED
    return {
        "content-type": mime_type,
        "x-content-type-options": "nosniff",
        # a published cover may be cached anywhere for a minute; any other only by the caller
        "cache-control": "public, max-age=60" if published else "private, no-store",
    }


def remove(req: Request, row: dict[str, Any]) -> None:
    """Delete the cover, then clear it from the row (404 when the article has none)."""
    if not has_cover(row):
        raise not_found()
    delete_cover(storage(req), row["$id"], deadline=req.deadline)
    db = rows.tables(req)
    fetch_or_none(
        lambda: db.update_row(DATABASE_ID, ARTICLES, row["$id"], dict(NO_COVER)),
        deadline=req.deadline,
    )
