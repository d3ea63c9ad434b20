"""The JSON Schema of the manifest (`schema.json`) and its errors as `Problem`s."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from .problems import Problem, field_path

SCHEMA_PATH = Path(__file__).with_name("schema.json")

_JSON_TYPES = {
    dict: "an object",
    list: "an array",
    str: "a string",
    bool: "a boolean",
    int: "a number",
    float: "a number",
    type(None): "null",
}

_FORMAT_HINT = ' (email, enum, url and ip are "type": "string" with a "format")'
_TYPE_HINTS = {
    "float": ' (a float column is "type": "double")',
    **dict.fromkeys(("email", "enum", "url", "ip"), _FORMAT_HINT),
}


@lru_cache(maxsize=1)
def _validator() -> Any:
    """The manifest's validator. `schema.json` ships with this code and is checked against
    its draft's meta-schema by the test suite (`tests/manifest/test_manifest_rules.py`), not
    at run time: that check cost every emulator process 175 ms."""
    from jsonschema import Draft202012Validator  # deferred: keeps `import emulator.manifest` light

    return Draft202012Validator(json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))


def schema_problems(data: object) -> list[Problem]:
    """Every place where `data` breaks the schema, in document order."""
    problems: list[Problem] = []
    for error in _validator().iter_errors(data):
        problems.extend(_to_problems(error))
    return problems


def _to_problems(error: Any) -> list[Problem]:
    parts = list(error.absolute_path)
    where = field_path(parts)
    kind, value = error.validator, error.instance
    if kind == "additionalProperties" and isinstance(value, dict):
        allowed = set(error.schema.get("properties", {}))
        return [
            Problem(field_path([*parts, key]), _unknown_key(key, allowed))
            for key in value
            if key not in allowed
        ]
    if kind == "required" and isinstance(value, dict):
        return [
            Problem(field_path([*parts, key]), "is required")
            for key in error.validator_value
            if key not in value
        ]
    if kind == "type":
        expected = error.validator_value
        names = " or ".join(expected) if isinstance(expected, list) else expected
        return [
            Problem(
                where,
                f"must be of type {names}, not "
                f"{_JSON_TYPES.get(type(value), type(value).__name__)}",
            )
        ]
    if kind == "enum":
        options = ", ".join(repr(option) for option in error.validator_value)
        hint = _TYPE_HINTS.get(value, "") if parts and parts[-1] == "type" else ""
        return [Problem(where, f"{value!r} is not one of: {options}{hint}")]
    return [Problem(where, error.message)]


def _unknown_key(key: str, allowed: set[str]) -> str:
    hint = ""
    if key == "specification" and "buildSpecification" in allowed:
        hint = " (Appwrite CLI ≥15 uses 'buildSpecification' and 'runtimeSpecification')"
    elif key == "documentSecurity" and "rowSecurity" in allowed:
        hint = " (tables use 'rowSecurity')"
    elif key == "attributes" and "columns" in allowed:
        hint = " (tables use 'columns')"
    return f"unknown key '{key}' (the Appwrite CLI rejects keys it does not know){hint}"
