"""Fixtures for talking to a real emulator over HTTP with the official SDK.

- `emulator` (session): the API server on 127.0.0.1 (free port, fresh data dir),
  provisioned from appwrite.json when `emulator.services.tablesdb.provision` exists; has `endpoint`,
  `project_id`, `api_key`, `state`.
- `admin_client`: SDK `Client` with the admin API key; `tdb`: TablesDB on it.
- `make_user(**fields)`: creates a user through the Users API → `(user, password)`.
- `user_client(user)`: a session client — the session is created the SSR way
  (`account.create_email_password_session` by a key client, whose answer carries the
  `secret`), then `client.set_session(secret)`. Works for users made by `make_user`.
- `jwt_client(user)`: a client authenticated with `users.create_jwt` (`set_jwt`).
- `guest_client`: no credentials.
- `outbox()`: the messages Appwrite would have e-mailed (invitations, verifications), each
  `{type, to, url, data: {userId, secret, …}}`, oldest first.
- `raw`: plain HTTP (requests, like the SDK) with the SDK's headers and the admin key, for
  wire-level checks; every answer is validated against the OpenAPI spec when it is present.
- `SDK_VERSION`: (major, minor) of the installed appwrite SDK; `SDK_GET_BOOLEANS_WORK`:
  whether it sends GET booleans in a form Appwrite accepts (15.x does not).
- `as_dict(obj)`: SDK results as plain dicts (15.x returns dicts, 27.x pydantic models).

Works with appwrite 15.3 (main venv) and 27.0 (`.venv-sdk27`).
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json as jsonlib
import pathlib
import secrets
from dataclasses import dataclass
from typing import Any

import pytest
import requests
from appwrite.client import Client
from appwrite.id import ID
from appwrite.services.account import Account
from appwrite.services.users import Users

from emulator.core.state import EmulatorState
from emulator.server import RunningServer, start
from tests.emulator.spec import SPEC

ROOT = pathlib.Path(__file__).resolve().parents[2]
MANIFEST = ROOT / "appwrite.json"
PROJECT_ID = jsonlib.loads(MANIFEST.read_text())["projectId"]
# The appwrite SDK under test: 15.x returns dicts, 27.x pydantic models.
SDK_VERSION = tuple(int(part) for part in importlib.metadata.version("appwrite").split(".")[:2])
# 15.x sends GET booleans as "True"/"False", which Appwrite's loose Boolean validator rejects
# (it takes true/false/"true"/"false"/1/0/"1"/"0"); newer SDKs send "true"/"false".
SDK_GET_BOOLEANS_WORK = Client().flatten({"b": False})["b"] == "false"


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
    if importlib.util.find_spec("emulator.services.tablesdb.provision") is not None:
        from emulator.services.tablesdb.provision import provision

        provision(state, MANIFEST)
    running = start(state)
    yield EmulatorServer(running.endpoint, state.project_id, state.admin_key, state, running)
    running.stop()


@pytest.fixture
def admin_client(emulator) -> Client:
    return emulator.client().set_key(emulator.api_key)


@pytest.fixture
def tdb(admin_client):
    """TablesDB with the admin key."""
    from appwrite.services.tables_db import TablesDB

    return TablesDB(admin_client)


@pytest.fixture
def guest_client(emulator) -> Client:
    return emulator.client()


@pytest.fixture
def outbox(emulator):
    from emulator.services.identity import store as identity

    return lambda: identity.messages(emulator.state.db)


_PASSWORDS: dict[str, str] = {}


@pytest.fixture
def make_user(admin_client):
    """Create a user (unique id/email unless given) and return `(user_dict, password)`."""

    def make(**fields: Any) -> tuple[dict, str]:
        token = secrets.token_hex(4)
        password = fields.pop("password", f"pw-{token}-secret")
        user = as_dict(
            Users(admin_client).create(
                user_id=fields.pop("user_id", ID.unique()),
                email=fields.pop("email", f"user-{token}@example.com"),
                password=password,
                name=fields.pop("name", f"User {token}"),
                **fields,
            )
        )
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
        session = as_dict(
            Account(admin_client).create_email_password_session(
                email=data["email"], password=password
            )
        )
        return emulator.client().set_session(session["secret"])

    return make


@pytest.fixture
def jwt_client(emulator, admin_client):
    """`jwt_client(user)` → SDK client authenticated by a user JWT from `users.create_jwt`."""

    def make(user: Any) -> Client:
        token = as_dict(Users(admin_client).create_jwt(user_id=_user_id(user)))["jwt"]
        return emulator.client().set_jwt(token)

    return make


class RawClient:
    """HTTP calls as the SDK makes them (`requests`, no cookies kept);
    answers are checked against the spec."""

    def __init__(self, emulator: EmulatorServer):
        self.endpoint = emulator.endpoint
        self.headers = {
            "x-appwrite-project": emulator.project_id,
            "x-appwrite-key": emulator.api_key,
            "x-sdk-name": "Python",
            "x-sdk-platform": "server",
            "x-sdk-language": "python",
        }

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Any = None,
        content: bytes | None = None,
        headers: dict | None = None,
        check_spec: bool = True,
    ):
        merged = {**self.headers, **(headers or {})}
        merged = {k: v for k, v in merged.items() if v is not None}
        if method.upper() == "GET":
            merged.setdefault("content-type", "")
        elif json is not None:
            merged.setdefault("content-type", "application/json")
        data = (
            content if content is not None else (jsonlib.dumps(json) if json is not None else None)
        )
        # a new connection per call, as the SDK does (no cookie jar, no keep-alive stalls)
        response = requests.request(
            method,
            self.endpoint + "/" + path.lstrip("/"),
            params=params,
            data=data,
            headers=merged,
            timeout=30,
        )
        if check_spec and SPEC is not None:
            is_json = response.headers.get("content-type", "").startswith("application/json")
            SPEC.check(
                method,
                "/" + path.lstrip("/"),
                response.status_code,
                response.json() if is_json else response.content,
            )
        return response


@pytest.fixture
def raw(emulator) -> RawClient:
    return RawClient(emulator)
