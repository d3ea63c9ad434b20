"""Bad manifests: each mistake is reported with the field path and a clear message."""

from __future__ import annotations

from typing import Any

import pytest

from emulator.manifest import ManifestError, load_manifest


def _function(data: dict[str, Any], function_id: str) -> tuple[int, dict[str, Any]]:
    return next((i, f) for i, f in enumerate(data["functions"]) if f["$id"] == function_id)


def _table(data: dict[str, Any], table_id: str) -> tuple[int, dict[str, Any]]:
    return next((i, t) for i, t in enumerate(data["tables"]) if t["$id"] == table_id)


def _column(data: dict[str, Any], table_id: str, key: str) -> tuple[str, dict[str, Any]]:
    index, entry = _table(data, table_id)
    position = [c["key"] for c in entry["columns"]].index(key)
    return f"tables[{index}].columns[{position}]", entry["columns"][position]


def _set(function_id: str, key: str, value: Any):
    """Set `key` of a function; a list value is reported at its first item."""

    def mutate(data: dict[str, Any]) -> str:
        index, entry = _function(data, function_id)
        entry[key] = value
        return f"functions[{index}].{key}" + ("[0]" if isinstance(value, list) else "")

    return mutate


def _event(function_id: str, event: str):
    def mutate(data: dict[str, Any]) -> str:
        index, entry = _function(data, function_id)
        entry["events"] = [event]
        return f"functions[{index}].events[0]"

    return mutate


def unknown_top_level_key(data):
    data["deploy"] = True
    return "deploy"


def unknown_function_key(data):
    index, entry = _function(data, "articles")
    entry["specification"] = "s-1vcpu-512mb"
    return f"functions[{index}].specification"


def unknown_column_key(data):
    where, column = _column(data, "articles", "title")
    column["length"] = 255
    return f"{where}.length"


def unknown_scope(data):
    index, entry = _function(data, "accounts")
    entry["scopes"] = [*entry["scopes"], "rows.admin"]
    return f"functions[{index}].scopes[{len(entry['scopes']) - 1}]"


def missing_entrypoint_file(data):
    index, entry = _function(data, "articles")
    entry["entrypoint"] = "src/app.py"
    return f"functions[{index}].entrypoint"


def missing_function_folder(data):
    index, entry = _function(data, "articles")
    entry["path"] = "functions/no-such-function"
    return f"functions[{index}].path"


def index_on_unknown_column(data):
    index, entry = _table(data, "articles")
    entry["indexes"].append({"key": "by_author", "type": "key", "columns": ["author"]})
    return f"tables[{index}].indexes[{len(entry['indexes']) - 1}].columns[0]"


def index_on_array_column(data):
    index, entry = _table(data, "articles")
    entry["indexes"].append({"key": "by_tags", "type": "key", "columns": ["tags"]})
    return f"tables[{index}].indexes[{len(entry['indexes']) - 1}].columns[0]"


def fulltext_on_integer(data):
    index, entry = _table(data, "articles")
    entry["indexes"].append({"key": "ft_words", "type": "fulltext", "columns": ["wordCount"]})
    return f"tables[{index}].indexes[{len(entry['indexes']) - 1}].columns[0]"


def required_without_default(data):
    where, column = _column(data, "articles", "title")
    del column["default"]
    return f"{where}.default"


def required_with_default(data):
    where, column = _column(data, "articles", "title")
    column["default"] = "Untitled"
    return f"{where}.default"


def varchar_without_size(data):
    where, column = _column(data, "articles", "authorId")
    del column["size"]
    return f"{where}.size"


def enum_without_elements(data):
    where, column = _column(data, "articles", "status")
    del column["elements"]
    return f"{where}.elements"


def float_type(data):
    where, column = _column(data, "articles", "wordCount")
    column["type"] = "float"
    return f"{where}.type"


def any_write_permission(data):
    index, entry = _table(data, "articles")
    entry["$permissions"] = ['read("any")', 'write("any")']
    return f"tables[{index}].$permissions[1]"


def malformed_permission(data):
    index, entry = _table(data, "profiles")
    entry["$permissions"] = ["read(any)"]
    return f"tables[{index}].$permissions[0]"


def unknown_database(data):
    index, entry = _table(data, "articles")
    entry["databaseId"] = "news"
    return f"tables[{index}].databaseId"


def duplicate_function_ids(data):
    index, entry = _function(data, "nightly-maintenance")
    entry["$id"] = "accounts"
    return f"functions[{index}].$id"


def split_config(data):
    data["includes"] = {"functions": "functions.json"}
    return "includes"


def missing_runtime(data):
    index, entry = _function(data, "articles")
    del entry["runtime"]
    return f"functions[{index}].runtime"


