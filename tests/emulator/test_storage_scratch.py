"""An in-memory emulator (no data dir) keeps uploaded bytes in a temporary folder, and
removes that folder with it: when its storage backend is collected, and when the process
exits. Each in-memory emulator used to leave an `appwrite-emulator-storage-*` folder behind."""

from __future__ import annotations

import gc
import pathlib
import subprocess
import sys

import pytest

from emulator.core.state import EmulatorState
from emulator.services.storage.backend import Storage

pytestmark = pytest.mark.sdk_free  # no SDK call: the SDK 27 pass of `make test` skips it

REPO = pathlib.Path(__file__).resolve().parents[2]


def test_the_folder_goes_with_the_backend():
    state = EmulatorState.open(None, project_id="scratch")
    storage = Storage(state)
    root = storage.blobs.root
    storage.blobs.write("bucket", "file", b"bytes")
    assert (root / "bucket" / "file").read_bytes() == b"bytes"
    del storage
    gc.collect()
    assert not root.exists()
    state.db.close()


def test_the_folder_goes_when_the_process_exits():
    script = (
        "from emulator.app import create_app\n"
        "from emulator.core.state import EmulatorState\n"
        "app = create_app(EmulatorState.open(None, project_id='scratch'))\n"
        "app.state.storage.blobs.write('bucket', 'file', b'bytes')\n"
        "print(app.state.storage.blobs.root)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, check=True
    )
    root = pathlib.Path(done.stdout.strip())
    assert root.name.startswith("appwrite-emulator-storage-")
    assert not root.exists()


def test_a_data_dir_keeps_its_files(tmp_path):
    state = EmulatorState.open(tmp_path / "data", project_id="scratch")
    storage = Storage(state)
    storage.blobs.write("bucket", "file", b"bytes")
    root = storage.blobs.root
    del storage
    gc.collect()
    assert (root / "bucket" / "file").read_bytes() == b"bytes"
    state.db.close()
