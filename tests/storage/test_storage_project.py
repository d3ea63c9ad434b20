"""A small project of its own (tests/projects/storage): buckets provisioned from its
appwrite.json, and a function subscribed to `buckets.photos.files.*.create|delete` that keeps
thumbnails — uploads through the SDK fire it in a real worker."""

from __future__ import annotations

import io
import pathlib
import subprocess
import sys

import pytest
from appwrite.exception import AppwriteException
from appwrite.input_file import InputFile
from appwrite.services.storage import Storage
from PIL import Image

from emulator.testclient import AppwriteTestClient

PROJECT = pathlib.Path(__file__).resolve().parents[1] / "projects" / "storage"
REPO = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    with AppwriteTestClient.start(
        PROJECT / "appwrite.json", data_dir=tmp_path_factory.mktemp("storage-lab")
    ) as client:
        yield client


@pytest.fixture(scope="module")
def photographer(lab):
    return lab.create_user("photographer@lab.test", "photographer-pw", "Photographer")


def _png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), "navy").save(out, "PNG")
    return out.getvalue()


def test_the_manifest_passes_emulator_check():
    result = subprocess.run(
        [sys.executable, "-m", "emulator", "check", "--manifest", str(PROJECT / "appwrite.json")],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_buckets_are_provisioned_from_appwrite_json(lab):
    storage = Storage(lab.admin_client())
    photos = storage.get_bucket("photos")
    assert photos["$permissions"] == ['read("any")', 'create("users")']
    assert (photos["fileSecurity"], photos["maximumFileSize"], photos["compression"]) == (
        True,
        2000000,
        "gzip",
    )
    assert photos["allowedFileExtensions"] == ["png", "jpg", "jpeg", "webp"]
    thumbnails = storage.get_bucket("thumbnails")  # absent settings take Appwrite's defaults
    assert (thumbnails["fileSecurity"], thumbnails["maximumFileSize"]) == (False, 30000000)


def test_an_upload_fires_the_subscribed_function(lab, photographer):
    storage = Storage(lab.as_user(photographer))
    with lab.caused_executions() as executions:
        photo = storage.create_file(
            "photos", "unique()", InputFile.from_bytes(_png(256, 128), "a.png")
        )
    assert photo["compression"] == "gzip" and photo["mimeType"] == "image/png"
    assert [e["functionId"] for e in executions] == ["thumbnailer"]
    assert executions[0]["status"] == "completed", executions[0]["errors"]
    assert executions[0]["trigger"] == "event"
    thumbnail = Storage(lab.guest_client()).get_file_download("thumbnails", photo["$id"])
    assert Image.open(io.BytesIO(thumbnail)).size == (64, 32)

    with lab.caused_executions() as executions:
        storage.delete_file("photos", photo["$id"])
    assert [e["status"] for e in executions] == ["completed"]
    with pytest.raises(AppwriteException) as caught:
        Storage(lab.admin_client()).get_file("thumbnails", photo["$id"])
    assert caught.value.type == "storage_file_not_found"


def test_the_buckets_rules_hold_for_users(lab, photographer):
    storage = Storage(lab.as_user(photographer))
    with pytest.raises(AppwriteException) as caught:
        storage.create_file("photos", "unique()", InputFile.from_bytes(b"GIF89a", "anim.gif"))
    assert (caught.value.type, caught.value.message) == (
        "storage_file_type_unsupported",
        "File extension not allowed",
    )
    with pytest.raises(AppwriteException) as caught:
        storage.create_file("thumbnails", "unique()", InputFile.from_bytes(_png(2, 2), "t.png"))
    assert caught.value.type == "user_unauthorized"
