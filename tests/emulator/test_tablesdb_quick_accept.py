"""The bulk write's cheap paths change no answer: `columns.quick_accept` never accepts a
value the full structure check refuses (for any column and value, "quick says yes" implies
"no problem"; every refusal still comes from `structure_problem`), and a column without a
`columns.sql_encoder` stores every value as `to_sql` would."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from emulator.services.tablesdb import columns as col

pytestmark = pytest.mark.sdk_free  # no SDK call: the SDK 27 pass of `make test` skips it

SPECS = [
    {"key": "title", "type": "varchar", "size": 5},
    {"key": "legacy", "type": "string", "size": 3},
    {"key": "n", "type": "integer", "size": 4, "min": -2147483648, "max": 2147483647},
    {"key": "small", "type": "integer", "size": 4, "min": 0, "max": 10},
    {"key": "big", "type": "bigint", "size": 8, "min": -(2**63), "max": 2**63 - 1},
    {"key": "score", "type": "double", "min": -1.5, "max": 1e300},
    {"key": "done", "type": "boolean"},
    # not covered: the full check only
    {"key": "mail", "type": "varchar", "size": 50, "format": "email"},
    {"key": "tags", "type": "varchar", "size": 5, "array": True},
    {"key": "due", "type": "datetime"},
]

VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([0, 10, 11, -1, 2147483647, 2147483648, -2147483649, 2**63, -(2**63) - 1]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([-1.5, -1.6, 1e300, 1e301, 0.0, -0.0]),
    st.text(max_size=8),
    st.lists(st.text(max_size=6), max_size=3),
)


@settings(max_examples=600, deadline=None)
@given(value=VALUES)
def test_quick_accept_never_accepts_what_the_full_check_refuses(value):
    for spec in SPECS:
        quick = col.quick_accept(spec)
        if quick is not None and value is not None and quick(value):
            assert col.structure_problem(spec, value) is None, (spec, value)


def test_the_plain_valid_values_take_the_quick_path():
    accepts = {spec["key"]: col.quick_accept(spec) for spec in SPECS}
    assert accepts["title"]("abcde") and not accepts["title"]("abcdef")
    assert accepts["small"](10) and not accepts["small"](11) and not accepts["small"](True)
    assert accepts["big"](2**62) and not accepts["n"](2**31)
    assert accepts["score"](0.5) and not accepts["score"](-1.6) and not accepts["score"](math.inf)
    assert accepts["done"](False) and not accepts["done"](0)
    assert accepts["mail"] is None and accepts["tags"] is None and accepts["due"] is None


@settings(max_examples=300, deadline=None)
@given(value=VALUES)
def test_a_column_without_an_encoder_stores_every_value_as_it_is(value):
    """`sql_encoder` is None only where `to_sql` keeps the value unchanged."""
    specs = SPECS + [
        {"key": "body", "type": "text"},
        {"key": "status", "type": "varchar", "size": 9, "format": "enum", "elements": ["a"]},
    ]
    for spec in specs:
        if col.sql_encoder(spec) is None:
            assert col.to_sql(spec, value) is value, spec
    covered = [s["key"] for s in specs if col.sql_encoder(s) is None]
    assert covered == ["title", "legacy", "n", "small", "big", "mail", "body", "status"]
