"""File routes (`/storage/buckets/{bucketId}/files…`): parse → authorize → act → answer.

Uploads are multipart/form-data (`fileId`, `file`, `permissions[]`, `folder`), as both SDKs
send them. A file above 5 MB arrives in chunks: each request carries
`content-range: bytes <start>-<end>/<size>` and, from the second chunk on,
`x-appwrite-id: <fileId>`; chunks may come in any order or in parallel (SDK 27). The file
exists (and `buckets.*.files.*.create` fires) once every chunk is there; until then each
answer shows `chunksUploaded` < `chunksTotal`, and `GET` of the file lets a client resume.
"""

from __future__ import annotations

import math
import re

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from emulator.core import clock, ids
from emulator.core import permissions as perms
from emulator.core.callers import Caller, require_scope
from emulator.core.errors import AppwriteError
from emulator.http import listing
from emulator.http import params as p
from emulator.http.responses import json_response, no_content
from emulator.services.identity.callers import caller
from emulator.services.storage import access, images, models
from emulator.services.storage.backend import CHUNK_SIZE, Storage, publish, service
from emulator.services.storage.blobs import md5_of
from emulator.services.storage.routes_buckets import one_of, permissions_param
from emulator.services.storage.store import Conflict
from emulator.triggers import events

FILE_ATTRIBUTES = ("name", "signature", "mimeType", "sizeOriginal", "chunksTotal", "chunksUploaded")
FILE_TYPES = {"sizeOriginal": "integer", "chunksTotal": "integer", "chunksUploaded": "integer"}
FILE_PERMISSIONS = permissions_param(perms.ROW_ACTIONS, table_level=False)
SNIFF_BYTES = 65536
CACHE_CONTROL = "private, max-age=3888000"  # 45 days, as download and view answer
# app/config/storage/mimes.php: the types `view` serves as themselves (others as text/plain)
VIEWABLE = frozenset(
    {
        "image/jpeg",
        "image/gif",
        "image/png",
        "image/webp",
        "image/heic",
        "image/heic-sequence",
        "image/avif",
        "video/mp4",
        "video/x-flv",
        "video/webm",
        "application/x-mpegURL",
        "video/MP2T",
        "video/3gpp",
        "video/quicktime",
        "video/x-msvideo",
        "video/x-ms-wmv",
        "audio/basic",
        "auido/L24",
        "audio/mid",
        "audio/mpeg",
        "audio/mp4",
        "audio/x-aiff",
        "audio/x-mpegurl",
        "audio/vnd.rn-realaudio",
        "audio/ogg",
        "audio/vorbis",
        "audio/vnd.wav",
        "audio/x-wav",
        "audio/aac",
        "audio/x-hx-aac-adts",
        "application/msword",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.template",
        "application/vnd.ms-word.document.macroEnabled.12",
        "application/vnd.ms-excel",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.template",
        "application/vnd.ms-excel.sheet.macroEnabled.12",
        "application/vnd.ms-excel.template.macroEnabled.12",
        "application/vnd.ms-excel.addin.macroEnabled.12",
        "application/vnd.ms-excel.sheet.binary.macroEnabled.12",
        "application/vnd.ms-powerpoint",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "application/vnd.openxmlformats-officedocument.presentationml.template",
        "application/vnd.openxmlformats-officedocument.presentationml.slideshow",
        "application/vnd.ms-powerpoint.addin.macroEnabled.12",
        "application/vnd.ms-powerpoint.presentation.macroEnabled.12",
        "application/vnd.ms-powerpoint.template.macroEnabled.12",
        "application/vnd.ms-powerpoint.slideshow.macroEnabled.12",
        "application/vnd.ms-access",
        "application/pdf",
    }
)
_CONTENT_RANGE = re.compile(r"^(\w+) (\d+)-(\d+)/(\d+)$")
_RANGE = re.compile(r"^(\w+)=(\d+)-(\d*)$")
_HEX_COLOR = re.compile(r"^([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")


# ---------------------------------------------------------------- loading


def _bucket(request: Request, who: Caller) -> dict:
    bucket_id = p.path_id(request, "bucketId")
    return access.visible_bucket(who, service(request).store.bucket(bucket_id))


def _readable_file(request: Request, who: Caller, bucket: dict, valid: bool) -> dict:
    """The path's file as a reader sees it: 404 when missing or (file security, no bucket
    grant) when its own permissions do not let the caller read it."""
    file_id = p.path_id(request, "fileId")
    found = service(request).store.file(bucket["$id"], file_id)
    if found is None or (not valid and not access.file_allows(who, found, "read")):
        raise AppwriteError("storage_file_not_found")
    return found


