"""The console's Storage page on a project with buckets: buckets, their files, previews."""

import io
import pathlib

import pytest
from appwrite.input_file import InputFile
from appwrite.services.storage import Storage
from PIL import Image

from emulator.testclient import AppwriteTestClient
from tests.console.conftest import Console

PROJECT = pathlib.Path(__file__).resolve().parents[1] / "projects" / "storage" / "appwrite.json"


@pytest.fixture(scope="module")
def storage_lab(tmp_path_factory):
    with AppwriteTestClient.start(PROJECT, data_dir=tmp_path_factory.mktemp("console")) as lab:
        picture = io.BytesIO()
        Image.new("RGB", (800, 600), "orange").save(picture, "PNG")
        storage = Storage(lab.admin_client())
        storage.create_file("photos", "sunset", InputFile.from_bytes(picture.getvalue(), "s.png"))
        storage.create_file("thumbnails", "readme", InputFile.from_bytes(b"text", "readme.txt"))
        lab.wait_for_executions()
        yield lab


def test_buckets_files_and_previews(storage_lab):
    console = Console(storage_lab)
    assert console.login(storage_lab.stack.api_key).status_code == 303
    assert 'data-nav="storage"' in console.get("/").text
    buckets = console.get("/storage")
    assert buckets.status_code == 200 and "Photos" in buckets.text and "Thumbnails" in buckets.text
    photos = console.get("/storage/photos")
    assert photos.status_code == 200 and "s.png" in photos.text
    assert "/console/storage/photos/sunset/preview" in photos.text
    preview = console.get("/storage/photos/sunset/preview")
    assert preview.status_code == 200 and preview.headers["content-type"] == "image/png"
    assert Image.open(io.BytesIO(preview.content)).size == (240, 180)
    assert "/readme/preview" not in console.get("/storage/thumbnails").text  # text: no preview
    assert console.get("/storage/nope").status_code == 404
