"""errors.py: one hierarchy, mapped to HTTP in one place."""

import pytest
from appwrite.exception import AppwriteException

from shared.errors import (
    GENERIC_500,
    BadRequest,
    ConfigurationError,
    Conflict,
    Forbidden,
    InternalError,
    MethodNotAllowed,
    NotFound,
    NotImplementedYet,
    PayloadTooLarge,
    TooManyRequests,
    Unauthorized,
    UpstreamUnavailable,
    expose,
    from_appwrite,
    to_http,
)


@pytest.mark.parametrize(
    "cls, status, code",
    [
        (BadRequest, 400, "bad_request"),
        (Unauthorized, 401, "unauthorized"),
        (Forbidden, 403, "forbidden"),
        (NotFound, 404, "not_found"),
        (Conflict, 409, "conflict"),
        (PayloadTooLarge, 413, "payload_too_large"),
        (TooManyRequests, 429, "too_many_requests"),
        (NotImplementedYet, 501, "not_implemented"),
        (UpstreamUnavailable, 503, "upstream_unavailable"),
    ],
)
def test_each_error_has_its_status_and_code(cls, status, code):
    status_, body, headers = expose(cls("said", details=[{"path": "/x"}]))
    assert status_ == status
    assert body == {"error": {"code": code, "message": "said", "details": [{"path": "/x"}]}}
    assert headers == {}


def test_code_can_be_specialised_and_details_default_to_empty_list():
    _, body, _ = expose(BadRequest("bad JSON", code="invalid_json"))
    assert body == {"error": {"code": "invalid_json", "message": "bad JSON", "details": []}}


def test_method_not_allowed_carries_allow_header():
    status, body, headers = expose(MethodNotAllowed(["POST", "GET", "GET"]))
    assert status == 405
    assert headers == {"allow": "GET, POST"}
    assert body["error"]["code"] == "method_not_allowed"


def test_internal_errors_never_leak_their_message():
    status, body, _ = expose(ConfigurationError("env APPWRITE_FUNCTION_PROJECT_ID is not set"))
    assert status == 500
    assert body == {"error": {"code": "configuration_error", "message": GENERIC_500, "details": []}}


def test_unexpected_exception_becomes_generic_500():
    error = to_http(KeyError("secret internals"))
    assert isinstance(error, InternalError)
    status, body, _ = expose(error)
    assert status == 500
    assert "secret" not in str(body)


@pytest.mark.parametrize(
    "code, type_, expected",
    [
        (400, "general_argument_invalid", BadRequest),
        (401, "user_jwt_invalid", Unauthorized),
        (403, "general_access_forbidden", Forbidden),
        (404, "row_not_found", NotFound),
        (409, "row_already_exists", Conflict),
        (429, "general_rate_limit_exceeded", TooManyRequests),
        (416, "storage_invalid_range", BadRequest),
        (500, "general_server_error", UpstreamUnavailable),
        (503, "general_service_disabled", UpstreamUnavailable),
        (0, None, UpstreamUnavailable),
    ],
)
def test_appwrite_exceptions_map_by_code(code, type_, expected):
    exc = AppwriteException("Row with the requested ID could not be found.", code, type_)
    error = to_http(exc)
    assert type(error) is expected
    assert from_appwrite(exc).status == expected.status


def test_appwrite_4xx_keeps_its_message_5xx_does_not():
    assert (
        from_appwrite(AppwriteException("Row not found.", 404, "row_not_found")).message
        == "Row not found."
    )
    assert (
        "boom" not in from_appwrite(AppwriteException("boom", 500, "general_server_error")).message
    )


def test_missing_scope_is_our_misconfiguration_not_the_callers():
    exc = AppwriteException('missing scopes (["rows.write"])', 401, "general_unauthorized_scope")
    error = from_appwrite(exc)
    assert isinstance(error, ConfigurationError)
    assert expose(error)[0] == 500


def test_connection_failure_wrapped_by_sdk_is_503():
    exc = AppwriteException(
        ConnectionRefusedError("refused")
    )  # what Client.call raises with no response
    assert isinstance(from_appwrite(exc), UpstreamUnavailable)