def _reader(request: Request) -> tuple[Caller, dict, dict]:
    """Caller, bucket and file of a read route (get, download, view)."""
    who = caller(request)
    require_scope(who, "files.read")
    bucket = _bucket(request, who)
    valid = access.require_bucket(who, bucket, "read")
    return who, bucket, _readable_file(request, who, bucket, valid)


# ---------------------------------------------------------------- upload


def _content_range(header: str) -> tuple[int, int, int]:
    match = _CONTENT_RANGE.match(header.strip())
    if match is None or match.group(1) != "bytes":
        raise AppwriteError("storage_invalid_content_range")
    start, end, size = (int(match.group(i)) for i in (2, 3, 4))
    if end > size or start > end:
        raise AppwriteError("storage_invalid_content_range")
    return start, end, size


def _folder(value) -> str:
    """Folder validator of Appwrite (newer servers; SDK 27 sends it): `a/b` → `a/b/`."""
    description = (
        "Folder must be `/`-separated segments without empty, `.`, or `..` segments, must not "
        "start with `/`, must not contain control characters, and must be at most 2048 "
        "characters long including the trailing slash."
    )
    if not isinstance(value, str):
        raise p.Invalid(description)
    if value == "":
        return ""
    normalized = value if value.endswith("/") else value + "/"
    segments = normalized[:-1].split("/")
    if (
        len(normalized) > 2048
        or re.search(r"[\x00-\x1f\x7f]", value)
        or any(s in ("", ".", "..") for s in segments)
    ):
        raise p.Invalid(description)
    return normalized


async def _upload_form(request: Request) -> tuple[p.Params, UploadFile | None, bytes]:
    """The upload's fields, its file part and the part's bytes."""
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        return p.Params(await p.read_params(request)), None, b""
    form = await request.form(max_files=1, max_fields=1000)
    fields = [(k, v) for k, v in form.multi_items() if isinstance(v, str)]
    upload = next((v for k, v in form.multi_items() if not isinstance(v, str)), None)
    named = form.get("file")
    if named is not None and not isinstance(named, str):
        upload = named
    data = await upload.read() if upload is not None else b""
    return p.Params(p.parse_query_string(fields)), upload, data


async def create_file(request: Request):
    who = caller(request)
    require_scope(who, "files.write")
    bucket = _bucket(request, who)
    args, upload, data = await _upload_form(request)
    file_id = args.required("fileId", p.custom_id)
    permissions = args.optional("permissions", FILE_PERMISSIONS)
    folder = args.optional("folder", _folder, "")
    if not access.bucket_allows(who, bucket, "create"):
        raise AppwriteError(
            "user_unauthorized", access.denial("create", bucket["$permissions"], who.roles)
        )
    if permissions is None:
        permissions = access.default_file_permissions(who)
    access.require_grantable(who, permissions)
    if upload is None:
        raise AppwriteError("storage_file_empty")
    name = upload.filename or ""
    size, chunk, chunks = len(data), 1, 1
    header = request.headers.get("content-range", "")
    if header:
        start, _, size = _content_range(header)
        file_id = request.headers.get("x-appwrite-id", file_id)
        if not ids.is_valid_id(file_id):
            raise AppwriteError("storage_invalid_appwrite_id")
        chunks = max(1, math.ceil(size / CHUNK_SIZE))
        chunk = start // CHUNK_SIZE + 1
    allowed = bucket["allowedFileExtensions"]
    if allowed and _extension(name) not in allowed:
        raise AppwriteError("storage_file_type_unsupported", "File extension not allowed")
    if size > bucket["maximumFileSize"]:
        raise AppwriteError("storage_invalid_file_size", "File size not allowed")
    return _store_upload(
        request, bucket, file_id, name, folder, permissions, data, size, chunk, chunks, header
    )


def _extension(name: str) -> str:
    base = name.rsplit("/", 1)[-1]
    return base.rsplit(".", 1)[-1].lower() if "." in base else ""


