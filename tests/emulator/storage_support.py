"""Helpers for the Storage tests: buckets made through the API, images made with Pillow."""

from __future__ import annotations

import io
import secrets

from appwrite.services.storage import Storage
from PIL import Image

from tests.emulator.conftest import as_dict


def new_bucket(admin_client, **settings) -> dict:
    """A fresh bucket (unique id) created with the admin key."""
    bucket_id = "b" + secrets.token_hex(6)
    return as_dict(
        Storage(admin_client).create_bucket(bucket_id, settings.pop("name", bucket_id), **settings)
    )


def png(width: int, height: int, color: str = "red") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, "PNG")
    return out.getvalue()


def size_of(data: bytes) -> tuple[int, int]:
    return Image.open(io.BytesIO(data)).size


def format_of(data: bytes) -> str:
    return Image.open(io.BytesIO(data)).format
