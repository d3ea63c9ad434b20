"""The context API, one semantics row of reference appwrite-runtime.md §1.2–§1.4 at a time.

These run in-process on `make_context`, which fills the request exactly as a worker does;
test_outcomes.py drives the same code through real worker processes.
"""

import json

import pytest

from emulator.runtime.context import (
    LOG_TRUNCATED,
    Logger,
    decode_query_string,
    make_context,
    parse_query,
)

# -- context.req --------------------------------------------------------------------------


def test_body_binary_is_the_raw_bytes_and_always_safe():
    ctx = make_context("POST", body=b"\xff\xfe")
    assert ctx.req.body_binary == b"\xff\xfe"


def test_body_text_raises_on_non_utf8():
    ctx = make_context("POST", body=b"\xff\xfe")
    with pytest.raises(UnicodeDecodeError):
        ctx.req.body_text


def test_body_raw_is_an_alias_of_body_text():
    assert make_context("POST", body="héllo").req.body_raw == "héllo"


@pytest.mark.parametrize("body", [b"", b"{not json", b"   "])
def test_body_json_raises_on_empty_or_invalid(body):
    with pytest.raises(json.JSONDecodeError):
        make_context("POST", body=body).req.body_json


def test_body_json_ignores_content_type_and_returns_scalars_as_is():
    ctx = make_context("POST", headers={"content-type": "text/plain"}, body="[1, 2]")
    assert ctx.req.body_json == [1, 2]
    assert make_context("POST", body="3").req.body_json == 3


def test_body_json_reparses_on_each_access():
    ctx = make_context("POST", body='{"a": 1}')
    first = ctx.req.body_json
    first["a"] = 2
    assert ctx.req.body_json == {"a": 1}


@pytest.mark.parametrize(
    "content_type, body, expected",
    [
        ("application/json", b'{"a":1}', {"a": 1}),
        ("application/json; charset=utf-8", b'{"a":1}', {"a": 1}),
        ("APPLICATION/JSON", b'{"a":1}', {"a": 1}),
        ("application/json", b"", {}),
        ("application/ld+json", b'{"a":1}', '{"a":1}'),
        ("text/plain", b'{"a":1}', '{"a":1}'),
        ("application/x-www-form-urlencoded", b'{"a":1}', '{"a":1}'),
        (None, b'{"a":1}', '{"a":1}'),
    ],
)
def test_body_is_a_dict_only_for_application_json(content_type, body, expected):
    headers = {"content-type": content_type} if content_type else {}
    assert make_context("POST", headers=headers, body=body).req.body == expected


def test_body_raises_on_invalid_json_with_json_content_type():
    ctx = make_context("POST", headers={"content-type": "application/json"}, body=b"{")
    with pytest.raises(json.JSONDecodeError):
        ctx.req.body


def test_header_keys_are_lower_cased_first_duplicate_wins_and_runtime_headers_hidden():
    ctx = make_context(
        "GET",
        headers=[
            ("Cookie", "a=1"),
            ("cookie", "b=2"),
            ("X-Custom", "V"),
            ("x-open-runtimes-secret", "s"),
        ],
    )
    assert ctx.req.headers["cookie"] == "a=1"
    assert ctx.req.headers["x-custom"] == "V"
    assert "x-open-runtimes-secret" not in ctx.req.headers


def test_method_path_is_percent_decoded_and_query_split_off():
    ctx = make_context("PATCH", path="/a%20b/c?x=1")
    assert ctx.req.method == "PATCH"
    assert ctx.req.path == "/a b/c"
    assert ctx.req.query_string == "x=1"


@pytest.mark.parametrize(
    "raw, decoded",
    [
        ("y=a+b", "y=a b"),
        ("z=a%2Bb", "z=a%2Bb"),
        ("e=%C3%A9", "e=é"),
        ("k=a%26b%3Dc%3Bd", "k=a%26b%3Dc%3Bd"),
        ("p=%2F", "p=/"),
    ],
)
def test_query_string_is_partially_decoded_like_yarl(raw, decoded):
    assert decode_query_string(raw) == decoded


def test_query_parsing_rules_of_the_runtime():
    # The open-runtimes test case: ?a=b&c==d&e=f=g=&h&i=j&&k
    assert parse_query("a=b&c==d&e=f=g=&h&i=j&&k") == {
        "a": "b",
        "c": "=d",
        "e": "f=g=",
        "h": "",
        "i": "j",
        "k": "",
    }
    assert parse_query("a=1&a=2") == {"a": "2"}  # last wins
    assert parse_query("=x&b=1") == {"b": "1"}  # empty keys skipped
    assert parse_query("") == {}


