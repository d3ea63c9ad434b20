"""Loading: the real appwrite.json passes and becomes typed specs; file-level failures are clear."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from emulator.manifest import ManifestError, check_manifest, find_manifest, load_manifest

REAL_MANIFEST = Path(__file__).resolve().parents[2] / "appwrite.json"


def test_real_manifest_has_no_problems(real_data):
    assert check_manifest(real_data, REAL_MANIFEST.parent) == []


def test_real_manifest_loads_as_typed_specs(real_data):
    manifest = load_manifest(REAL_MANIFEST)

    assert manifest.project_id == real_data["projectId"]
    assert manifest.root == REAL_MANIFEST.parent
    assert [f.id for f in manifest.functions] == [f["$id"] for f in real_data["functions"]]
    assert [t.id for t in manifest.tables] == [t["$id"] for t in real_data["tables"]]
    for raw, spec in zip(real_data["functions"], manifest.functions, strict=True):
        assert spec.path == (REAL_MANIFEST.parent / raw["path"]).resolve()
        assert spec.path.is_absolute() and spec.entrypoint_path.is_file()
        assert spec.events == tuple(raw["events"]) and spec.scopes == tuple(raw["scopes"])
        assert spec.timeout == raw["timeout"] and spec.schedule == raw["schedule"]
    enrich = manifest.function("enrich-article")
    assert enrich.events == ("databases.newsroom.tables.articles.rows.*.create",)
    assert manifest.function("publish-scheduled").schedule == "*/5 * * * *"


def test_defaults_follow_the_appwrite_cli(make_project):
    def mutate(data):
        function = data["functions"][0]
        for key in (
            "timeout",
            "enabled",
            "logging",
            "execute",
            "events",
            "schedule",
            "scopes",
            "ignore",
            "commands",
        ):
            function.pop(key, None)
        data["tables"][0].pop("rowSecurity")
        data["tables"][0].pop("enabled")

    manifest = load_manifest(make_project(mutate))

    function = manifest.functions[0]
    assert (function.timeout, function.enabled, function.logging) == (15, True, True)
    assert function.execute == function.events == function.scopes == function.ignore == ()
    assert function.schedule == "" and function.commands == ""
    assert manifest.tables[0].row_security is True  # the CLI defaults rowSecurity to true
    assert manifest.tables[0].enabled is True


@pytest.mark.parametrize(
    "ignore",
    [["__pycache__", "*.pyc", " tests "], "__pycache__\n*.pyc\r\n\n tests \n"],
    ids=["list", "newline-string"],
)
def test_ignore_accepts_a_list_or_a_newline_separated_string(make_project, ignore):
    path = make_project(lambda data: data["functions"][0].__setitem__("ignore", ignore))

    assert load_manifest(path).functions[0].ignore == ("__pycache__", "*.pyc", "tests")


def test_columns_and_indexes_are_typed(real_data):
    articles = load_manifest(REAL_MANIFEST).table("newsroom", "articles")

    status = articles.column("status")
    assert (status.type, status.format, status.required, status.default) == (
        "string",
        "enum",
        True,
        None,
    )
    assert set(status.elements) >= {"draft", "scheduled", "published", "archived"}
    assert articles.column("tags").array is True
    assert {index.type for index in articles.indexes} >= {"key", "unique", "fulltext"}
    with pytest.raises(KeyError):
        articles.column("nope")


def test_requirements_must_pin_what_pyproject_pins(make_project):
    path = make_project()
    root = path.parent
    (root / "pyproject.toml").write_text(
        '[project]\nname = "x"\ndependencies = ["appwrite==15.3.0", "jsonschema==4.26.0"]\n'
    )
    accounts = root / "functions" / "accounts" / "requirements.txt"
    accounts.write_text("# runtime deps\nappwrite==15.2.0\nJsonSchema == 4.26.0\nrequests==2.0\n")
    (root / "functions" / "articles" / "requirements.txt").write_text("appwrite==15.3.0\n")

    with pytest.raises(ManifestError) as caught:
        load_manifest(path)

    messages = [(p.path, p.message) for p in caught.value.problems]
    assert messages == [
        (
            "functions[0].path",
            "functions/accounts/requirements.txt: pins 'appwrite==15.2.0' but pyproject.toml pins "
            "'appwrite==15.3.0'",
        ),
        (
            "functions[0].path",
            "functions/accounts/requirements.txt: 'requests' is not in pyproject.toml "
            "[project].dependencies, so local runs would not have it",
        ),
    ]


def test_invalid_json_is_one_problem_with_its_position(tmp_path):
    path = tmp_path / "appwrite.json"
    path.write_text('{"projectId": "x",\n  "functions": [,]}')

    with pytest.raises(ManifestError) as caught:
        load_manifest(path)

    assert str(caught.value) == (
        "appwrite.json: 1 problem\n  not valid JSON: Expecting value (line 2, column 17)"
    )


def test_missing_file_is_a_manifest_error(tmp_path):
    with pytest.raises(ManifestError, match="cannot read"):
        load_manifest(tmp_path / "appwrite.json")


def test_a_json_array_is_not_a_manifest(tmp_path):
    path = tmp_path / "appwrite.json"
    path.write_text(json.dumps([{"projectId": "x"}]))

    with pytest.raises(ManifestError, match="must be of type object, not an array"):
        load_manifest(path)


def test_find_manifest_prefers_appwrite_config_json_and_searches_upwards(tmp_path: Path):
    nested = tmp_path / "functions" / "accounts"
    nested.mkdir(parents=True)
    assert find_manifest(nested) is None
    (tmp_path / "appwrite.json").write_text("{}")
    assert find_manifest(nested) == tmp_path / "appwrite.json"
    (tmp_path / "appwrite.config.json").write_text("{}")
    assert find_manifest(nested) == tmp_path / "appwrite.config.json"
