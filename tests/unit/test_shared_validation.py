"""validation.py: JSON Schema with formats, JSON-pointer paths, every error at once."""

import json

import pytest

from shared.errors import BadRequest
from shared.validation import Schema, is_date_time, is_uri, load_schema, validate

SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "additionalProperties": False,
    "required": ["title", "body"],
    "properties": {
        "title": {"type": "string", "minLength": 1, "maxLength": 10},
        "body": {"type": "string"},
        "email": {"type": "string", "format": "email"},
        "publishAt": {"type": "string", "format": "date-time"},
        "link": {"type": "string", "format": "uri"},
        "tags": {"type": "array", "items": {"type": "string", "maxLength": 3}},
        "a/b": {"type": "integer"},
    },
}


@pytest.fixture
def schema(tmp_path):
    folder = tmp_path / "fn" / "schemas"
    folder.mkdir(parents=True)
    (folder / "create.json").write_text(json.dumps(SCHEMA))
    (tmp_path / "fn" / "src").mkdir()
    return load_schema(str(tmp_path / "fn" / "src" / "main.py"), "../schemas/create.json")


def details_of(schema, instance):
    with pytest.raises(BadRequest) as info:
        validate(instance, schema)
    assert info.value.code == "validation_failed"
    return info.value.details


def test_valid_instance_is_returned(schema):
    doc = {
        "title": "Hi",
        "body": "text",
        "publishAt": "2026-01-02T03:04:05Z",
        "link": "https://x.test/a",
    }
    assert validate(doc, schema) is doc


def test_all_errors_reported_with_json_pointer_paths(schema):
    details = details_of(schema, {"title": "", "tags": ["ok", "toolong"], "extra": 1, "a/b": "x"})
    paths = [d["path"] for d in details]
    assert paths == sorted(paths)
    assert "/title" in paths  # too short
    assert "/body" in paths  # required: points at the missing property
    assert "/tags/1" in paths  # array item
    assert "/a~1b" in paths  # pointer escaping
    assert "/extra" in paths  # additionalProperties: one entry per unexpected key
    assert len(details) == 5
    assert all(set(d) == {"path", "message"} for d in details)


def test_each_unexpected_property_gets_its_path(schema):
    details = details_of(schema, {"title": "t", "body": "b", "x": 1, "y": 2})
    assert details == [
        {"path": "/x", "message": "'x' is not allowed"},
        {"path": "/y", "message": "'y' is not allowed"},
    ]


def test_two_missing_properties_each_get_their_path(schema):
    details = details_of(schema, {})
    assert [d["path"] for d in details] == ["/body", "/title"]


def test_formats_are_checked(schema):
    details = details_of(
        schema,
        {
            "title": "t",
            "body": "b",
            "email": "not-an-email",
            "publishAt": "tomorrow",
            "link": "no scheme",
        },
    )
    assert [d["path"] for d in details] == ["/email", "/link", "/publishAt"]


def test_wrong_top_level_type(schema):
    assert details_of(schema, ["x"])[0]["path"] == ""


def test_long_messages_are_cut(schema):
    details = details_of(schema, {"title": "t" * 5000, "body": "b"})
    assert len(details[0]["message"]) <= 300


def test_schema_is_loaded_and_compiled_once(schema, tmp_path):
    again = load_schema(str(tmp_path / "fn" / "src" / "other.py"), "../schemas/create.json")
    assert again is schema
    validate({"title": "a", "body": "b"}, schema)
    assert schema.validator is schema.validator


def test_missing_schema_file_fails_loudly(tmp_path):
    with pytest.raises(FileNotFoundError):
        load_schema(str(tmp_path / "main.py"), "nope.json")


def test_invalid_schema_is_rejected_when_compiled_with_its_check(tmp_path):
    """Run time skips the metaschema check (decision 0019): the shipped schemas are checked
    by tests/unit/test_function_schemas.py, and `compile_schema` checks for other callers."""
    from jsonschema.exceptions import SchemaError

    from shared.validation import compile_schema

    (tmp_path / "bad.json").write_text('{"type": 12}')
    bad = load_schema(str(tmp_path / "main.py"), "bad.json")
    with pytest.raises(SchemaError):
        compile_schema(bad.schema)


@pytest.mark.parametrize(
    "value, ok",
    [
        ("2026-11-27T10:00:00Z", True),
        ("2026-11-27t10:00:00.123+02:00", True),
        ("2026-11-27T10:00:00", False),  # offset required
        ("2026-02-30T10:00:00Z", False),  # no such day
        ("2026-11-27 10:00:00Z", False),
        ("27/11/2026", False),
        (42, True),  # formats only constrain strings
    ],
)
def test_date_time_format(value, ok):
    assert is_date_time(value) is ok


@pytest.mark.parametrize(
    "value, ok",
    [
        ("https://example.com/a?b=1", True),
        ("mailto:a@b.c", True),
        ("/relative", False),
        ("http://exa mple.com", False),
        ("1http://x", False),
    ],
)
def test_uri_format(value, ok):
    assert is_uri(value) is ok


# -- issue 9: formats of shared.safe_text, secrets never quoted, bounded answers ---------------

SIGNUP = {
    "type": "object",
    "additionalProperties": False,
    "required": ["email", "password", "name"],
    "properties": {
        "email": {"type": "string", "format": "email"},
        "password": {"type": "string", "minLength": 8, "maxLength": 256, "writeOnly": True},
        "name": {"type": "string", "format": "name"},
        "title": {"type": "string", "format": "single-line"},
        "body": {"type": "string", "format": "text"},
    },
}


def problems(instance, schema=SIGNUP):
    return {d["path"]: d["message"] for d in Schema("inline", schema).errors(instance)}


def test_the_text_formats_are_checked_with_their_reason():
    found = problems(
        {
            "email": "b@x.test\n",
            "password": "password-1",
            "name": "B\u200bob",
            "title": "a\nb",
            "body": "a\x00b",
        }
    )
    assert set(found) == {"/email", "/name", "/title", "/body"}
    assert "U+000A" in found["/email"] and "U+200B" in found["/name"]
    assert "U+0000" in found["/body"]


@pytest.mark.parametrize("password", ["hunter2", "p" * 257, 12345678, ["hunter2-long"]])
def test_a_write_only_value_is_never_quoted(password):
    found = problems({"email": "a@b.test", "password": password, "name": "N"})
    assert list(found) == ["/password"]
    secret = str(password).strip("[]'")
    assert secret not in found["/password"]
    assert found["/password"].startswith("must ")


def test_an_object_or_array_is_never_quoted():
    found = problems(["hunter2-in-an-array"])
    assert found == {"": "must be of type object"}


def test_at_most_50_problems_are_listed():
    found = Schema("inline", SIGNUP).errors({f"k{i}": i for i in range(500)})
    assert len(found) == 50
    assert found[-1]["message"].startswith("… and ")
