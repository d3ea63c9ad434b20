"""Fixtures for talking to a real emulator over HTTP with the official SDK.

- `emulator` (session): the API server on 127.0.0.1 (free port, fresh data dir),
  provisioned from appwrite.json when `emulator.provision` exists; has `endpoint`,
  `project_id`, `api_key`, `state`.
- `admin_client`: SDK `Client` with the admin API key.
- `make_user(**fields)`: creates a user through the Users API → `(user, password)`.
- `user_client(user)`: a session client — the session is created the SSR way
  (`account.create_email_password_session` by a key client, whose answer carries the
  `secret`), then `client.set_session(secret)`. Works for users made by `make_user`.
- `jwt_client(user)`: a client authenticated with `users.create_jwt` (`set_jwt`).
- `guest_client`: no credentials.
- `as_dict(obj)`: SDK results as plain dicts (15.x returns dicts, 27.x pydantic models).

Works with appwrite 15.3 (main venv) and 27.0 (`.venv-sdk27`).
"""

from __future__ import annotations

import importlib.util
import pathlib
import secrets
from dataclasses import dataclass
from typing import Any

import pytest
from appwrite.client import Client
from appwrite.id import ID
from appwrite.services.account import Account
from appwrite.services.users import Users

from emulator.server import RunningServer, start
from emulator.state import EmulatorState

ROOT = pathlib.Path(__file__).resolve().parents[2]
MANIFEST = ROOT / "appwrite.json"
PROJECT_ID = "newsroom"


def as_dict(obj: Any) -> Any:
    """An SDK answer as JSON-like data, whatever the SDK version returns."""
    if hasattr(obj, "to_dict"):
        return obj.to_dict()
    if isinstance(obj, list):
        return [as_dict(item) for item in obj]
    return obj


@dataclass
class EmulatorServer:
    endpoint: str
    project_id: str
    api_key: str
    state: EmulatorState
    running: RunningServer

    def client(self) -> Client:
        return Client().set_endpoint(self.endpoint).set_project(self.project_id)


@pytest.fixture(scope="session")
def emulator(tmp_path_factory) -> EmulatorServer:
    state = EmulatorState.open(tmp_path_factory.mktemp("emulator-data"), project_id=PROJECT_ID)
    if importlib.util.find_spec("emulator.provision") is not None:
        from emulator.provision import provision

        provision(state, MANIFEST)
    running = start(state)
    yield EmulatorServer(running.endpoint, state.project_id, state.admin_key, state, running)
    running.stop()


@pytest.fixture
def admin_client(emulator) -> Client:
    return emulator.client().set_key(emulator.api_key)


@pytest.fixture
def guest_client(emulator) -> Client:
    return emulator.client()


_PASSWORDS: dict[str, str] = {}


@pytest.fixture
def make_user(admin_client):
    """Create a user (unique id/email unless given) and return `(user_dict, password)`."""

    def make(**fields: Any) -> tuple[dict, str]:
        token = secrets.token_hex(4)
        password = fields.pop("password", f"pw-{token}-secret")
        user = as_dict(Users(admin_client).create(
            user_id=fields.pop("user_id", ID.unique()),
            email=fields.pop("email", f"user-{token}@example.com"),
            password=password,
            name=fields.pop("name", f"User {token}"),
            **fields,
        ))
        _PASSWORDS[user["$id"]] = password
        return user, password

    return make


def _user_id(user: Any) -> str:
    user = as_dict(user)
    return user if isinstance(user, str) else user["$id"]


@pytest.fixture
def user_client(emulator, admin_client):
    """`user_client(user)` → SDK client with a fresh session of that user (SSR flow)."""

    def make(user: Any, password: str | None = None) -> Client:
        data = as_dict(user)
        password = password or _PASSWORDS[data["$id"]]
        session = as_dict(Account(admin_client).create_email_password_session(email=data["email"], password=password))
        return emulator.client().set_session(session["secret"])

    return make


@pytest.fixture
def jwt_client(emulator, admin_client):
    """`jwt_client(user)` → SDK client authenticated by a user JWT from `users.create_jwt`."""

    def make(user: Any) -> Client:
        token = as_dict(Users(admin_client).create_jwt(user_id=_user_id(user)))["jwt"]
        return emulator.client().set_jwt(token)

    return make
