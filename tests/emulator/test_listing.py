"""The identity list-query engine (I/O-free): parsing, validation, filters, order, cursors."""

from __future__ import annotations

import json

import pytest

from emulator.core.errors import AppwriteError
from emulator.http import listing

pytestmark = pytest.mark.sdk_free  # no SDK call: the SDK 27 pass of `make test` skips it

ALLOWED = ("name", "labels", "status", "registration")


def q(method, attribute=None, values=None) -> str:
    query = {"method": method}
    if attribute is not None:
        query["attribute"] = attribute
    if values is not None:
        query["values"] = values
    return json.dumps(query)


def docs():
    names = ["amy", "bob", "cy", "dee", "eve"]
    return [
        {
            "$id": n,
            "$sequence": str(i + 1),
            "name": n,
            "labels": ["x"] if i % 2 else [],
            "status": i != 2,
            "registration": f"2026-01-0{i + 1}T00:00:00.000+00:00",
        }
        for i, n in enumerate(names)
    ]


def run(*queries, **kwargs):
    total, page = listing.apply(
        docs(), listing.parse(list(queries), ALLOWED), cursor_label="User", **kwargs
    )
    return total, [d["$id"] for d in page]


def test_filters():
    assert run(q("equal", "name", ["amy", "cy"])) == (2, ["amy", "cy"])
    assert run(q("notEqual", "name", ["amy"]))[1] == ["bob", "cy", "dee", "eve"]
    assert run(q("contains", "labels", ["x"]))[1] == ["bob", "dee"]
    assert run(q("equal", "status", [False]))[1] == ["cy"]
    assert run(q("greaterThan", "registration", ["2026-01-03T00:00:00.000+00:00"]))[1] == [
        "dee",
        "eve",
    ]
    assert run(q("between", "name", ["b", "d"]))[1] == ["bob", "cy"]
    assert run(q("startsWith", "name", ["e"]))[1] == ["eve"]
    assert run(
        q(
            "or",
            values=[
                {"method": "equal", "attribute": "name", "values": ["amy"]},
                {"method": "equal", "attribute": "name", "values": ["eve"]},
            ],
        )
    )[1] == ["amy", "eve"]


def test_order_limit_offset_and_total():
    assert run(q("orderDesc", "name"), q("limit", values=[2])) == (5, ["eve", "dee"])
    assert run(q("orderAsc", "name"), q("offset", values=[3])) == (5, ["dee", "eve"])
    assert run(q("limit", values=[1]), count_total=False) == (0, ["amy"])


def test_cursors():
    assert run(q("cursorAfter", values=["bob"]), q("limit", values=[2]))[1] == ["cy", "dee"]
    assert run(q("cursorBefore", values=["dee"]), q("limit", values=[2]))[1] == ["bob", "cy"]
    assert run(q("orderDesc", "name"), q("cursorAfter", values=["dee"]))[1] == ["cy", "bob", "amy"]
    # a cursor excluded by the filters still marks the position
    assert run(q("equal", "status", [True]), q("cursorAfter", values=["cy"]))[1] == ["dee", "eve"]
    with pytest.raises(AppwriteError) as info:
        run(q("cursorAfter", values=["zed"]))
    assert info.value.type == "general_cursor_not_found" and info.value.message == (
        "User 'zed' for the 'cursor' value not found."
    )


@pytest.mark.parametrize(
    ("queries", "message"),
    [
        ([q("equal", "password", ["x"])], "Invalid query: Attribute not found in schema: password"),
        (["{nope"], "Invalid query: "),
        ([q("teleport", "name", ["x"])], "Invalid query method: teleport"),
        ([q("limit", values=[0])], "Invalid limit: Value must be a valid range between 1 and"),
        ([q("offset", values=[-1])], "Invalid offset: "),
        ([q("cursorAfter", values=["_bad"])], "Invalid cursor: "),
        (
            [q("notEqual", "name", ["a", "b"])],
            "Invalid query: NotEqual queries require exactly one value.",
        ),
        (
            [q("between", "name", ["a"])],
            "Invalid query: Between queries require exactly two values.",
        ),
        ([q("equal", "name", [])], "Invalid query: Equal queries require at least one value."),
        ([q("search", "name", ["bo"])], 'Searching by attribute "name" requires a fulltext index.'),
        (["x"] * 101, "Value must a valid array no longer than 100 items"),
        ("not a list", "Value must a valid array"),
    ],
)
def test_invalid_queries_are_argument_errors(queries, message):
    with pytest.raises(AppwriteError) as info:
        listing.parse(queries, ALLOWED)
    assert info.value.type == "general_argument_invalid" and info.value.code == 400
    assert info.value.message.startswith(f"Invalid `queries` param: {message}")


def test_total_is_capped():
    many = [{"$id": f"u{i}", "$sequence": str(i + 1)} for i in range(5001)]
    total, page = listing.apply(many, listing.parse([], ()), cursor_label="User")
    assert total == 5000 and len(page) == 25


def test_typed_values_are_checked_and_dates_normalised():
    types = {"registration": "datetime", "status": "boolean"}
    parsed = listing.parse(
        [q("lessThan", "registration", ["2026-01-03T01:00:00+01:00"])], ALLOWED, types
    )
    assert parsed.filters[0]["values"] == ["2026-01-03T00:00:00.000+00:00"]
    _total, page = listing.apply(docs(), parsed, cursor_label="User")
    assert [d["$id"] for d in page] == ["amy", "bob"]
    for query in (
        q("lessThan", "registration", ["yesterday"]),
        q("equal", "status", ["true"]),
        q("equal", "$createdAt", [5]),
    ):
        with pytest.raises(AppwriteError) as info:
            listing.parse([query], ALLOWED, types)
        assert "Invalid query: Query value is invalid for attribute" in info.value.message
