"""TablesDB index rules as Appwrite 1.9.6 applies them on MariaDB (index_rules, pure)."""

from __future__ import annotations

import pytest

from emulator.services.tablesdb import index_rules

COLUMNS = [
    {"key": "title", "type": "string", "size": 256},
    {"key": "description", "type": "string", "size": 512},
    {"key": "tagline", "type": "varchar", "size": 512},
    {"key": "year", "type": "integer", "size": 4},
    {"key": "score", "type": "double"},
    {"key": "link", "type": "string", "format": "url", "size": 2000},
    {"key": "actors", "type": "string", "size": 64, "array": True},
]


def index(columns, kind="key", lengths=(), orders=(), key="i"):
    return {
        "key": key,
        "type": kind,
        "columns": list(columns),
        "lengths": list(lengths),
        "orders": list(orders),
    }


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (index(["title", "description"]), None),  # 256 + 512 = 768: the maximum itself
        (index(["description", "tagline"]), "Index length is longer than the maximum: 768"),
        (index(["link"]), "Index length is longer than the maximum: 768"),
        (index(["link"], lengths=[100]), None),
        (
            index(["title"], lengths=[128, 128]),
            "Invalid index lengths. Count of lengths must "
            "be equal or less than the number of attributes.",
        ),
        (index(["title"], lengths=[-1]), "Negative index length provided for title"),
        (
            index(["title"], lengths=[300]),
            'Index length 300 is larger than the size for title: 256"',
        ),
        (index(["year"], lengths=[10]), 'Cannot set a length on "integer" attributes'),
        (index(["year", "score", "$id"]), None),
        (index([]), "No attributes provided for index"),
        (index(["year", "Year"]), "Duplicate attributes provided"),
        (
            index(["year"], "fulltext"),
            'Attribute "year" cannot be part of a fulltext index, must be of type string',
        ),
        (index(["description", "tagline"], "fulltext"), None),  # no length limit for fulltext
        (index(["title"], key="PRIMARY"), "Index key name is reserved"),
    ],
)
def test_problem(spec, message):
    assert index_rules.problem(COLUMNS, spec) == message


def test_lookup_checks_columns_in_order():
    assert index_rules.lookup_problem(COLUMNS, ["ghost", "actors"]) == ("column_unknown", "ghost")
    kind, message = index_rules.lookup_problem(COLUMNS, ["actors", "ghost"])
    assert (kind, message) == (
        "column_index_invalid",
        "Creating indexes on array attributes is not currently supported.",
    )
    assert index_rules.lookup_problem(COLUMNS, ["$id", "$createdAt", "$updatedAt"]) is None
    assert index_rules.lookup_problem(COLUMNS, ["$sequence"]) == ("column_unknown", "$sequence")


def test_deleting_a_column_shrinks_drops_and_deduplicates():
    indexes = [
        index(["c1", "c2"], orders=["ASC", "ASC"], key="index1"),
        index(["c2"], key="index2"),
        index(["c1"], key="only1"),
    ]
    kept, dropped = index_rules.without_column(indexes, "c2")
    # index1 → [c1] with no orders left (PHP's array_diff takes out every "ASC"): the same
    # as only1, so it is dropped as a duplicate; index2 is left empty and dropped
    assert [i["key"] for i in kept] == ["only1"]
    assert [i["key"] for i in dropped] == ["index1", "index2"]
    kept, dropped = index_rules.without_column(indexes[:2], "c1")
    assert [(i["key"], i["columns"]) for i in kept] == [("index2", ["c2"])]
    assert [i["key"] for i in dropped] == ["index1"]
    kept, _ = index_rules.without_column([index(["a", "b"], orders=["ASC", "DESC"])], "b")
    assert (kept[0]["columns"], kept[0]["orders"]) == (["a"], ["ASC"])
