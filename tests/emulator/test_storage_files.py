"""Storage files through the official SDK (15.3 here, 27.x in .venv-sdk27): every InputFile
source round trips, chunked uploads, lists, previews, updates, deletes and Appwrite's errors."""

from __future__ import annotations

import hashlib
import os

import pytest
from appwrite.exception import AppwriteException
from appwrite.input_file import InputFile
from appwrite.query import Query
from appwrite.services.storage import Storage

from tests.emulator.conftest import SDK_VERSION, as_dict
from tests.emulator.storage_support import format_of, new_bucket, png, size_of

MB = 1024 * 1024


@pytest.fixture
def bucket(admin_client):
    return new_bucket(admin_client)


@pytest.fixture
def storage(admin_client):
    return Storage(admin_client)


def test_input_file_has_no_from_string():
    """The skill shows InputFile.from_string; neither SDK 15.3 nor 27 has it."""
    assert not hasattr(InputFile, "from_string")
    assert hasattr(InputFile, "from_path") and hasattr(InputFile, "from_bytes")


@pytest.mark.parametrize("source", ["path", "bytes", "text-as-bytes"])
def test_each_input_file_source_round_trips(storage, bucket, tmp_path, source):
    if source == "path":
        data = png(64, 32)
        path = tmp_path / "photo.png"
        path.write_bytes(data)
        upload, name, mime = InputFile.from_path(str(path)), "photo.png", "image/png"
    elif source == "bytes":
        data = os.urandom(2048)
        upload, name, mime = InputFile.from_bytes(data, "blob.bin"), "blob.bin", None
    else:  # what from_string would have been: encode the text yourself
        data = "Hello, Storage! ✓".encode()
        upload, name, mime = InputFile.from_bytes(data, "hello.txt"), "hello.txt", "text/plain"
    created = as_dict(storage.create_file(bucket["$id"], "unique()", upload))
    assert created["name"] == name and created["key"] == name and created["folder"] == ""
    assert created["sizeOriginal"] == len(data) and created["chunksTotal"] == 1
    assert created["chunksUploaded"] == 1
    assert created["signature"] == hashlib.md5(data).hexdigest()
    if mime:
        assert created["mimeType"] == mime
    fetched = as_dict(storage.get_file(bucket["$id"], created["$id"]))
    assert fetched["$id"] == created["$id"] and fetched["bucketId"] == bucket["$id"]
    assert storage.get_file_download(bucket["$id"], created["$id"]) == data
    assert storage.get_file_view(bucket["$id"], created["$id"]) == data


def test_a_12_mb_file_uploads_in_chunks(storage, bucket, tmp_path, emulator):
    data = os.urandom(12 * MB)
    path = tmp_path / "big.bin"
    path.write_bytes(data)
    created = as_dict(
        storage.create_file(bucket["$id"], "big-file", InputFile.from_path(str(path)))
    )
    assert created["$id"] == "big-file"
    assert (created["chunksTotal"], created["chunksUploaded"]) == (3, 3)
    assert created["sizeOriginal"] == 12 * MB
    assert created["signature"] == hashlib.md5(data).hexdigest()
    assert storage.get_file_download(bucket["$id"], "big-file") == data
    blobs = emulator.running.app.state.storage.blobs
    assert not blobs.chunk_indexes(bucket["$id"], "big-file")  # the parts are gone


def test_a_chunked_upload_with_a_server_made_id(storage, bucket):
    """SDK 15.3 sends the first chunk without x-appwrite-id; SDK 27 sends `x-appwrite-id:
    unique()`, which Appwrite 1.9.6's UID check refuses (storage_invalid_appwrite_id)."""
    data = os.urandom(6 * MB)
    upload = InputFile.from_bytes(data, "six.bin")
    if SDK_VERSION >= (27, 0):
        with pytest.raises(AppwriteException) as caught:
            storage.create_file(bucket["$id"], "unique()", upload)
        assert caught.value.type == "storage_invalid_appwrite_id"
        return
    created = as_dict(storage.create_file(bucket["$id"], "unique()", upload))
    assert created["chunksTotal"] == 2 and created["sizeOriginal"] == len(data)
    assert storage.get_file_download(bucket["$id"], created["$id"]) == data


def test_list_with_queries_and_search(storage, bucket):
    names = ["alpha.txt", "beta.png", "gamma.txt"]
    bodies = [b"a" * 10, png(8, 8), b"c" * 30]
    made = [
        as_dict(storage.create_file(bucket["$id"], f"f{i}", InputFile.from_bytes(body, name)))
        for i, (name, body) in enumerate(zip(names, bodies, strict=True))
    ]
    texts = as_dict(storage.list_files(bucket["$id"], [Query.equal("mimeType", ["text/plain"])]))
    assert texts["total"] == 2
    assert [f["name"] for f in texts["files"]] == ["alpha.txt", "gamma.txt"]
    big = as_dict(
        storage.list_files(
            bucket["$id"], [Query.greater_than("sizeOriginal", 20), Query.order_desc("name")]
        )
    )
    assert [f["name"] for f in big["files"]] == ["gamma.txt", "beta.png"]
    page = as_dict(storage.list_files(bucket["$id"], [Query.limit(1), Query.offset(1)]))
    assert page["total"] == 3 and [f["$id"] for f in page["files"]] == [made[1]["$id"]]
    found = as_dict(storage.list_files(bucket["$id"], search="gamma"))
    assert [f["name"] for f in found["files"]] == ["gamma.txt"]
    after = as_dict(storage.list_files(bucket["$id"], [Query.cursor_after("f0")]))
    assert [f["$id"] for f in after["files"]] == ["f1", "f2"]
    with pytest.raises(AppwriteException) as caught:
        storage.list_files(bucket["$id"], [Query.equal("path", ["x"])])
    assert (
        caught.value.code == 400 and "Attribute not found in schema: path" in caught.value.message
    )


