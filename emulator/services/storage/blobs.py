"""The bytes of files, under `<data dir>/storage/<bucketId>/<fileId>`.

Every write is atomic: the bytes go to a temporary file in the same folder, are flushed to
disk, and the temporary file is renamed over the final name, so a crash never leaves half a
file. Chunked uploads keep each received chunk as `<data dir>/storage/.uploads/<bucketId>/
<fileId>/<index>.part` (chunks may arrive in any order, SDK 27 sends them in parallel) until
all are there; then they are joined into the file the same atomic way and the parts removed.
Ids reach paths only after the routes validated them (no `/`, never starting with `.`).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import tempfile
from pathlib import Path

UPLOADS = ".uploads"  # bucket ids never start with a dot, so this never names a bucket


class Blobs:
    def __init__(self, root: Path):
        self.root = root
        self._scratch: tempfile.TemporaryDirectory | None = None

    @classmethod
    def temporary(cls, prefix: str) -> Blobs:
        """Blobs in a new temporary folder, removed when these blobs are collected (or, at
        the latest, when the process exits)."""
        scratch = tempfile.TemporaryDirectory(prefix=prefix)
        blobs = cls(Path(scratch.name))
        blobs._scratch = scratch
        return blobs

    def path(self, bucket_id: str, file_id: str) -> Path:
        return self.root / bucket_id / file_id

    def _upload_dir(self, bucket_id: str, file_id: str) -> Path:
        return self.root / UPLOADS / bucket_id / file_id

    # ---------------------------------------------------------------- whole files

    def write(self, bucket_id: str, file_id: str, data: bytes) -> None:
        _atomic_write(self.path(bucket_id, file_id), [data])

    def read(self, bucket_id: str, file_id: str) -> bytes | None:
        try:
            return self.path(bucket_id, file_id).read_bytes()
        except FileNotFoundError:
            return None

    def exists(self, bucket_id: str, file_id: str) -> bool:
        return self.path(bucket_id, file_id).is_file()

    def delete(self, bucket_id: str, file_id: str) -> None:
        self.path(bucket_id, file_id).unlink(missing_ok=True)
        self.discard_upload(bucket_id, file_id)

    def delete_bucket(self, bucket_id: str) -> None:
        shutil.rmtree(self.root / bucket_id, ignore_errors=True)
        shutil.rmtree(self.root / UPLOADS / bucket_id, ignore_errors=True)

    # ---------------------------------------------------------------- chunked uploads

    def put_chunk(self, bucket_id: str, file_id: str, index: int, data: bytes) -> int:
        """Keep chunk `index` (1-based); returns how many distinct chunks are there now."""
        folder = self._upload_dir(bucket_id, file_id)
        _atomic_write(folder / f"{index}.part", [data])
        return len(self.chunk_indexes(bucket_id, file_id))

    def chunk_indexes(self, bucket_id: str, file_id: str) -> set[int]:
        folder = self._upload_dir(bucket_id, file_id)
        if not folder.is_dir():
            return set()
        return {int(p.stem) for p in folder.glob("*.part") if p.stem.isdigit()}

    def assemble(self, bucket_id: str, file_id: str, chunks: int) -> None:
        """Join chunks 1..`chunks` into the file (atomically) and drop the parts."""
        folder = self._upload_dir(bucket_id, file_id)
        parts = (folder / f"{index}.part" for index in range(1, chunks + 1))
        _atomic_write(self.path(bucket_id, file_id), (p.read_bytes() for p in parts))
        self.discard_upload(bucket_id, file_id)

    def discard_upload(self, bucket_id: str, file_id: str) -> None:
        shutil.rmtree(self._upload_dir(bucket_id, file_id), ignore_errors=True)


def _atomic_write(target: Path, pieces) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    try:
        with os.fdopen(handle, "wb") as out:
            for piece in pieces:
                out.write(piece)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def md5_of(path: Path) -> str:
    digest = hashlib.md5(usedforsecurity=False)
    with path.open("rb") as source:
        for block in iter(lambda: source.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