def _store_upload(
    request: Request,
    bucket: dict,
    file_id: str,
    name: str,
    folder: str,
    permissions: list[str],
    data: bytes,
    size: int,
    chunk: int,
    chunks: int,
    chunked: str,
) -> Response:
    """Keep this request's bytes; finish the file when all its chunks are there. Runs
    without awaiting, so concurrent chunks of one file never interleave."""
    storage = service(request)
    store, blobs, bucket_id = storage.store, storage.blobs, bucket["$id"]
    existing = store.file(bucket_id, file_id)
    if existing is not None:
        if existing["chunksUploaded"] == existing["chunksTotal"]:
            if not chunked:
                raise AppwriteError("storage_file_already_exists")
            return json_response(models.file(existing), 200)  # a retried last chunk
        chunks = existing["chunksTotal"]
    now = clock.iso()
    record = existing or {
        "$id": file_id,
        "bucketId": bucket_id,
        "$createdAt": now,
        "$updatedAt": now,
        "$permissions": permissions,
        "name": name,
        "folder": folder,
        "signature": "",
        "mimeType": "",
        "sizeOriginal": size,
        "sizeActual": 0,
        "chunksTotal": chunks,
        "chunksUploaded": 0,
        "encryption": False,
        "compression": "none",
    }
    if chunks == 1:
        blobs.write(bucket_id, file_id, data)
        uploaded = 1
    else:
        uploaded = blobs.put_chunk(bucket_id, file_id, chunk, data)
        if uploaded == chunks:
            blobs.assemble(bucket_id, file_id, chunks)
    record = dict(record, chunksUploaded=uploaded, **{"$updatedAt": now})
    if uploaded == chunks:
        _finish(storage, bucket, record)
    try:
        saved = store.replace_file(record) if existing else store.insert_file(record)
    except Conflict:
        raise AppwriteError("storage_file_already_exists") from None
    model = models.file(saved)
    if uploaded == chunks:
        params = {"bucketId": bucket_id, "fileId": file_id}
        publish(request, events.FILE.format(action="create"), params, model)
    return json_response(model, 201)


def _finish(storage: Storage, bucket: dict, record: dict) -> None:
    """What Appwrite records once the bytes are complete: MD5, MIME type (by content), the
    sizes and the bucket's compression/encryption (files above 20 MB are stored plain)."""
    path = storage.blobs.path(bucket["$id"], record["$id"])
    with path.open("rb") as source:
        head = source.read(SNIFF_BYTES)
    size = path.stat().st_size
    small = size <= images.PREVIEW_LIMIT
    record.update(
        signature=md5_of(path),
        mimeType=images.sniff_mime(head),
        sizeOriginal=size,
        sizeActual=size,
        encryption=bool(bucket["encryption"]) and small,
        compression=bucket["compression"] if small else "none",
    )


# ---------------------------------------------------------------- reading


async def list_files(request: Request):
    who = caller(request)
    require_scope(who, "files.read")
    bucket = _bucket(request, who)
    args = await p.params_of(request)
    query = listing.parse(args.optional("queries", lambda v: v), FILE_ATTRIBUTES, FILE_TYPES)
    search = args.optional("search", p.text(256), "")
    count_total = args.optional("total", p.boolean, True)
    valid = access.require_bucket(who, bucket, "read")
    store = service(request).store
    pushed = _pushed_down(query) if valid and not search else None
    if pushed is not None:  # SQLite filters, orders and pages: only the page is read
        total, page = listed_by_sqlite(store, bucket["$id"], query, pushed, count_total)
        return json_response(models.file_list(total, page))
    files = store.files(bucket["$id"])
    if not valid:
        files = [f for f in files if access.file_allows(who, f, "read")]
    if search:
        files = [f for f in files if listing.fulltext_match(f"{f['$id']} {f['name']}", search)]
    total, page = listing.apply(files, query, cursor_label="File", count_total=count_total)
    return json_response(models.file_list(total, page))


# A list of files SQLite can answer alone, with the same result as `listing.apply` over the
# whole bucket (tests/emulator/test_storage_list_pushdown.py compares them): every file
# readable (the bucket grants it), no search, no cursor, filters that compare the id or the
# two dates with text values, ordered by `$id` or `$sequence`. The nightly walks of a
# bucket of 100,000 covers list pages by id like this.
_PUSHED_ATTRIBUTES = {
    "$id": "id",
    "$createdAt": "json_extract(doc, '$.\"$createdAt\"')",
    "$updatedAt": "json_extract(doc, '$.\"$updatedAt\"')",
}
_PUSHED_OPERATORS = {
    "lessThan": "<",
    "lessThanEqual": "<=",
    "greaterThan": ">",
    "greaterThanEqual": ">=",
}
_PUSHED_ORDERS = {"$id": "id", "$sequence": "seq"}


