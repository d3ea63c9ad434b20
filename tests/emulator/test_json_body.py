"""Every answer's body is compact JSON in UTF-8 with non-ASCII characters unescaped, exactly
as `json.dumps(data, ensure_ascii=False, separators=(",", ":"))` writes it — whichever of
its two encoders `emulator.http.responses.json_body` ends up using."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from emulator.http.responses import json_body

pytestmark = pytest.mark.sdk_free  # no SDK call: the SDK 27 pass of `make test` skips it

# Text that exercises the switch: ASCII, the characters the ASCII encoder escapes as
# \uXXXX (non-ASCII, DEL, control characters), a backslash before `u`, and anything else
# Unicode holds — lone surrogates included, which UTF-8 cannot encode.
TRICKY = st.sampled_from(["\\", "u", "\\u", '"', "\x7f", "\x00", "\n", "\x1f", "é", "😀", "\ud800"])
TEXT = st.lists(
    st.one_of(TRICKY, st.text(st.characters(exclude_categories=()), max_size=8)), max_size=6
).map("".join)
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True), TEXT
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(TEXT, inner, max_size=4)),
    max_leaves=20,
)


def _reference(data) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


@settings(max_examples=400, deadline=None)
@given(VALUES)
def test_the_same_bytes_as_the_utf8_encoder(data):
    try:
        expected = _reference(data)
    except UnicodeEncodeError:  # a lone surrogate: refused alike
        with pytest.raises(UnicodeEncodeError):
            json_body(data)
        return
    assert json_body(data) == expected


@pytest.mark.parametrize(
    "text, wire",
    [
        ("plain", b'"plain"'),
        ("café", '"café"'.encode()),  # raw UTF-8, not \u00e9
        ("\x7f", b'"\x7f"'),  # DEL raw, as the UTF-8 encoder leaves it
        ("a\\u0041", b'"a\\\\u0041"'),  # a backslash before u stays an escaped backslash
        ("\x01", b'"\\u0001"'),  # control characters escaped by both
    ],
)
def test_known_answers(text, wire):
    assert json_body({"v": text}) == b'{"v":' + wire + b"}"
