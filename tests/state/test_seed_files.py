"""Generic seed files (JSON or YAML) for any appwrite.json project, applied through the API."""

import pathlib

import pytest
from appwrite.services.tables_db import TablesDB
from appwrite.services.teams import Teams
from appwrite.services.users import Users

from emulator.statefiles.seed import SeedError, load_seed
from emulator.testclient import AppwriteTestClient

LAB = pathlib.Path(__file__).resolve().parents[1] / "triggers" / "lab" / "appwrite.json"

YAML_SEED = """
version: 1
users:
  - $id: ann
    email: ann@example.test
    password: ann-password-1
    name: Ann
    labels: [editor]
    emailVerification: true
  - $id: bo
    email: bo@example.test
    password: bo-password-1
    status: false
teams:
  - {$id: lab-team, name: Lab team}
memberships:
  - {teamId: lab-team, userId: ann, roles: [owner]}
rows:
  - tableId: notes
    rows:
      - {$id: n1, $permissions: ['read("any")'], text: first, count: 1}
      - {$id: n2, text: second}
"""


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    with AppwriteTestClient.start(LAB, data_dir=tmp_path_factory.mktemp("lab")) as client:
        yield client


def test_a_yaml_seed_writes_users_teams_memberships_and_rows_without_events(lab, tmp_path):
    seed = tmp_path / "seed.yaml"
    seed.write_text(YAML_SEED)
    baseline = lab.snapshot()
    try:
        summary = lab.apply_seed(seed)
        assert summary.startswith("seeded from") and "2 rows" in summary
        assert "ann@example.test" in summary and "ann-password-1" in summary
        users = Users(lab.admin_client())
        ann = users.get("ann")
        assert ann["labels"] == ["editor"] and ann["emailVerification"] is True
        assert users.get("bo")["status"] is False
        members = Teams(lab.admin_client()).list_memberships("lab-team")["memberships"]
        assert [(m["userId"], m["roles"], m["confirm"]) for m in members] == [
            ("ann", ["owner"], True)
        ]
        rows = TablesDB(lab.admin_client()).list_rows("lab", "notes")["rows"]
        assert [(r["$id"], r["text"], r["$permissions"]) for r in rows] == [
            ("n1", "first", ['read("any")']),
            ("n2", "second", []),
        ]
        # fireEvents is false by default: on-note and recorder did not run
        assert lab.executions("on-note") == [] and lab.executions("recorder") == []
    finally:
        lab.restore(baseline)


def test_fire_events_runs_the_subscribed_functions(lab, tmp_path):
    seed = tmp_path / "seed.json"
    seed.write_text(
        '{"fireEvents": true, "rows": [{"tableId": "notes", "rows": [{"$id": "n9", "text": "x"}]}]}'
    )
    baseline = lab.snapshot()
    try:
        lab.apply_seed(seed)
        assert [e["status"] for e in lab.executions("on-note")] == ["completed"]
        marks = TablesDB(lab.admin_client()).list_rows("lab", "marks")["rows"]
        assert [m["noteId"] for m in marks] == ["n9"]
    finally:
        lab.restore(baseline)


def test_a_bad_row_is_named_with_the_api_message(lab, tmp_path):
    seed = tmp_path / "seed.json"
    seed.write_text('{"rows": [{"tableId": "notes", "rows": [{"$id": "n1", "nope": 1}]}]}')
    baseline = lab.snapshot()
    try:
        with pytest.raises(SeedError, match=r'row notes/n1: 400 .*Unknown attribute: "nope"'):
            lab.apply_seed(seed)
    finally:
        lab.restore(baseline)


def test_a_file_for_a_bucket_the_project_lacks_is_named(lab, tmp_path):
    (tmp_path / "p.txt").write_text("hello")
    seed = tmp_path / "seed.json"
    seed.write_text('{"files": [{"bucketId": "b", "fileId": "f", "path": "p.txt"}]}')
    with pytest.raises(SeedError, match=r"file b/f: 404 Storage bucket with the requested ID"):
        lab.apply_seed(seed)


def test_files_are_seeded_into_the_projects_buckets(tmp_path):
    from appwrite.services.storage import Storage

    manifest = pathlib.Path(__file__).resolve().parents[1] / "projects/storage/appwrite.json"
    (tmp_path / "hello.txt").write_text("hello")
    seed = tmp_path / "seed.json"
    seed.write_text(
        '{"files": [{"bucketId": "thumbnails", "fileId": "hello", "path": "hello.txt",'
        ' "permissions": ["read(\\"any\\")"]}]}'
    )
    with AppwriteTestClient.start(manifest, data_dir=tmp_path / "data") as storage_lab:
        storage_lab.apply_seed(seed)
        storage = Storage(storage_lab.guest_client())
        assert storage.get_file_download("thumbnails", "hello") == b"hello"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"user": []}', "unknown keys"),
        ('{"version": 2}', "seed version 2"),
        ('{"users": {"a": 1}}', "users must be a list"),
        ('{"users": [{"$id": "a", "pasword": "x"}]}', "pasword"),
        ("[1, 2", "not valid JSON"),
    ],
)
def test_a_malformed_seed_file_says_what_is_wrong(tmp_path, text, message):
    seed = tmp_path / "seed.json"
    seed.write_text(text)
    with pytest.raises(SeedError, match=message):
        load_seed(seed)
