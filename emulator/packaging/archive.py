"""The deployment archive: a gzipped tar of the collected files, and its safe unpacking.

Like the CLI's archive, it holds regular files only (symlinks already resolved to
the files they point at), no directory entries; parents are made when unpacking.
"""

from __future__ import annotations

import gzip
import io
import os
import tarfile
import zlib
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from .errors import PackagingError, UnsafeArchiveEntry
from .walk import PackedFile


def pack(files: Iterable[PackedFile], *, level: int = 9) -> bytes:
    """A tar.gz (bytes) of `files`, each stored under its deployment path; `level` is gzip's
    (the same files whatever it is)."""
    buffer = io.BytesIO()
    with (
        gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0, compresslevel=level) as compressed,
        tarfile.open(fileobj=compressed, mode="w", format=tarfile.PAX_FORMAT) as archive,
    ):
        for file in files:
            stat = os.stat(file.source)
            info = tarfile.TarInfo(file.path)
            info.size = stat.st_size
            info.mode = stat.st_mode & 0o777
            info.mtime = int(stat.st_mtime)
            with open(file.source, "rb") as content:
                archive.addfile(info, content)
    return buffer.getvalue()


def extract(archive_bytes: bytes, dest: str | os.PathLike[str]) -> Path:
    """Unpack a deployment archive into `dest` (missing or empty); returns `dest`.

    A deployment starts from an empty folder, so no stale file can mask a missing
    one. Refuses, before writing anything, entries with absolute paths, `..` parts,
    or any type other than a regular file or a directory (links, devices).
    """
    target = Path(dest)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise PackagingError(f"Deployment folder is not empty: {target}")
    try:
        data = zlib.decompress(archive_bytes, wbits=zlib.MAX_WBITS | 16)  # gunzip once
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:") as archive:
            members = archive.getmembers()
            for member in members:
                _check(member)
            target.mkdir(parents=True, exist_ok=True)
            archive.extractall(target, members=members, filter="data")
    except (tarfile.TarError, OSError, EOFError, zlib.error) as error:
        raise PackagingError(f"Not a readable tar.gz archive: {error}") from error
    return target


def _check(member: tarfile.TarInfo) -> None:
    name = member.name
    parts = PurePosixPath(name).parts
    if name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":"):
        raise UnsafeArchiveEntry(f"Archive entry has an absolute path: {name!r}")
    if ".." in parts or "\\" in name:
        raise UnsafeArchiveEntry(f"Archive entry leaves the destination: {name!r}")
    if not (member.isreg() or member.isdir()):
        raise UnsafeArchiveEntry(f"Archive entry is not a regular file or directory: {name!r}")