@pytest.mark.parametrize(
    ("options", "size", "fmt"),
    [
        ({"width": 100}, (100, 50), "PNG"),
        ({"height": 40}, (80, 40), "PNG"),
        ({"width": 60, "height": 60}, (60, 60), "PNG"),
        ({"width": 50, "output": "jpg", "quality": 50}, (50, 25), "JPEG"),
        ({"width": 20, "output": "webp"}, (20, 10), "WEBP"),
        ({}, (400, 200), "PNG"),
    ],
)
def test_preview_dimensions_and_formats(storage, bucket, options, size, fmt):
    storage.create_file(bucket["$id"], "pic", InputFile.from_bytes(png(400, 200), "pic.png"))
    data = storage.get_file_preview(bucket["$id"], "pic", **options)
    assert size_of(data) == size and format_of(data) == fmt


def test_preview_of_a_non_image_is_appwrites_placeholder(storage, bucket):
    storage.create_file(bucket["$id"], "doc", InputFile.from_bytes(b"%PDF-1.4 minimal", "a.pdf"))
    data = storage.get_file_preview(bucket["$id"], "doc")
    assert size_of(data) == (1200, 800) and format_of(data) == "PNG"
    assert size_of(storage.get_file_preview(bucket["$id"], "doc", width=300)) == (300, 200)


def test_preview_checks_its_parameters(storage, bucket):
    storage.create_file(bucket["$id"], "pic", InputFile.from_bytes(png(10, 10), "pic.png"))
    with pytest.raises(AppwriteException) as caught:
        storage.get_file_preview(bucket["$id"], "pic", width=4001)
    assert caught.value.code == 400
    assert "Invalid `width` param: Value must be a valid range between 0 and 4,000" in (
        caught.value.message
    )


def test_update_name_and_permissions_then_delete(storage, bucket):
    storage.create_file(bucket["$id"], "doc", InputFile.from_bytes(b"x", "old.txt"))
    updated = as_dict(
        storage.update_file(bucket["$id"], "doc", name="new.txt", permissions=['write("users")'])
    )
    assert updated["name"] == "new.txt"
    assert updated["$permissions"] == ['update("users")', 'delete("users")']
    storage.delete_file(bucket["$id"], "doc")
    with pytest.raises(AppwriteException) as caught:
        storage.get_file(bucket["$id"], "doc")
    assert (caught.value.code, caught.value.type) == (404, "storage_file_not_found")
    assert caught.value.message == "The requested file could not be found."


def test_appwrites_errors(storage, admin_client):
    strict = new_bucket(admin_client, maximum_file_size=100, allowed_file_extensions=["png"])
    cases = [
        (lambda: storage.get_file("no-such-bucket", "x"), 404, "storage_bucket_not_found"),
        (
            lambda: storage.create_file(strict["$id"], "a", InputFile.from_bytes(b"x", "a.txt")),
            400,
            "storage_file_type_unsupported",
        ),
        (
            lambda: storage.create_file(
                strict["$id"], "b", InputFile.from_bytes(b"x" * 101, "b.png")
            ),
            400,
            "storage_invalid_file_size",
        ),
    ]
    for call, code, kind in cases:
        with pytest.raises(AppwriteException) as caught:
            call()
        assert (caught.value.code, caught.value.type) == (code, kind)
    storage.create_file(strict["$id"], "c", InputFile.from_bytes(png(2, 2), "c.PNG"))
    with pytest.raises(AppwriteException) as caught:
        storage.create_file(strict["$id"], "c", InputFile.from_bytes(png(2, 2), "c.png"))
    assert (caught.value.code, caught.value.type) == (409, "storage_file_already_exists")


def test_a_bad_content_range_is_refused(raw, bucket):
    response = raw.request(
        "POST",
        f"/storage/buckets/{bucket['$id']}/files",
        content=b'--x\r\nContent-Disposition: form-data; name="fileId"\r\n\r\nf1\r\n'
        b'--x\r\nContent-Disposition: form-data; name="file"; filename="a.bin"\r\n\r\n'
        b"abc\r\n--x--\r\n",
        headers={
            "content-type": "multipart/form-data; boundary=x",
            "content-range": "bytes 10-5/3",
        },
    )
    assert response.status_code == 400
    assert response.json()["type"] == "storage_invalid_content_range"


def test_download_honours_a_range(raw, storage, bucket):
    storage.create_file(bucket["$id"], "r", InputFile.from_bytes(b"0123456789", "r.txt"))
    response = raw.request(
        "GET",
        f"/storage/buckets/{bucket['$id']}/files/r/download",
        headers={"range": "bytes=2-5"},
        check_spec=False,
    )
    assert response.status_code == 206 and response.content == b"2345"
    assert response.headers["content-range"] == "bytes 2-5/10"
    assert response.headers["content-disposition"] == 'attachment; filename="r.txt"'
