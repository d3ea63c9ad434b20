"""Issue 9 item 10: the SQLite database holds the admin API key, the JWT signing secret and
password hashes, so it, its WAL and SHM files, and their folders are readable by the owner
only (0600/0700, as credentials.json) — in a new data dir and in one an older emulator
left readable by everyone."""

from __future__ import annotations

import os
import pathlib
import stat

from appwrite.services.users import Users

from emulator.stack import Stack

LAB = pathlib.Path(__file__).resolve().parents[1] / "triggers" / "lab" / "appwrite.json"
DATABASE_FILES = ("emulator.sqlite3", "emulator.sqlite3-wal", "emulator.sqlite3-shm")


def mode(path: pathlib.Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def modes(data: pathlib.Path) -> dict[str, str]:
    paths = [data, data / "db", data / "credentials.json"]
    paths += [data / "db" / name for name in DATABASE_FILES]
    return {str(p.relative_to(data.parent)): oct(mode(p)) for p in paths}


def private(data: pathlib.Path) -> dict[str, str]:
    return {
        str(p.relative_to(data.parent)): oct(0o700 if p.is_dir() else 0o600)
        for p in [data, data / "db", data / "credentials.json"]
        + [data / "db" / name for name in DATABASE_FILES]
    }


def write_something(stack: Stack) -> None:
    """A write, so that SQLite has created its WAL and SHM files."""
    from appwrite.client import Client

    client = Client().set_endpoint(stack.endpoint).set_project(stack.project_id)
    Users(client.set_key(stack.api_key)).create("unique()", email="modes@example.com")


def test_a_data_dir_is_private_new_and_when_an_older_emulator_left_it_readable(tmp_path):
    data = tmp_path / "data"
    with Stack.start(LAB, data_dir=data, realtime_cron=False) as stack:
        write_something(stack)
        assert modes(data) == private(data)
        for name in DATABASE_FILES:  # as an older emulator left them
            os.chmod(data / "db" / name, 0o644)
        os.chmod(data / "db", 0o755)
        os.chmod(data, 0o755)
    with Stack.start(LAB, data_dir=data, realtime_cron=False):
        assert modes(data) == private(data)


def test_a_shared_sticky_folder_is_left_alone(tmp_path):
    """A data dir such as /tmp (sticky, shared) keeps its mode; the db folder is private."""
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o1777)
    with Stack.start(LAB, data_dir=shared, realtime_cron=False):
        assert mode(shared) == 0o1777
        assert mode(shared / "db") == 0o700
        assert mode(shared / "db" / "emulator.sqlite3") == 0o600
