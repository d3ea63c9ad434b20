"""identity.py: parts that need no server (verification against the emulator comes later)."""

import socket
import time

import pytest

from shared.errors import Unauthorized, UpstreamUnavailable
from shared.identity import Identity, authenticate, authenticate_optional, jwt_from_headers

JWT = "eyJhbGciOiJIUzI1NiJ9.eyJ1c2VySWQiOiJ1MSJ9.c2ln"


def test_jwt_from_appwrite_header_or_bearer():
    assert jwt_from_headers({"x-appwrite-user-jwt": JWT}) == JWT
    assert jwt_from_headers({"x-appwrite-user-jwt": "", "authorization": f"Bearer {JWT}"}) == JWT
    assert jwt_from_headers({"authorization": f"bearer  {JWT} "}) == JWT


def test_runtime_basic_auth_and_bare_user_id_are_not_identities():
    assert jwt_from_headers({"authorization": "Basic b3ByOnNlY3JldA=="}) is None
    assert jwt_from_headers({"x-appwrite-user-id": "u1"}) is None
    with pytest.raises(Unauthorized) as info:
        authenticate({"x-appwrite-user-id": "admin", "authorization": "Basic b3ByOnM="}, {})
    assert info.value.code == "missing_jwt"


def test_guest_is_none_but_a_sent_jwt_must_be_valid():
    assert authenticate_optional({}, {}) is None
    with pytest.raises(Unauthorized):
        authenticate_optional({"authorization": "Bearer not-a-jwt"}, {})


@pytest.mark.parametrize(
    "garbage", ["not-a-jwt", "a.b", "a.b.c.d", "eyJ.x!.y", "e" * 5000 + ".a.b"]
)
def test_garbage_jwt_is_401_without_a_network_call(garbage):
    # No endpoint configured: reaching the network would raise ConfigurationError instead.
    with pytest.raises(Unauthorized) as info:
        authenticate({"x-appwrite-user-jwt": garbage}, {})
    assert info.value.code == "invalid_jwt"


def test_unreachable_appwrite_is_503_not_401():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # bound, not listening: connection refused
        env = {
            "APPWRITE_FUNCTION_API_ENDPOINT": f"http://127.0.0.1:{port}/v1",
            "APPWRITE_FUNCTION_PROJECT_ID": "p",
        }
        with pytest.raises(UpstreamUnavailable):
            authenticate(
                {"x-appwrite-user-jwt": JWT}, env, deadline=time.monotonic()
            )  # one try, no backoff


def test_identity_from_user_model():
    who = Identity.from_user(
        {"$id": "u1", "email": "a@b.c", "name": "Ann", "labels": ["admin", "editor"]}
    )
    assert (who.id, who.email, who.name, who.labels, who.is_admin) == (
        "u1",
        "a@b.c",
        "Ann",
        ("admin", "editor"),
        True,
    )
    assert Identity.from_user({"$id": "u2", "labels": []}).is_admin is False


def test_only_users_with_an_email_may_write():
    from shared.errors import Forbidden
    from shared.identity import require_writer

    writer = Identity(id="u1", email="u1@example.com", name="U")
    assert require_writer(writer) is writer
    anonymous = Identity(id="u2", email="", name="")
    assert anonymous.is_anonymous
    with pytest.raises(Forbidden) as info:
        require_writer(anonymous)
    assert info.value.code == "email_required"
