"""What one running emulator holds: its SQLite store, project id, secrets, and who listens
to its writes.

`EmulatorState.open(data_dir, project_id)` is the one way to build it. With a data dir the
database is `<data_dir>/emulator.sqlite3` and the admin API key and signing secret are
created on first start and kept there (stable across restarts); without one everything
lives in memory and the key is random per process.

Services announce every committed write with `state.publish(WriteEvent(...))`; whoever
subscribed (`state.subscribe(listener)`: the executions service's event fan-out, a test
recorder) hears it. A service never knows who listens.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from emulator.core.callers import Caller
from emulator.core.sqlite import Database, meta_value

DATABASE_FILE = "emulator.sqlite3"


@dataclass(frozen=True)
class WriteEvent:
    """A committed write, as Appwrite's event pattern (`databases.[databaseId].tables...create`),
    the values of its parameters, the resource's model, and who wrote it."""

    pattern: str
    params: Mapping[str, str]
    payload: dict[str, Any]
    caller: Caller | None


class WriteListener(Protocol):
    def on_write(self, event: WriteEvent) -> None: ...


@dataclass
class EmulatorState:
    """Shared by every service of one emulator."""

    db: Database
    project_id: str
    data_dir: Path | None
    admin_key: str
    secret: str
    listeners: list[WriteListener] = field(default_factory=list)

    @classmethod
    def open(cls, data_dir: str | Path | None, project_id: str) -> EmulatorState:
        path = Path(data_dir) if data_dir is not None else None
        db = Database(path / DATABASE_FILE if path is not None else None)
        admin_key = meta_value(db, "admin_key", lambda: "standard_" + secrets.token_hex(64))
        secret = meta_value(db, "signing_secret", lambda: secrets.token_hex(32))
        return cls(db=db, project_id=project_id, data_dir=path, admin_key=admin_key, secret=secret)

    def subscribe(self, listener: WriteListener) -> None:
        self.listeners.append(listener)

    def unsubscribe(self, listener: WriteListener) -> None:
        self.listeners.remove(listener)

    def publish(self, event: WriteEvent) -> None:
        """Tell every listener about a committed write."""
        for listener in list(self.listeners):
            listener.on_write(event)
