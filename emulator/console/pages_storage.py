"""Storage: buckets, their files and previews."""

from __future__ import annotations

from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response

from .api import APIError
from .base import Console, page

PREVIEW_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp")


@page
async def storage(request: Request, console: Console) -> Response:
    buckets = (await console.api.get("/storage/buckets"))["buckets"]
    return await console.render(request, "storage.html", "storage", buckets=buckets)


@page
async def bucket(request: Request, console: Console) -> Response:
    bucket_id = request.path_params["bucketId"]
    found = await console.api.get(f"/storage/buckets/{quote(bucket_id)}")
    files = (await console.api.get(f"/storage/buckets/{quote(bucket_id)}/files"))["files"]
    return await console.render(
        request, "bucket.html", "storage", bucket=found, files=files, previews=PREVIEW_TYPES
    )


@page
async def preview(request: Request, console: Console) -> Response:
    """The file's preview (an image), fetched with the admin key for the browser."""
    bucket_id = request.path_params["bucketId"]
    file_id = request.path_params["fileId"]
    try:
        answer = await console.api.raw(
            f"/storage/buckets/{quote(bucket_id)}/files/{quote(file_id)}/preview",
            params={"width": 240},
        )
    except APIError:
        return Response(status_code=404)
    if answer.status_code != 200:
        return Response(status_code=404)
    kind = answer.headers.get("content-type", "application/octet-stream")
    if kind not in PREVIEW_TYPES:
        return Response(status_code=415)
    return Response(answer.content, media_type=kind, headers={"cache-control": "no-store"})
