"""Storage: buckets and files, their bytes under the data dir, and image previews.

Routes: `routes_buckets.py` (buckets, key only), `routes_files.py` (files: upload, chunked
uploads, list, get, update, delete, download, view, preview); `routes.py` lists them.
Model: `store.py` (SQLite: buckets and file records), `blobs.py` (the bytes, written
atomically, and the chunks of uploads in progress), `images.py` (MIME sniffing and
previews with Pillow), `access.py` (bucket-then-file permissions), `models.py` (response
shapes); `provision.py` creates what appwrite.json's `buckets` declares.
"""

from . import errors  # noqa: F401  (registers the service's error types)