def _pushed_down(query: listing.ListQuery) -> tuple[list, str, bool] | None:
    """The SQL conditions, order column and direction of a list SQLite can page alone, or
    None (the list is then filtered in Python)."""
    if query.cursor is not None or len(query.orders) > 1:
        return None
    where = []
    by_ids = False  # an `$id` equality: a handful of files, found by (bucket, id)
    for found in query.filters:
        column = _PUSHED_ATTRIBUTES.get(found.get("attribute"))
        values = found["values"]
        if column is None or not values or not all(isinstance(v, str) for v in values):
            return None
        if found["method"] == "equal":
            where.append((f"{column} IN ({', '.join('?' * len(values))})", values))
            by_ids = by_ids or column == "id"
        elif found["method"] in _PUSHED_OPERATORS and len(values) == 1:
            where.append((f"{column} {_PUSHED_OPERATORS[found['method']]} ?", values))
        else:
            return None
    attribute, descending = query.orders[0] if query.orders else ("$sequence", False)
    order = _PUSHED_ORDERS.get(attribute)
    if order is None:
        return None
    # `+`: not an index's order — else SQLite may walk the whole bucket in `seq` order
    # rather than look the few ids up and sort them
    return where, f"+{order}" if by_ids else order, descending


def listed_by_sqlite(
    store, bucket_id: str, query: listing.ListQuery, pushed: tuple, count_total: bool
) -> tuple[int, list[dict]]:
    """(total, page) of a list `_pushed_down` accepted."""
    where, order, descending = pushed
    page = store.files_page(bucket_id, where, order, descending, query.limit, query.offset)
    total = store.count_files(bucket_id, where, listing.TOTAL_CAP) if count_total else 0
    return total, page


async def get_file(request: Request):
    _, _, found = _reader(request)
    return json_response(models.file(found))


def _bytes_of(request: Request, bucket: dict, found: dict) -> bytes:
    data = service(request).blobs.read(bucket["$id"], found["$id"])
    if data is None:  # an upload still missing chunks has no bytes yet
        raise AppwriteError("storage_file_not_found")
    return data


def _ranged(request: Request, data: bytes, content_type: str, headers: dict) -> Response:
    """The whole body, or the `Range: bytes=a-b` part of it (206) as Appwrite serves it."""
    header = request.headers.get("range", "")
    if not header:
        return Response(data, media_type=content_type, headers=headers)
    size = len(data)
    match = _RANGE.match(header.strip())
    if match is None:
        raise AppwriteError("storage_invalid_range")
    start = int(match.group(2))
    end = int(match.group(3)) if match.group(3) else None
    if end is None or end - start > images.PREVIEW_LIMIT:
        end = min(start + images.PREVIEW_LIMIT - 1, size - 1)
    if match.group(1) != "bytes" or start >= end or end >= size:
        raise AppwriteError("storage_invalid_range")
    headers = dict(headers)
    headers.update({"Accept-Ranges": "bytes", "Content-Range": f"bytes {start}-{end}/{size}"})
    return Response(data[start : end + 1], 206, media_type=content_type, headers=headers)


async def download_file(request: Request):
    _, bucket, found = _reader(request)
    headers = {
        "Cache-Control": CACHE_CONTROL,
        "Content-Disposition": f'attachment; filename="{found["name"]}"',
    }
    return _ranged(request, _bytes_of(request, bucket, found), found["mimeType"], headers)


async def view_file(request: Request):
    _, bucket, found = _reader(request)
    content_type = found["mimeType"] if found["mimeType"] in VIEWABLE else "text/plain"
    headers = {
        "Content-Security-Policy": "script-src none;",
        "X-Content-Type-Options": "nosniff",
        "Content-Disposition": f'inline; filename="{found["name"]}"',
        "Cache-Control": CACHE_CONTROL,
    }
    return _ranged(request, _bytes_of(request, bucket, found), content_type, headers)


def _hex_color(value):
    if not isinstance(value, str) or not _HEX_COLOR.match(value):
        raise p.Invalid("Value must be a valid hex color code")
    return value


def _float_range(minimum: float, maximum: float):
    def check(value):
        try:
            number = float(value)
        except (TypeError, ValueError):
            number = math.nan
        if isinstance(value, bool) or not minimum <= number <= maximum:
            raise p.Invalid(f"Value must be a valid range between {minimum:g} and {maximum:g}")
        return number

    return check


