"""Keeps a 64 px preview of each photo in `thumbnails` (same file id); removes it with the photo.

Runs on `buckets.photos.files.*.create|delete` with the execution's dynamic key: the
preview is rendered by Storage itself, so the function needs no imaging library."""

import os

from appwrite.client import Client
from appwrite.input_file import InputFile
from appwrite.services.storage import Storage


def main(context):
    event = context.req.headers.get("x-appwrite-event", "")
    photo = context.req.body
    client = (
        Client()
        .set_endpoint(os.environ["APPWRITE_FUNCTION_API_ENDPOINT"])
        .set_project(os.environ["APPWRITE_FUNCTION_PROJECT_ID"])
        .set_key(context.req.headers["x-appwrite-key"])
    )
    storage = Storage(client)
    if event.endswith(".delete"):
        storage.delete_file("thumbnails", photo["$id"])
        return context.res.json({"deleted": photo["$id"]})
    preview = storage.get_file_preview("photos", photo["$id"], width=64, output="png")
    storage.create_file(
        "thumbnails", photo["$id"], InputFile.from_bytes(preview, photo["$id"] + ".png")
    )
    context.log(f"thumbnail for {photo['$id']}: {len(preview)} bytes")
    return context.res.json({"thumbnail": photo["$id"], "bytes": len(preview)})
