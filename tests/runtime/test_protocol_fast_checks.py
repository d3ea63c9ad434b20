"""The worker's request-line and header checks (`emulator/runtime/protocol.py`) look at a
whole method, name or value at once and walk the bytes only when that fails, for the offset
of the error. The walk is the reference: tests/runtime/test_worker_http.py checks its
answers against the real runtime's. Here Hypothesis draws lines near the rules' edges
(every byte class, methods and their prefixes, long parts), and each line must get the same
answer, or the same error text, from the checks as from the walk alone."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from emulator.runtime import protocol

pytestmark = pytest.mark.sdk_free  # no SDK call: the SDK 27 pass of `make test` skips it

NEVER = re.compile(rb"(?!)")  # matches nothing: only the walk decides

PIECES = st.sampled_from(
    [b" ", b"\t", b":", b"/", b"a", b"Z", b"0", b"-", b"_", b"\x00", b"\x01", b"\x1f", b"\x7f"]
    + [b"\x80", b"\xc3\xa9", b"\xff", b'"', b"(", b"@", b"HTTP/1.1", b"HTTP/1.0", b"HTTP/2"]
    + [b"?q=1", b"%20", b"x" * 8190]
    + [m.encode() for m in ("GET", "GE", "POST", "M-SEARCH", "PLAY", "QUERY", "get", "PRI")]
)
LINES = st.lists(PIECES | st.binary(max_size=12), max_size=8).map(b"".join)
BYTES = st.binary(max_size=3) | st.sampled_from([bytes([b]) for b in range(256)])
NAMES = st.lists(st.sampled_from([b"X-", b"a", b"Content-Length", b"_", b"~"]) | BYTES, max_size=5)
VALUES = st.lists(
    st.sampled_from([b"v", b" ", b"\t", b"\xc3\xa9", b"x" * 8190]) | BYTES, max_size=5
)
HEADERS = st.tuples(
    NAMES.map(b"".join), st.sampled_from([b":", b": ", b" :", b"", b":\t"]), VALUES.map(b"".join)
).map(b"".join)
METHODS = st.sampled_from(protocol.ALL_METHODS) | PIECES | BYTES
TARGETS = st.lists(st.sampled_from([b"/", b"x", b"?a=1", b"%", b"#"]) | BYTES, max_size=5)
VERSIONS = st.sampled_from([b"", b" HTTP/1.1", b" HTTP/1.0", b" HTTP/2.0", b" HTTP/1.1 ", b" X"])
REQUEST_LINES = st.tuples(
    METHODS, st.sampled_from([b" ", b"  ", b"", b"\t"]), TARGETS.map(b"".join), VERSIONS
).map(b"".join)


def answer(function, line):
    try:
        return ("ok", function(line))
    except protocol.BadRequest as error:
        return ("error", str(error))


def walked(function, line):
    """The answer with the whole-part checks turned off: the byte walk alone."""
    with pytest.MonkeyPatch.context() as patched:
        for name in ("_METHOD", "_NAME", "_VALUE"):
            patched.setattr(protocol, name, NEVER)
        return answer(function, line)


@settings(max_examples=600, deadline=None, derandomize=True, database=None)
@given(line=HEADERS | LINES)
def test_a_header_line_gets_the_same_answer_as_from_the_byte_walk(line):
    assert answer(protocol._header, line) == walked(protocol._header, line)


@settings(max_examples=600, deadline=None, derandomize=True, database=None)
@given(line=REQUEST_LINES | LINES)
def test_a_request_line_gets_the_same_answer_as_from_the_byte_walk(line):
    assert answer(protocol.parse_request_line, line) == walked(protocol.parse_request_line, line)


def test_the_lines_drawn_reach_both_answers():
    """The properties above compare something: common lines pass, broken ones fail."""
    assert answer(protocol._header, b"X-A: 1") == ("ok", ("X-A", "1", 5))
    assert answer(protocol._header, b"X A: 1")[0] == "error"
    assert answer(protocol.parse_request_line, b"GET /x HTTP/1.1") == (
        "ok",
        ("GET", "/x", (1, 1)),
    )
    assert answer(protocol.parse_request_line, b"GET /\x01 HTTP/1.1")[0] == "error"