async def preview_file(request: Request):
    who = caller(request)
    require_scope(who, "files.read")
    bucket = _bucket(request, who)
    args = await p.params_of(request)
    options = {
        "width": args.optional("width", p.integer_range(0, 4000), 0),
        "height": args.optional("height", p.integer_range(0, 4000), 0),
        "gravity": args.optional("gravity", one_of(images.GRAVITIES), "center"),
        "quality": args.optional("quality", p.integer_range(-1, 100), -1),
        "border_width": args.optional("borderWidth", p.integer_range(0, 100), 0),
        "border_color": args.optional("borderColor", _hex_color, ""),
        "border_radius": args.optional("borderRadius", p.integer_range(0, 4000), 0),
        "opacity": args.optional("opacity", _float_range(0, 1), 1.0),
        "rotation": args.optional("rotation", p.integer_range(-360, 360), 0),
        "background": args.optional("background", _hex_color, ""),
    }
    output = args.optional("output", one_of(tuple(images.PREVIEW_OUTPUTS)), "")
    if not bucket["transformations"] and not who.is_privileged:
        raise AppwriteError("storage_bucket_transformations_disabled")
    valid = access.require_bucket(who, bucket, "read")
    found = _readable_file(request, who, bucket, valid)
    extension = _extension(found["name"])
    if found["mimeType"] in images.PREVIEW_INPUTS.values() and (
        found["sizeActual"] <= images.PREVIEW_LIMIT
    ):
        source = _bytes_of(request, bucket, found)
    else:  # not an image (or too large to transform): Appwrite's placeholder picture
        source, extension = images.placeholder(), "png"
        options["background"] = options["background"] or images.PLACEHOLDER_BACKGROUND
    if not output:
        if extension and extension not in images.PREVIEW_OUTPUTS:
            extension = "jpg"
        output = extension or next(
            (k for k, v in images.PREVIEW_OUTPUTS.items() if v == found["mimeType"]), "jpg"
        )
    try:
        data = images.render(source, output=output, **options)
    except images.NotAnImage as exc:
        raise AppwriteError("storage_file_type_unsupported", str(exc)) from None
    return Response(
        data,
        media_type=images.PREVIEW_OUTPUTS.get(output, "image/jpeg"),
        headers={"Cache-Control": "private, max-age=2592000"},
    )


# ---------------------------------------------------------------- writing


async def update_file(request: Request):
    who = caller(request)
    require_scope(who, "files.write")
    bucket = _bucket(request, who)
    file_id = p.path_id(request, "fileId")
    args = await p.params_of(request)
    name = args.optional("name", p.text(128))
    permissions = args.optional("permissions", FILE_PERMISSIONS)
    valid = access.require_bucket(who, bucket, "update")
    store = service(request).store
    found = store.file(bucket["$id"], file_id)  # read permission is not required to update
    if found is None:
        raise AppwriteError("storage_file_not_found")
    if permissions is not None:
        access.require_grantable(who, permissions)
    if not valid and not access.file_allows(who, found, "update"):
        raise AppwriteError(
            "user_unauthorized", access.denial("update", found["$permissions"], who.roles)
        )
    changed = dict(found, **{"$updatedAt": clock.iso()})
    if permissions is not None:
        changed["$permissions"] = permissions
    if name is not None:
        changed["name"] = name
    model = models.file(store.replace_file(changed))
    params = {"bucketId": bucket["$id"], "fileId": file_id}
    publish(request, events.FILE.format(action="update"), params, model)
    return json_response(model)


async def delete_file(request: Request):
    who = caller(request)
    require_scope(who, "files.write")
    bucket = _bucket(request, who)
    file_id = p.path_id(request, "fileId")
    valid = access.require_bucket(who, bucket, "delete")
    storage = service(request)
    found = storage.store.file(bucket["$id"], file_id)  # nor to delete
    if found is None:
        raise AppwriteError("storage_file_not_found")
    if not valid and not access.file_allows(who, found, "delete"):
        raise AppwriteError(
            "user_unauthorized", access.denial("delete", found["$permissions"], who.roles)
        )
    storage.store.delete_file(bucket["$id"], file_id)
    storage.blobs.delete(bucket["$id"], file_id)
    params = {"bucketId": bucket["$id"], "fileId": file_id}
    publish(request, events.FILE.format(action="delete"), params, models.file(found))
    return no_content()


def routes() -> list[Route]:
    files = "/storage/buckets/{bucketId}/files"
    one = f"{files}/{{fileId}}"
    return [
        Route(files, list_files, methods=["GET"]),
        Route(files, create_file, methods=["POST"]),
        Route(one, get_file, methods=["GET"]),
        Route(one, update_file, methods=["PUT"]),
        Route(one, delete_file, methods=["DELETE"]),
        Route(f"{one}/download", download_file, methods=["GET"]),
        Route(f"{one}/view", view_file, methods=["GET"]),
        Route(f"{one}/preview", preview_file, methods=["GET"]),
    ]
