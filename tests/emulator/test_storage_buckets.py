"""Buckets through the SDK, the events Storage publishes, and the bytes on disk: written
under the data dir, kept across a restart, removed with their file or bucket."""

from __future__ import annotations

import pytest
from appwrite.client import Client
from appwrite.exception import AppwriteException
from appwrite.input_file import InputFile
from appwrite.query import Query
from appwrite.services.storage import Storage

from emulator.core.state import EmulatorState
from emulator.server import start
from emulator.triggers.events import generate_events
from tests.emulator.conftest import PROJECT_ID, as_dict
from tests.emulator.storage_support import new_bucket


def test_bucket_crud_with_appwrites_defaults(admin_client):
    storage = Storage(admin_client)
    made = new_bucket(admin_client, permissions=['write("users")'], file_security=True)
    assert made["$permissions"] == ['create("users")', 'update("users")', 'delete("users")']
    assert (made["maximumFileSize"], made["compression"], made["encryption"]) == (
        30_000_000,
        "none",
        True,
    )
    assert made["allowedFileExtensions"] == [] and made["totalSize"] == 0
    updated = as_dict(
        storage.update_bucket(made["$id"], "Renamed", maximum_file_size=1024, compression="gzip")
    )
    assert updated["name"] == "Renamed" and updated["maximumFileSize"] == 1024
    assert updated["fileSecurity"] is False  # an update resets what it does not name
    assert updated["$permissions"] == made["$permissions"]  # except permissions
    listed = as_dict(storage.list_buckets([Query.equal("name", ["Renamed"])]))
    assert [b["$id"] for b in listed["buckets"]] == [made["$id"]]
    storage.delete_bucket(made["$id"])
    with pytest.raises(AppwriteException) as caught:
        storage.get_bucket(made["$id"])
    assert (caught.value.code, caught.value.type) == (404, "storage_bucket_not_found")


def test_bucket_parameters_are_validated(admin_client):
    storage = Storage(admin_client)
    with pytest.raises(AppwriteException) as caught:
        storage.create_bucket("big", "Big", maximum_file_size=30_000_001)
    assert caught.value.message == (
        "Invalid `maximumFileSize` param: Value must be a valid range between 1 and 30,000,000"
    )
    new_bucket(admin_client, name="dup-check")
    bucket_id = as_dict(storage.list_buckets(search="dup-check"))["buckets"][0]["$id"]
    with pytest.raises(AppwriteException) as caught:
        storage.create_bucket(bucket_id, "again")
    assert (caught.value.code, caught.value.type) == (409, "storage_bucket_already_exists")


class Recorder:
    def __init__(self):
        self.events = []

    def on_write(self, event):
        self.events.append(event)


def test_file_writes_publish_appwrites_events(emulator, admin_client):
    storage = Storage(admin_client)
    bucket = new_bucket(admin_client)
    recorder = Recorder()
    emulator.state.subscribe(recorder)
    try:
        storage.create_file(bucket["$id"], "f1", InputFile.from_bytes(b"x", "x.txt"))
        storage.update_file(bucket["$id"], "f1", name="y.txt")
        storage.delete_file(bucket["$id"], "f1")
    finally:
        emulator.state.unsubscribe(recorder)
    fired = [generate_events(e.pattern, e.params)[0] for e in recorder.events]
    assert fired == [
        f"buckets.{bucket['$id']}.files.f1.create",
        f"buckets.{bucket['$id']}.files.f1.update",
        f"buckets.{bucket['$id']}.files.f1.delete",
    ]
    names = generate_events(recorder.events[0].pattern, recorder.events[0].params)
    assert "buckets.*.files.*.create" in names and "buckets.*.files.*" in names
    assert recorder.events[1].payload["name"] == "y.txt"


def test_bytes_persist_across_a_restart_and_go_with_their_bucket(tmp_path):
    state = EmulatorState.open(tmp_path / "data", project_id=PROJECT_ID)
    running = start(state)
    client = Client().set_endpoint(running.endpoint).set_project(PROJECT_ID)
    storage = Storage(client.set_key(state.admin_key))
    try:
        storage.create_bucket("keep", "Keep")
        storage.create_file("keep", "a", InputFile.from_bytes(b"first", "a.txt"))
        storage.create_file("keep", "b", InputFile.from_bytes(b"second", "b.txt"))
    finally:
        running.stop()
        state.db.close()
    on_disk = tmp_path / "data" / "storage" / "keep"
    assert sorted(p.name for p in on_disk.iterdir()) == ["a", "b"]

    state = EmulatorState.open(tmp_path / "data", project_id=PROJECT_ID)
    running = start(state)
    client = Client().set_endpoint(running.endpoint).set_project(PROJECT_ID)
    storage = Storage(client.set_key(state.admin_key))
    try:
        assert storage.get_file_download("keep", "a") == b"first"
        assert as_dict(storage.get_bucket("keep"))["totalSize"] == len(b"first") + len(b"second")
        storage.delete_file("keep", "a")
        assert not (on_disk / "a").exists()
        storage.delete_bucket("keep")
        assert not on_disk.exists()
    finally:
        running.stop()
        state.db.close()