CASES = [
    pytest.param(unknown_top_level_key, "unknown key 'deploy'", id="unknown-top-level-key"),
    pytest.param(unknown_function_key, "unknown key 'specification'", id="unknown-function-key"),
    pytest.param(unknown_column_key, "unknown key 'length'", id="unknown-column-key"),
    pytest.param(
        _set("publish-scheduled", "schedule", "*/5 * * *"),
        "has 4 fields; a schedule has 5",
        id="cron-4-fields",
    ),
    pytest.param(
        _set("publish-scheduled", "schedule", "61 * * * *"),
        "not a valid cron expression",
        id="cron-bad-minute",
    ),
    pytest.param(
        _set("nightly-maintenance", "schedule", "@daily"), "write the 5-field form", id="cron-macro"
    ),
    pytest.param(
        _event("enrich-article", "functions.*.executions.*.create"),
        "Triggering a function on a function event is not allowed.",
        id="function-event",
    ),
    pytest.param(
        _event("enrich-article", "databases.newsroom.tables.articles.records.*.create"),
        "unknown segment 'records' after 'databases.newsroom.tables.articles'",
        id="unknown-event-resource",
    ),
    pytest.param(
        _event("provision-profile", "accounts.*.create"),
        "unknown event type 'accounts'",
        id="unknown-event-type",
    ),
    pytest.param(
        _event("enrich-article", "databases.newsroom.tables.articles.rows.*.*"),
        "'*' can only stand for an ID, not for an action",
        id="wildcard-action",
    ),
    pytest.param(
        _event("enrich-article", "databases.newsroom.tables.articles.rows.*.upsert"),
        "Appwrite refuses",
        id="seven-segment-upsert",
    ),
    pytest.param(
        _event("provision-profile", "users.*.update.avatar"),
        "unknown attribute 'avatar'",
        id="unknown-attribute",
    ),
    pytest.param(unknown_scope, "unknown scope 'rows.admin'", id="unknown-scope"),
    pytest.param(
        missing_entrypoint_file, "file 'src/app.py' does not exist", id="missing-entrypoint"
    ),
    pytest.param(
        missing_function_folder,
        "folder 'functions/no-such-function' does not exist",
        id="missing-folder",
    ),
    pytest.param(
        index_on_unknown_column, "'author' names no column of this table", id="index-unknown-column"
    ),
    pytest.param(
        index_on_array_column, "array column 'tags' cannot be indexed", id="index-array-column"
    ),
    pytest.param(
        fulltext_on_integer, "a fulltext index needs string-like columns", id="fulltext-integer"
    ),
    pytest.param(
        required_without_default, 'needs an explicit "default": null', id="required-without-default"
    ),
    pytest.param(
        required_with_default, "a required column cannot have a default", id="required-with-default"
    ),
    pytest.param(
        varchar_without_size,
        "a 'varchar' column without a format needs a size",
        id="varchar-without-size",
    ),
    pytest.param(
        enum_without_elements,
        "format 'enum' needs a non-empty 'elements'",
        id="enum-without-elements",
    ),
    pytest.param(float_type, 'a float column is "type": "double"', id="float-type"),
    pytest.param(
        any_write_permission, "never grant 'any' create/update/delete/write", id="any-write"
    ),
    pytest.param(
        malformed_permission,
        "Invalid permission string format",
        id="malformed-permission",
    ),
    pytest.param(unknown_database, "'news' names no tablesDB entry", id="unknown-database"),
    pytest.param(
        _set("accounts", "runtime", "node-22"), "unknown runtime 'node-22'", id="bad-runtime"
    ),
    pytest.param(missing_runtime, "is required", id="missing-runtime"),
    pytest.param(_set("provision-profile", "timeout", 0), "from 1 to 900", id="timeout-0"),
    pytest.param(
        _set("provision-profile", "timeout", "15"),
        "must be of type number, not a string",
        id="timeout-string",
    ),
    pytest.param(
        _set("articles", "execute", ["user:"]),
        'Role "user" must have an ID value',
        id="execute-role",
    ),
    pytest.param(
        duplicate_function_ids,
        "duplicate function id 'accounts' (also functions[0])",
        id="duplicate-id",
    ),
    pytest.param(_set("articles", "$id", "_articles"), "is not a valid ID", id="invalid-id"),
    pytest.param(split_config, "split config files are not supported", id="includes"),
]


@pytest.mark.parametrize(("mutate", "message"), CASES)
def test_bad_manifest_reports_field_and_reason(make_project, mutate, message):
    expected_path: list[str] = []
    path = make_project(lambda data: expected_path.append(mutate(data)))

    with pytest.raises(ManifestError) as caught:
        load_manifest(path)

    found = [p for p in caught.value.problems if p.path == expected_path[0]]
    assert found, f"no problem at {expected_path[0]}; got:\n{caught.value}"
    assert any(message in p.message for p in found), str(caught.value)
    assert f"  {expected_path[0]}: " in str(caught.value)


def test_all_problems_are_reported_at_once_one_per_line(make_project):
    def mutate(data):
        unknown_top_level_key(data)
        _set("accounts", "runtime", "node-22")(data)
        varchar_without_size(data)

    with pytest.raises(ManifestError) as caught:
        load_manifest(make_project(mutate))

    lines = str(caught.value).splitlines()
    assert lines[0] == "appwrite.json: 3 problems"
    assert [line.split(":")[0].strip() for line in lines[1:]] == [
        p.path for p in caught.value.problems
    ]
    assert len(lines) == 4


def test_wrong_types_are_reported_once_not_crashed_on(make_project):
    def mutate(data):
        data["functions"][0]["events"] = "users.*.create"
        data["tables"][0]["columns"] = {"key": "x"}
        data["tables"][1]["indexes"][0]["columns"] = "status"

    with pytest.raises(ManifestError) as caught:
        load_manifest(make_project(mutate))

    assert [p.path for p in caught.value.problems] == [
        "functions[0].events",
        "tables[0].columns",
        "tables[1].indexes[0].columns",
    ]
