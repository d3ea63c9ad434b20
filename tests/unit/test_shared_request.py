"""request.py: body parsing that never crashes on what a caller sends."""

import pytest

from emulator.runtime.context import make_context
from shared.errors import BadRequest, PayloadTooLarge
from shared.request import Request, parse_json
from shared.triggers import Trigger


def test_json_parsed_by_content_whatever_the_content_type():
    raw = b'{"title": "Hello"}'
    for ctype in ("application/x-www-form-urlencoded", "text/plain", "application/json"):
        ctx = make_context("POST", "/", {"content-type": ctype}, raw)
        req = Request.from_context(ctx, Trigger("http"))
        assert req.json() == {"title": "Hello"}


def test_empty_body_is_400_unless_a_default_is_given():
    with pytest.raises(BadRequest) as info:
        parse_json(b"")
    assert info.value.code == "empty_body"
    assert parse_json(b"  \n", default={}) == {}
    assert parse_json(b"", default=None) is None


def test_invalid_json_is_400_with_position():
    with pytest.raises(BadRequest) as info:
        parse_json(b'{"title": }')
    assert info.value.code == "invalid_json"
    assert info.value.details[0]["line"] == 1
    assert info.value.details[0]["column"] == 11


def test_nan_and_infinity_are_not_json():
    for raw in (b"NaN", b'{"a": Infinity}'):
        with pytest.raises(BadRequest) as info:
            parse_json(raw)
        assert info.value.code == "invalid_json"


def test_non_utf8_is_400_not_a_crash():
    with pytest.raises(BadRequest) as info:
        parse_json(b'{"a": "\xff\xfe"}')
    assert info.value.code == "invalid_encoding"
    assert info.value.details == [{"position": 7}]


def test_utf8_bom_is_tolerated():
    assert parse_json('\ufeff{"a": 1}'.encode()) == {"a": 1}


def test_oversize_body_is_413():
    with pytest.raises(PayloadTooLarge) as info:
        parse_json(b'"' + b"x" * 100 + b'"', max_bytes=50)
    assert info.value.status == 413
    assert "50" in info.value.message
    assert parse_json(b'"' + b"x" * 48 + b'"', max_bytes=50) == "x" * 48


def test_deeply_nested_json_is_400():
    with pytest.raises(BadRequest):
        parse_json(b"[" * 100_000 + b"]" * 100_000, max_bytes=10**6)


def test_request_from_context_exposes_method_path_query_headers():
    ctx = make_context("post", "/articles?limit=5&q=a+b", {"X-Appwrite-Execution-Id": "ex1"}, b"")
    req = Request.from_context(ctx, Trigger("http"))
    assert (req.method, req.path) == ("POST", "/articles")
    assert req.query == {"limit": "5", "q": "a b"}
    assert req.header("X-Appwrite-Execution-Id") == "ex1"
    assert req.execution_id == "ex1"
    assert req.text() == ""


@pytest.mark.parametrize(
    "raw, path",
    [
        (b'{"name": "x\\ud800y"}', "/name"),
        (b'{"a": [1, {"b": "\\udfff"}]}', "/a/1/b"),
        (b'{"\\ud800": 1}', ""),
        (b'"\\udc00"', ""),
    ],
)
def test_a_lone_surrogate_anywhere_is_invalid_json(raw, path):
    with pytest.raises(BadRequest) as info:
        parse_json(raw)
    assert info.value.code == "invalid_json"
    assert info.value.details == [{"path": path, "message": "contains a lone UTF-16 surrogate"}]


def test_a_surrogate_pair_is_one_character_and_fine():
    assert parse_json(b'{"e": "\\ud83d\\udcf0"}') == {"e": "\U0001f4f0"}


ASCII_ONLY = """
import json
from shared import app, request
request.parse_json(b'{"title": "escaped but \\\\u0041SCII", "n": [1, {"k": "v"}]}')
app.json_text({"ok": True, "items": ["a", "b"]})
# app.json_text checks its answer with request's one expression
same = app.has_surrogate is request.has_surrogate
print(json.dumps([request._SURROGATE._compiled is None, same]))
"""


def test_ascii_bodies_and_answers_compile_no_surrogate_expression():
    """An ASCII string cannot hold a surrogate: a cold worker's first request with ASCII JSON
    in and out never compiles the surrogate expressions (decision 0019)."""
    import json
    import subprocess
    import sys
    from pathlib import Path

    result = subprocess.run(
        [sys.executable, "-c", ASCII_ONLY],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [True, True]
