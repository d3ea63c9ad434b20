"""What one running emulator holds: its SQLite store, project id and secrets.

`EmulatorState.open(data_dir)` is the one way to build it. With a data dir the
database is `<data_dir>/emulator.sqlite3` and the admin API key and signing secret
are created on first start and kept there (stable across restarts); without one
everything lives in memory and the key is random per process.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from emulator.store import identity
from emulator.store.sqlite import Database

DEFAULT_PROJECT_ID = "newsroom"
DATABASE_FILE = "emulator.sqlite3"


@dataclass
class EmulatorState:
    """Shared by every API module; `extensions` lets a module keep its own objects."""

    db: Database
    project_id: str
    data_dir: Path | None
    admin_key: str
    secret: str
    extensions: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def open(
        cls, data_dir: str | Path | None = None, project_id: str = DEFAULT_PROJECT_ID
    ) -> EmulatorState:
        path = Path(data_dir) if data_dir is not None else None
        db = Database(path / DATABASE_FILE if path is not None else None)
        identity.init_schema(db)
        admin_key = identity.meta_value(
            db, "admin_key", lambda: "standard_" + secrets.token_hex(64)
        )
        secret = identity.meta_value(db, "signing_secret", lambda: secrets.token_hex(32))
        return cls(db=db, project_id=project_id, data_dir=path, admin_key=admin_key, secret=secret)
