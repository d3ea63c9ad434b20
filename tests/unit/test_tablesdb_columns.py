"""Column specs, models, row width and row-value rules (pure)."""

import pytest

from emulator.core.errors import AppwriteError
from emulator.services.tablesdb import columns as col


def spec(kind, **params):
    return col.build_spec(kind, {"key": "c", "required": False, **params})


def test_models_follow_appwrite_wire_types():
    assert col.column_model(spec("float"), "a", "b")["type"] == "double"
    model = col.column_model(spec("email"), "a", "b")
    assert (model["type"], model["format"], "size" not in model) == ("string", "email", True)
    assert col.column_model(spec("datetime"), "a", "b")["format"] == "datetime"
    assert col.column_model(spec("enum", elements=["x"]), "a", "b")["elements"] == ["x"]
    assert spec("integer", max=10)["size"] == 4 and spec("integer")["size"] == 8


@pytest.mark.parametrize(
    "definition, width",
    [
        (("varchar", {"size": 255}), 1021),
        (("varchar", {"size": 256}), 1026),
        (("text", {}), 20),
        (("integer", {"max": 5}), 4),
        (("integer", {}), 8),
        (("float", {}), 8),
        (("boolean", {}), 1),
        (("datetime", {}), 7),
        (("varchar", {"size": 10, "array": True}), 20),
        (("string", {"size": 20000}), 20),
    ],
)
def test_row_width_follows_mariadb(definition, width):
    kind, params = definition
    assert col.width(spec(kind, **params)) == width


def test_the_largest_single_varchar_fits():
    assert col.row_width([spec("varchar", size=16116)]) < col.ROW_WIDTH_LIMIT
    assert col.row_width([spec("varchar", size=16117)]) >= col.ROW_WIDTH_LIMIT


@pytest.mark.parametrize(
    "kind, params, error_type",
    [
        ("integer", {"min": 3, "max": 1}, "column_value_invalid"),
        ("float", {"min": 0, "max": 1, "default": 2}, "column_value_invalid"),
        ("boolean", {"default": True, "required": True}, "column_default_unsupported"),
        ("enum", {"elements": []}, "column_value_invalid"),
    ],
)
def test_bad_definitions(kind, params, error_type):
    with pytest.raises(AppwriteError) as info:
        col.build_spec(kind, {"key": "c", "required": params.pop("required", False), **params})
    assert info.value.type == error_type


@pytest.mark.parametrize(
    "definition, value, problem",
    [
        (("integer", {"min": 0, "max": 5}), True, "has invalid type"),
        (("integer", {}), 2**63, "signed 64-bit"),
        (("float", {}), float("nan"), "valid float"),
        (("ip", {}), "300.1.1.1", "valid IP address"),
        (("ip", {}), "::1", None),
        (("url", {}), "https://example.com/x", None),
        (("url", {}), "example.com", "valid URL"),
        (("datetime", {}), "0999-01-01T00:00:00Z", "valid date"),
        (("text", {}), "é" * 40000, "65535 bytes"),
        (("varchar", {"size": 3, "array": True}), ["abc", None], "['1']"),
    ],
)
def test_value_rules(definition, value, problem):
    kind, params = definition
    found = col.structure_problem(spec(kind, **params), value)
    assert (found is None) if problem is None else (problem in found)


def test_storage_round_trip():
    tags = spec("varchar", size=5, array=True)
    assert col.from_sql(tags, col.to_sql(tags, ["a", "b"])) == ["a", "b"]
    assert col.from_sql(tags, None) == []
    flag = spec("boolean")
    assert col.from_sql(flag, col.to_sql(flag, False)) is False
    number = spec("float")
    assert col.from_sql(number, col.to_sql(number, 5)) == 5 and isinstance(
        col.from_sql(number, 5.0), int
    )


def test_bigint_is_a_64_bit_integer():
    big = spec("bigint", min=0)
    assert (big["size"], col.width(big), col.query_kind(big), col.sqlite_type(big)) == (
        8,
        8,
        "integer",
        "INTEGER",
    )
    assert col.structure_problem(big, 2**62) is None
    assert "has invalid format" in col.structure_problem(big, -1)
