"""ssr.py: the SSR sign-in helpers — clients, the function's own origin, and how Appwrite's
errors become the function's answers (with real `AppwriteException` objects: the emulator
applies no rate limits, and neither does Appwrite to API keys, so the 429 pass-through is
checked here)."""

import pytest
from appwrite.exception import AppwriteException

from shared.errors import ConfigurationError, HTTPError, UpstreamUnavailable, expose
from shared.ssr import (
    RETRY_AFTER_SECONDS,
    admin_client,
    forwarded_user_agent,
    own_url,
    require_same_origin,
    session_client,
    session_cookie_name,
    session_error,
    session_secret,
    sign_in_error,
)

ENV = {
    "APPWRITE_FUNCTION_API_ENDPOINT": "http://127.0.0.1:9/v1",
    "APPWRITE_FUNCTION_PROJECT_ID": "newsroom",
}
CHROME = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36"
COOKIE = "a_session_newsroom"


def rate_limit_exception():
    """What the SDK raises for Appwrite's 429 (the body Appwrite sends, parsed by the SDK)."""
    return AppwriteException(
        "Rate limit for the current endpoint has been exceeded. Please try again after some time.",
        429,
        "general_rate_limit_exceeded",
        '{"message":"Rate limit …","code":429,"type":"general_rate_limit_exceeded"}',
    )


# -- cookie and clients ------------------------------------------------------------------------


def test_cookie_name_is_appwrites():
    assert session_cookie_name(ENV) == "a_session_newsroom"
    with pytest.raises(ConfigurationError):
        session_cookie_name({})


def test_session_secret_missing_garbage_and_good():
    with pytest.raises(HTTPError) as missing:
        session_secret({}, COOKIE)
    assert (missing.value.status, missing.value.code, missing.value.headers) == (
        401,
        "missing_session",
        {},
    )
    for header in (f"{COOKIE}=", f"{COOKIE}=a\\b", f"{COOKIE}={'x' * 4097}"):
        with pytest.raises(HTTPError) as garbage:
            session_secret({"cookie": header}, COOKIE)
        assert (garbage.value.status, garbage.value.code) == (401, "invalid_session")
        assert garbage.value.headers["set-cookie"].startswith(f"{COOKIE}=; Expires=Thu, 01 Jan")
    assert session_secret({"cookie": f"x=1; {COOKIE}=eyJpZA=="}, COOKIE) == "eyJpZA=="


def test_clients_forward_the_visitors_user_agent():
    headers = {"x-appwrite-key": "ephemeral_k", "user-agent": CHROME}
    admin = admin_client(headers, ENV)._global_headers
    assert (admin["x-appwrite-key"], admin["x-forwarded-user-agent"]) == ("ephemeral_k", CHROME)
    user = session_client("secret-1", headers, ENV)._global_headers
    assert user["x-appwrite-session"] == "secret-1"
    assert user["x-forwarded-user-agent"] == CHROME
    assert "x-appwrite-key" not in user  # the session acts alone, never with the key
    bare = admin_client({"x-appwrite-key": "ephemeral_k"}, ENV)._global_headers
    assert "x-forwarded-user-agent" not in bare


def test_forwarded_user_agent_is_printable_and_bounded():
    assert (
        forwarded_user_agent({"user-agent": "a\r\nx-appwrite-key: k\x00"}) == "ax-appwrite-key: k"
    )
    assert len(forwarded_user_agent({"user-agent": "x" * 2000})) == 512
    assert forwarded_user_agent({"user-agent": " \t "}) is None


# -- origin ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "url"),
    [
        ({"host": "127.0.0.1:8093"}, "http://127.0.0.1:8093/oauth/failure"),
        (
            {"host": "s.example.run", "x-forwarded-proto": "https"},
            "https://s.example.run/oauth/failure",
        ),
        ({"host": "[::1]:8093"}, "http://[::1]:8093/oauth/failure"),
        (
            {"host": "S.Example.Run", "x-forwarded-proto": "gopher"},
            "http://s.example.run/oauth/failure",
        ),
    ],
)
def test_own_url(headers, url):
    assert own_url(headers, "/oauth/failure") == url


@pytest.mark.parametrize("host", ["", "evil.example/path", "a b", "evil.example@x", "x:y:z"])
def test_own_url_refuses_a_bad_host(host):
    with pytest.raises(HTTPError) as caught:
        own_url({"host": host}, "/")
    assert (caught.value.status, caught.value.code) == (400, "invalid_host")


