"""client.py and identity.py against a real emulator over HTTP with the real SDK."""

import time

import pytest
from appwrite.client import Client
from appwrite.exception import AppwriteException
from appwrite.id import ID
from appwrite.services.users import Users

from emulator.core.state import EmulatorState
from emulator.server import start
from shared.client import server_client
from shared.errors import Unauthorized
from shared.identity import authenticate, authenticate_optional


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    state = EmulatorState.open(tmp_path_factory.mktemp("identity-data"), project_id="newsroom")
    running = start(state)
    yield running, state
    running.stop()


@pytest.fixture(scope="module")
def env(server):
    running, _ = server
    return {
        "APPWRITE_FUNCTION_API_ENDPOINT": running.endpoint,
        "APPWRITE_FUNCTION_PROJECT_ID": "newsroom",
    }


@pytest.fixture(scope="module")
def users(server):
    running, state = server
    return Users(
        Client().set_endpoint(running.endpoint).set_project("newsroom").set_key(state.admin_key)
    )


def new_user(users, labels=()):
    user = users.create(
        user_id=ID.unique(),
        email=f"{time.monotonic_ns()}@example.com",
        password="pw-long-enough-1",
        name="Ann",
    )
    if labels:
        users.update_labels(user["$id"], list(labels))
    return user, users.create_jwt(user["$id"])["jwt"]


def test_jwt_header_yields_the_verified_user(users, env):
    user, jwt = new_user(users)
    who = authenticate({"x-appwrite-user-jwt": jwt}, env)
    assert (who.id, who.email, who.name, who.is_admin) == (user["$id"], user["email"], "Ann", False)


def test_bearer_jwt_and_admin_label(users, env):
    user, jwt = new_user(users, labels=["admin"])
    who = authenticate({"authorization": f"Bearer {jwt}"}, env)
    assert who.id == user["$id"] and who.is_admin and who.labels == ("admin",)


def test_user_id_header_does_not_override_the_jwt(users, env):
    user, jwt = new_user(users)
    who = authenticate({"x-appwrite-user-jwt": jwt, "x-appwrite-user-id": "someone-else"}, env)
    assert who.id == user["$id"]


def test_forged_jwt_or_deleted_user_is_401(users, env):
    user, jwt = new_user(users)
    head, payload, _ = jwt.split(".")
    with pytest.raises(Unauthorized) as info:
        authenticate({"x-appwrite-user-jwt": f"{head}.{payload}.Zm9yZ2Vk"}, env)
    assert info.value.code == "invalid_jwt"
    users.delete(
        user["$id"]
    )  # the JWT now resolves to a guest: Appwrite answers 401 (missing scope)
    with pytest.raises(Unauthorized):
        authenticate_optional({"x-appwrite-user-jwt": jwt}, env)


def test_server_client_uses_the_key_from_the_request_header(server, env, users):
    _, state = server
    user, _ = new_user(users)
    listed = Users(server_client({"x-appwrite-key": state.admin_key}, env)).get(user["$id"])
    assert listed["$id"] == user["$id"]
    with pytest.raises(AppwriteException) as info:
        Users(server_client({"x-appwrite-key": "standard_wrong"}, env)).get(user["$id"])
    # Appwrite refuses a key the project does not have: 401 user_unauthorized
    assert (info.value.code, info.value.type) == (401, "user_unauthorized")
