"""The registry keeps table definitions between requests (issue 13, item 6): whatever changes
the database — a schema route, a rollback, another process on the same file, a restore — the
next read sees the change."""

from __future__ import annotations

import sqlite3

import pytest

from emulator.core.errors import AppwriteError
from emulator.core.sqlite import Database
from emulator.services.tablesdb import columns as col
from emulator.services.tablesdb.registry import Registry

pytestmark = pytest.mark.sdk_free  # no SDK call: the SDK 27 pass of `make test` skips it


def _spec(key: str) -> dict:
    return col.build_spec("varchar", {"key": key, "size": 32, "required": False})


@pytest.fixture
def registry(tmp_path):
    registry = Registry(Database(tmp_path / "db"))
    registry.create_database("d", "D", True)
    registry.create_table("d", "t", "T", [], True, True)
    return registry


def keys(registry: Registry) -> list[str]:
    return [c["key"] for c in registry.get_table("d", "t").columns]


def test_a_definition_read_twice_is_the_same_until_something_changes(registry):
    first = registry.get_table("d", "t")
    assert registry.get_table("d", "t") is first  # kept
    registry.add_column(first, _spec("title"))
    assert keys(registry) == ["title"]
    registry.update_table(registry.get_table("d", "t"), "Renamed", [], True, True)
    assert registry.get_table("d", "t").name == "Renamed"


def test_a_change_made_by_another_process_is_seen(registry):
    registry.get_table("d", "t")
    other = sqlite3.connect(registry.db.path)
    with other:
        other.execute("UPDATE tablesdb_tables SET name = 'Elsewhere' WHERE id = 't'")
    other.close()
    assert registry.get_table("d", "t").name == "Elsewhere"


def test_what_a_rolled_back_transaction_read_is_not_kept(registry):
    with pytest.raises(RuntimeError), registry.db.transaction():
        registry.add_column(registry.get_table("d", "t"), _spec("draft"))
        assert keys(registry) == ["draft"]  # inside: the uncommitted column
        raise RuntimeError("roll back")
    assert keys(registry) == []


def test_a_restore_brings_the_old_definition_back(registry):
    snapshot = registry.db.snapshot()
    registry.add_column(registry.get_table("d", "t"), _spec("later"))
    assert keys(registry) == ["later"]
    registry.db.restore(snapshot)
    assert keys(registry) == []


def test_a_deleted_table_is_gone(registry):
    registry.get_table("d", "t")
    registry.delete_table(registry.get_table("d", "t"))
    with pytest.raises(AppwriteError):
        registry.get_table("d", "t")