@pytest.mark.parametrize(
    "headers",
    [
        {"host": "127.0.0.1:8093"},  # curl, a server: no browser, no victim's cookie
        {"host": "127.0.0.1:8093", "origin": "http://127.0.0.1:8093"},
        {"host": "s.example.run", "origin": "https://s.example.run"},
        {
            "host": "s.example.run",
            "origin": "https://s.example.run",
            "sec-fetch-site": "same-origin",
        },
        {"host": "[::1]:8093", "origin": "http://[::1]:8093"},
    ],
)
def test_same_origin_passes(headers):
    require_same_origin(headers)


@pytest.mark.parametrize(
    "headers",
    [
        {"host": "127.0.0.1:8093", "origin": "http://evil.example"},
        {"host": "127.0.0.1:8093", "origin": "http://127.0.0.1:8094"},  # another function
        {"host": "s.example.run", "origin": "https://other.example.run"},  # a sibling domain
        {"host": "s.example.run", "origin": "null"},
        {"host": "s.example.run", "origin": "https://s.example.run:99999"},
        {"host": "s.example.run", "sec-fetch-site": "cross-site"},
        {"host": "s.example.run", "sec-fetch-site": "same-site", "origin": "https://s.example.run"},
    ],
)
def test_cross_site_is_refused(headers):
    with pytest.raises(HTTPError) as caught:
        require_same_origin(headers)
    assert (caught.value.status, caught.value.code) == (403, "cross_site_request")


# -- Appwrite's errors -------------------------------------------------------------------------


def answer(error):
    status, body, headers = expose(error)
    return status, body["error"]["code"], headers


def test_429_is_passed_on_with_retry_after():
    for error in (
        sign_in_error(rate_limit_exception()),
        session_error(rate_limit_exception(), COOKIE),
    ):
        status, code, headers = answer(error)
        assert (status, code) == (429, "rate_limited")
        assert headers == {"retry-after": str(RETRY_AFTER_SECONDS)}  # the cookie is kept


@pytest.mark.parametrize(
    ("exception", "status", "code"),
    [
        (
            AppwriteException("Invalid credentials.", 401, "user_invalid_credentials"),
            401,
            "invalid_credentials",
        ),
        (
            AppwriteException("Invalid token passed in the request.", 401, "user_invalid_token"),
            401,
            "invalid_token",
        ),
        (
            AppwriteException("The current user has been blocked.", 401, "user_blocked"),
            403,
            "user_blocked",
        ),
        (
            AppwriteException("provider disabled", 412, "project_provider_disabled"),
            400,
            "provider_disabled",
        ),
        (
            AppwriteException(
                "Invalid `success` param: Invalid URI. Register your new client (s.example.run) "
                "as a new Web platform on your project console dashboard",
                400,
                "general_argument_invalid",
            ),
            500,
            "configuration_error",
        ),
        (
            AppwriteException(
                'app.p@service.localhost (role: applications) missing scopes (["sessions.write"])',
                401,
                "general_unauthorized_scope",
            ),
            500,
            "configuration_error",
        ),
        (AppwriteException("Server Error", 500, "general_unknown"), 503, "upstream_unavailable"),
        (AppwriteException(ConnectionRefusedError("refused")), 503, "upstream_unavailable"),
    ],
)
def test_sign_in_errors(exception, status, code):
    assert answer(sign_in_error(exception))[:2] == (status, code)


@pytest.mark.parametrize(
    ("exception", "status", "code"),
    [
        # an unknown, deleted or expired session is a guest for Appwrite
        (
            AppwriteException(
                'User (role: guests) missing scopes (["account"])',
                401,
                "general_unauthorized_scope",
            ),
            401,
            "invalid_session",
        ),
        (
            AppwriteException(
                "The current user session could not be found.", 404, "user_session_not_found"
            ),
            401,
            "invalid_session",
        ),
        (
            AppwriteException("The current user has been blocked.", 401, "user_blocked"),
            403,
            "user_blocked",
        ),
    ],
)
def test_session_errors_clear_the_cookie(exception, status, code):
    got_status, got_code, headers = answer(session_error(exception, COOKIE))
    assert (got_status, got_code) == (status, code)
    assert headers["set-cookie"].startswith(f"{COOKIE}=; Expires=Thu, 01 Jan 1970")


def test_transient_session_errors_keep_the_cookie():
    error = session_error(AppwriteException("Server Error", 503, "general_server_error"), COOKIE)
    assert isinstance(error, UpstreamUnavailable) and "set-cookie" not in error.headers