def test_query_values_are_not_further_decoded():
    ctx = make_context("GET", path="/?z=a%2Bb&w=x%26y")
    assert ctx.req.query == {"z": "a%2Bb", "w": "x%26y"}


@pytest.mark.parametrize(
    "headers, scheme, host, port, url",
    [
        ({"host": "example.com"}, "http", "example.com", 80, "http://example.com/p?q=1"),
        (
            {"host": "example.com:8080"},
            "http",
            "example.com",
            8080,
            "http://example.com:8080/p?q=1",
        ),
        (
            {"host": "example.com", "x-forwarded-proto": "https"},
            "https",
            "example.com",
            443,
            "https://example.com/p?q=1",
        ),
        (
            {"host": "example.com:443", "x-forwarded-proto": "https"},
            "https",
            "example.com",
            443,
            "https://example.com/p?q=1",
        ),
    ],
)
def test_scheme_host_port_and_url(headers, scheme, host, port, url):
    ctx = make_context("GET", path="/p?q=1", headers=headers)
    assert (ctx.req.scheme, ctx.req.host, ctx.req.port, ctx.req.url) == (scheme, host, port, url)


def test_url_has_no_question_mark_without_query():
    assert make_context("GET", path="/x", headers={"host": "h"}).req.url == "http://h/x"


def test_there_is_no_context_env():
    with pytest.raises(AttributeError):
        make_context().env


# -- context.res ------------------------------------------------------------------------


def test_res_text_defaults_and_rejects_non_str():
    ctx = make_context()
    assert ctx.res.text("hi") == {"body": b"hi", "statusCode": 200, "headers": {}}
    with pytest.raises(AttributeError):
        ctx.res.text(123)


def test_res_json_is_compact_ascii_and_sets_content_type_by_mutating_headers():
    ctx = make_context()
    headers = {"x-a": "1"}
    out = ctx.res.json({"é": [1, 2]}, 201, headers)
    assert out["body"] == b'{"\\u00e9":[1,2]}'
    assert out["statusCode"] == 201
    assert headers == {"x-a": "1", "content-type": "application/json"}
    with pytest.raises(TypeError):
        ctx.res.json({"x": object()})


def test_res_empty_takes_no_parameters_and_is_204():
    ctx = make_context()
    assert ctx.res.empty() == {"body": b"", "statusCode": 204, "headers": {}}
    with pytest.raises(TypeError):
        ctx.res.empty(200)


def test_res_redirect_defaults_to_301_and_sets_location():
    out = make_context().res.redirect("https://example.com")
    assert out["statusCode"] == 301
    assert out["headers"]["location"] == "https://example.com"


def test_res_binary_and_send_pass_bodies_through():
    ctx = make_context()
    assert ctx.res.binary(b"\x00\x01")["body"] == b"\x00\x01"
    assert ctx.res.send({"a": 1})["body"] == {"a": 1}


# -- context.log / context.error ----------------------------------------------------------


def test_log_joins_with_spaces_and_json_encodes_containers():
    ctx = make_context()
    ctx.log("a", {"b": 1}, [1, 2], (3,), None, True, 3.5)
    assert ctx.logger.text() == 'a {"b":1} [1,2] [3] None True 3.5\n'


def test_error_goes_to_errors_only():
    ctx = make_context()
    ctx.error("boom")
    assert ctx.logger.text(Logger.TYPE_ERROR) == "boom\n"
    assert ctx.logger.text() == ""


def test_each_call_is_cut_at_8000_characters():
    ctx = make_context()
    ctx.log("x" * 9000)
    ctx.log("short")
    text = ctx.logger.text()
    assert text == "x" * 8000 + LOG_TRUNCATED + "\nshort\n"


def test_log_of_unserialisable_container_raises():
    with pytest.raises(TypeError):
        make_context().log({"x": object()})


def test_logging_disabled_writes_nothing():
    ctx = make_context(logging=False)
    ctx.log("hidden")
    ctx.error("hidden")
    assert ctx.logger.text() == "" and ctx.logger.text(Logger.TYPE_ERROR) == ""
    assert ctx.logger.id == ""


def test_log_id_is_twenty_hex_characters():
    log_id = make_context().logger.id
    assert len(log_id) == 20 and int(log_id, 16) >= 0
