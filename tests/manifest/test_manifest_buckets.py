"""`buckets[]` in appwrite.json: checked as Appwrite's bucket routes would take them, loaded as
typed specs, and reported by `python -m emulator check`."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest

from emulator.manifest import ManifestError, load_manifest
from emulator.manifest.events import event_problem

REPO_ROOT = __import__("pathlib").Path(__file__).resolve().parents[2]

GOOD = {
    "$id": "covers",
    "name": "Covers",
    "$permissions": ['read("any")'],
    "fileSecurity": True,
    "enabled": True,
    "maximumFileSize": 5242880,
    "allowedFileExtensions": ["png", "jpg", "jpeg", "webp"],
    "compression": "none",
    "encryption": True,
    "antivirus": True,
}


def _with_buckets(*buckets: dict[str, Any]):
    def mutate(data: dict[str, Any]) -> None:
        data["buckets"] = [dict(b) for b in buckets]

    return mutate


def _problems(make_project, *buckets) -> dict[str, str]:
    with pytest.raises(ManifestError) as caught:
        load_manifest(make_project(_with_buckets(*buckets)))
    return {p.path: p.message for p in caught.value.problems}


def test_a_valid_bucket_loads_as_a_spec(make_project):
    manifest = load_manifest(make_project(_with_buckets(GOOD, {"$id": "plain", "name": "Plain"})))
    covers, plain = manifest.buckets
    assert covers.id == "covers" and covers.file_security is True
    assert covers.maximum_file_size == 5242880
    assert covers.allowed_file_extensions == ("png", "jpg", "jpeg", "webp")
    assert covers.settings()["allowedFileExtensions"] == ["png", "jpg", "jpeg", "webp"]
    assert plain.settings() == {}  # absent settings keep the server's defaults


@pytest.mark.parametrize(
    ("change", "path", "message"),
    [
        ({"$id": "_covers"}, "buckets[0].$id", "is not a valid ID"),
        ({"name": "x" * 129}, "buckets[0].name", "at most 128 chars"),
        ({"maximumFileSize": 0}, "buckets[0].maximumFileSize", "from 1 to 30,000,000"),
        ({"maximumFileSize": 30_000_001}, "buckets[0].maximumFileSize", "from 1 to 30,000,000"),
        ({"maximumFileSize": 1.5}, "buckets[0].maximumFileSize", "whole number of bytes"),
        ({"compression": "brotli"}, "buckets[0].compression", "not one of: none, gzip, zstd"),
        ({"allowedFileExtensions": [".png"]}, "buckets[0].allowedFileExtensions[0]", "dot"),
        ({"allowedFileExtensions": ["PNG"]}, "buckets[0].allowedFileExtensions[0]", "lowercases"),
        ({"allowedFileExtensions": ["x" * 65]}, "buckets[0].allowedFileExtensions[0]", "64"),
        ({"allowedFileExtensions": ["a"] * 101}, "buckets[0].allowedFileExtensions", "at most 100"),
        ({"$permissions": ['read("anyone")']}, "buckets[0].$permissions[0]", 'Role "anyone"'),
        ({"$permissions": ['upsert("any")']}, "buckets[0].$permissions[0]", "not allowed"),
        ({"$permissions": ['create("any")']}, "buckets[0].$permissions[0]", "lets anyone create"),
        ({"$permissions": ['write("any")']}, "buckets[0].$permissions[0]", "lets anyone write"),
        ({"$permissions": ['read("label:a-b")']}, "buckets[0].$permissions[0]", "never match"),
        ({"fileSecurity": "yes"}, "buckets[0].fileSecurity", "must be of type boolean"),
        ({"antivirus": 1}, "buckets[0].antivirus", "must be of type boolean"),
        ({"maximumFileSize": "5MB"}, "buckets[0].maximumFileSize", "must be of type number"),
        ({"transformations": True}, "buckets[0].transformations", "unknown key"),
    ],
)
def test_bad_bucket_settings_are_reported_at_their_field(make_project, change, path, message):
    problems = _problems(make_project, dict(GOOD, **change))
    assert path in problems, problems
    assert message in problems[path]


def test_missing_id_and_name_and_duplicates(make_project):
    problems = _problems(make_project, {"fileSecurity": True}, GOOD, GOOD)
    assert problems["buckets[0].$id"] == "is required"
    assert problems["buckets[0].name"] == "is required"
    assert problems["buckets[2].$id"] == "duplicate bucket id 'covers' (also buckets[1])"


def test_users_may_be_granted_bucket_writes(make_project):
    bucket = dict(GOOD, **{"$permissions": ['create("users")', 'read("team:editors/owner")']})
    assert load_manifest(make_project(_with_buckets(bucket))).buckets[0].permissions == (
        'create("users")',
        'read("team:editors/owner")',
    )


@pytest.mark.parametrize(
    "name",
    [
        "buckets.*.files.*.create",
        "buckets.covers.files.*.update",
        "buckets.*.files.*.delete",
        "buckets.*.files.*",
        "buckets.covers.create",
        "buckets.*",
    ],
)
def test_functions_may_subscribe_to_storage_events(name):
    assert event_problem(name) is None


@pytest.mark.parametrize(
    "name", ["buckets.*.files.*.upload", "buckets.*.objects.*.create", "buckets.*.files"]
)
def test_unknown_storage_events_are_refused(name):
    assert event_problem(name) is not None


def test_check_command_reports_bucket_problems(make_project):
    path = make_project(_with_buckets(dict(GOOD, compression="lz4")))
    result = subprocess.run(
        [sys.executable, "-m", "emulator", "check", "--manifest", str(path)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "buckets[0].compression: 'lz4' is not one of: none, gzip, zstd" in result.stdout
