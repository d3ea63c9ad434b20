"""What every Storage route shares: the backend (records and bytes), loading the path's
bucket, the bucket operations provisioning reuses, and announcing writes."""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request

from emulator.core import clock
from emulator.core import permissions as perms
from emulator.core.errors import AppwriteError
from emulator.core.state import EmulatorState, WriteEvent
from emulator.http.request import state_of
from emulator.services.identity.callers import caller
from emulator.services.storage import models
from emulator.services.storage.blobs import Blobs
from emulator.services.storage.store import Conflict, Store

STORAGE_FOLDER = "storage"
STORAGE_LIMIT = 30_000_000  # _APP_STORAGE_LIMIT's default: the largest maximumFileSize
CHUNK_SIZE = 5 * 1024 * 1024  # APP_LIMIT_UPLOAD_CHUNK_SIZE
COMPRESSIONS = ("none", "gzip", "zstd")
BUCKET_DEFAULTS = {
    "fileSecurity": False,
    "enabled": True,
    "maximumFileSize": STORAGE_LIMIT,
    "allowedFileExtensions": [],
    "compression": "none",
    "encryption": True,
    "antivirus": True,
    "transformations": True,
}


class Storage:
    """The bucket and file records (SQLite) and the bytes (files under the data dir)."""

    def __init__(self, state: EmulatorState):
        self.store = Store(state.db)
        if state.data_dir is not None:
            self.blobs = Blobs(Path(state.data_dir) / STORAGE_FOLDER)
        else:  # an in-memory emulator keeps its bytes in a temporary folder, removed with it
            self.blobs = Blobs.temporary(prefix="appwrite-emulator-storage-")

    # ---------------------------------------------------------------- buckets

    def bucket(self, bucket_id: str) -> dict:
        found = self.store.bucket(bucket_id)
        if found is None:
            raise AppwriteError("storage_bucket_not_found")
        return found

    def create_bucket(self, bucket_id: str, name: str, settings: dict) -> dict:
        now = clock.iso()
        doc = {"$id": bucket_id, "$createdAt": now, "$updatedAt": now, "name": name}
        doc.update(BUCKET_DEFAULTS)
        doc.update(settings)
        doc["$permissions"] = perms.normalize(
            doc.get("$permissions") or [], perms.TABLE_ACTIONS, table_level=True
        )
        try:
            return self.store.insert_bucket(doc)
        except Conflict:
            raise AppwriteError("storage_bucket_already_exists") from None

    def update_bucket(self, bucket: dict, name: str, settings: dict) -> dict:
        doc = dict(bucket, name=name, **settings)
        doc["$permissions"] = perms.normalize(
            doc["$permissions"], perms.TABLE_ACTIONS, table_level=True
        )
        doc["$updatedAt"] = clock.iso()
        return self.store.replace_bucket(doc)

    def delete_bucket(self, bucket: dict) -> None:
        """The bucket, its file records and every byte of its files."""
        self.store.delete_bucket(bucket["$id"])
        self.blobs.delete_bucket(bucket["$id"])

    def bucket_model(self, bucket: dict) -> dict:
        return models.bucket(bucket, self.store.total_size(bucket["$id"]))


def service(request: Request) -> Storage:
    """The backend the app was built with (`emulator.app.create_app` sets `app.state.storage`)."""
    return request.app.state.storage


def publish(request: Request, pattern: str, params: dict[str, str], payload: dict) -> None:
    """Announce a committed write (subscribed functions run on Appwrite's event names)."""
    state_of(request).publish(WriteEvent(pattern, params, payload, caller(request)))
