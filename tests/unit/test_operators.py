"""Atomic update operators as the SDK encodes them, applied to stored values."""

import pytest
from appwrite.operator import Operator

from emulator.services.tablesdb import operators

INT = {"type": "integer", "array": False}
FLOAT = {"type": "double", "array": False}
TAGS = {"type": "varchar", "array": True}
TEXT = {"type": "varchar", "array": False}
FLAG = {"type": "boolean", "array": False}
WHEN = {"type": "datetime", "array": False}


def run(encoded: str, current, spec):
    return operators.apply(*operators.decode(encoded), current, spec)


@pytest.mark.parametrize(
    "encoded, current, spec, expected",
    [
        (Operator.increment(), 5, INT, 6),
        (Operator.increment(10, 12), 5, INT, 12),
        (Operator.decrement(3, 0), 2, INT, 0),
        (Operator.increment(2), None, INT, 2),
        (Operator.multiply(2, 100), 1.5, FLOAT, 3.0),
        (Operator.divide(2, 10), 50.0, FLOAT, 25.0),
        (Operator.modulo(5), 7, INT, 2),
        (Operator.power(2), 3, INT, 9),
        (Operator.array_append(["c"]), ["a"], TAGS, ["a", "c"]),
        (Operator.array_prepend(["z"]), ["a"], TAGS, ["z", "a"]),
        (Operator.array_insert(1, "x"), ["a", "b"], TAGS, ["a", "x", "b"]),
        (Operator.array_remove("a"), ["a", "b", "a"], TAGS, ["b"]),
        (Operator.array_unique(), ["a", "b", "a"], TAGS, ["a", "b"]),
        (Operator.array_intersect(["b", "c"]), ["a", "b"], TAGS, ["b"]),
        (Operator.array_diff(["b"]), ["a", "b"], TAGS, ["a"]),
        (Operator.array_filter("equal", "a"), ["a", "b"], TAGS, ["a"]),
        (Operator.string_concat("!"), "hi", TEXT, "hi!"),
        (Operator.string_replace("old", "new"), "old text", TEXT, "new text"),
        (Operator.toggle(), False, FLAG, True),
        (
            Operator.date_add_days(2),
            "2026-01-01T00:00:00.000+00:00",
            WHEN,
            "2026-01-03T00:00:00.000+00:00",
        ),
        (
            Operator.date_sub_days(1),
            "2026-01-01T00:00:00.000+00:00",
            WHEN,
            "2025-12-31T00:00:00.000+00:00",
        ),
    ],
)
def test_operators(encoded, current, spec, expected):
    assert run(encoded, current, spec) == expected


def test_plain_strings_are_not_operators():
    assert operators.decode("hello") is None
    assert operators.decode('{"method":"dropTable"}') is None
    assert operators.decode('{"not":"an operator"}') is None


@pytest.mark.parametrize(
    "encoded, spec",
    [
        (Operator.increment(1), TEXT),
        (Operator.array_append(["x"]), INT),
        (Operator.toggle(), INT),
        ('{"method":"divide","values":[0]}', FLOAT),
        (Operator.array_insert(9, "x"), TAGS),
        (Operator.date_add_days(1), WHEN),
    ],
)
def test_misused_operators_are_refused(encoded, spec):
    with pytest.raises(operators.OperatorInvalid):
        run(encoded, [] if spec.get("array") else None, spec)
