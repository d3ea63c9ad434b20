"""client.py: server and user clients from the runtime's env and the dynamic key header."""

import pytest

from shared.client import resolve_settings, server_client, user_client
from shared.errors import ConfigurationError

ENV = {
    "APPWRITE_FUNCTION_API_ENDPOINT": "http://127.0.0.1:9/v1/",
    "APPWRITE_FUNCTION_PROJECT_ID": "newsroom",
}


def test_server_client_uses_the_dynamic_key_header():
    client = server_client({"x-appwrite-key": "ephemeral_abc"}, ENV)
    assert client._endpoint == "http://127.0.0.1:9/v1"
    assert client._global_headers["x-appwrite-project"] == "newsroom"
    assert client._global_headers["x-appwrite-key"] == "ephemeral_abc"


def test_header_key_wins_over_env_fallback_for_scripts():
    env = {**ENV, "APPWRITE_API_KEY": "standard_script"}
    assert resolve_settings({"x-appwrite-key": "ephemeral_x"}, env).key == "ephemeral_x"
    assert resolve_settings({}, env).key == "standard_script"


def test_settings_repr_hides_the_key():
    assert "ephemeral_x" not in repr(resolve_settings({"x-appwrite-key": "ephemeral_x"}, ENV))


def test_everything_missing_is_named_at_once():
    with pytest.raises(ConfigurationError) as info:
        server_client({}, {})
    message = info.value.message
    assert "APPWRITE_FUNCTION_API_ENDPOINT" in message
    assert "APPWRITE_FUNCTION_PROJECT_ID" in message
    assert "x-appwrite-key" in message and "APPWRITE_API_KEY" in message


def test_endpoint_must_be_http():
    with pytest.raises(ConfigurationError, match="must start with http"):
        resolve_settings(
            {"x-appwrite-key": "k"}, {**ENV, "APPWRITE_FUNCTION_API_ENDPOINT": "localhost/v1"}
        )


def test_user_client_carries_the_jwt_and_no_key():
    client = user_client("eyJa.eyJb.c", {**ENV, "APPWRITE_API_KEY": "standard_script"})
    assert client._global_headers["x-appwrite-jwt"] == "eyJa.eyJb.c"
    assert "x-appwrite-key" not in client._global_headers
    with pytest.raises(ValueError):
        user_client("", ENV)
