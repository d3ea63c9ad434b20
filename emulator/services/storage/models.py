"""Response models of Storage: Bucket, File and their lists (Appwrite's field order).

File carries the fields of SDK 27's model (`folder`, `key`, `sizeActual`) besides those of
the 1.9.6 server; Bucket the 1.9.6 fields (SDK 27 fills `description` and `stripMetadata`
with their defaults).
"""

from __future__ import annotations

BUCKET_FIELDS = (
    "$id",
    "$createdAt",
    "$updatedAt",
    "$permissions",
    "fileSecurity",
    "name",
    "enabled",
    "maximumFileSize",
    "allowedFileExtensions",
    "compression",
    "encryption",
    "antivirus",
    "transformations",
)
FILE_FIELDS = (
    "$id",
    "bucketId",
    "$createdAt",
    "$updatedAt",
    "$permissions",
    "name",
    "folder",
    "key",
    "signature",
    "mimeType",
    "sizeOriginal",
    "sizeActual",
    "chunksTotal",
    "chunksUploaded",
    "encryption",
    "compression",
)


def bucket(doc: dict, total_size: int = 0) -> dict:
    out = {name: doc[name] for name in BUCKET_FIELDS}
    out["totalSize"] = total_size
    return out


def file(doc: dict) -> dict:
    out = {name: doc.get(name) for name in FILE_FIELDS}
    out["folder"] = doc.get("folder", "")
    out["key"] = out["folder"] + doc["name"]
    return out


def file_list(total: int, docs: list[dict]) -> dict:
    return {"total": total, "files": [file(d) for d in docs]}
