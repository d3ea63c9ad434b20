"""`export` / `import`: the state as versioned JSON files that round-trip exactly."""

import json
import pathlib

import pytest
from appwrite.services.account import Account

from emulator.statefiles import StateFileError, export_state, import_state
from emulator.testclient import AppwriteTestClient

ROOT = pathlib.Path(__file__).resolve().parents[2]
MANIFEST = ROOT / "appwrite.json"
SEED = ROOT / "seed" / "newsroom.json"


def tree(folder: pathlib.Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def test_export_import_export_gives_identical_files(tmp_path):
    with AppwriteTestClient.start(MANIFEST, data_dir=tmp_path / "one") as appwrite:
        appwrite.apply_seed(SEED)
        appwrite.create_user("dana@example.test", "dana-password-1", "Dana")  # runs a function
        appwrite.wait_for_executions()
        ran = [e["$id"] for e in appwrite.executions("provision-profile")]
        counts = export_state(appwrite.stack.state, tmp_path / "first", executions=True)
    assert counts == {
        "users": 4,
        "teams": 1,
        "memberships": 2,
        "rows": 9,
        "files": 1,  # the welcome article's cover, bytes included
        "executions": 1,
    }
    header = json.loads((tmp_path / "first" / "export.json").read_text())
    assert header["format"] == "appwrite-emulator-state" and header["version"] == 1
    assert header["tables"]["newsroom"] == ["profiles", "articles", "audit_log", "daily_stats"]
    users = json.loads((tmp_path / "first" / "users.json").read_text())["users"]
    assert users[0]["email"] == "alice@newsroom.test" and users[0]["password"].startswith("$argon2")

    with AppwriteTestClient.start(MANIFEST, data_dir=tmp_path / "two") as appwrite:
        assert import_state(appwrite.stack.state, tmp_path / "first") == counts
        # the stored execution came along; the import itself ran no function
        assert [e["$id"] for e in appwrite.executions("provision-profile")] == ran
        export_state(appwrite.stack.state, tmp_path / "second", executions=True)
        # the password hash came along: Alice signs in on the new emulator
        session = Account(appwrite.guest_client()).create_email_password_session(
            "alice@newsroom.test", "alice-password-1"
        )
        assert session["userId"] == "alice"
    assert tree(tmp_path / "second") == tree(tmp_path / "first")


def test_import_refuses_a_project_that_has_data(tmp_path):
    with AppwriteTestClient.start(MANIFEST, data_dir=tmp_path / "one") as appwrite:
        appwrite.apply_seed(SEED)
        export_state(appwrite.stack.state, tmp_path / "dump")
        with pytest.raises(StateFileError, match="already holds"):
            import_state(appwrite.stack.state, tmp_path / "dump")


def test_import_names_a_bad_row_and_leaves_nothing_behind(tmp_path):
    with AppwriteTestClient.start(MANIFEST, data_dir=tmp_path / "one") as appwrite:
        appwrite.apply_seed(SEED)
        export_state(appwrite.stack.state, tmp_path / "dump")
    articles = tmp_path / "dump" / "tables" / "newsroom" / "articles.json"
    data = json.loads(articles.read_text())
    data["rows"][1]["status"] = "lost"
    articles.write_text(json.dumps(data))
    with AppwriteTestClient.start(MANIFEST, data_dir=tmp_path / "two") as appwrite:
        with pytest.raises(StateFileError, match="the-desk-style-guide"):
            import_state(appwrite.stack.state, tmp_path / "dump")
        from appwrite.services.users import Users

        assert Users(appwrite.admin_client()).list()["total"] == 0  # all or nothing


def test_a_newer_format_version_is_refused(tmp_path):
    (tmp_path / "dump").mkdir()
    (tmp_path / "dump" / "export.json").write_text(
        json.dumps({"format": "appwrite-emulator-state", "version": 99})
    )
    with (
        AppwriteTestClient.start(MANIFEST, data_dir=tmp_path / "one") as appwrite,
        pytest.raises(StateFileError, match="version 99"),
    ):
        import_state(appwrite.stack.state, tmp_path / "dump")


def run_cli(capsys, *args: str) -> tuple[int, str]:
    """`python -m emulator ARGS`, in this process (as `emulator.__main__` runs it)."""
    from emulator.cli import main

    try:
        code = main(list(args))
    except SystemExit as exit:  # --help
        code = exit.code
    return code, capsys.readouterr().out


def test_the_export_and_import_commands(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(ROOT)  # where appwrite.json is found
    with AppwriteTestClient.start(MANIFEST, data_dir=tmp_path / "data") as appwrite:
        appwrite.apply_seed(SEED)
    capsys.readouterr()
    code, out = run_cli(capsys, "export", str(tmp_path / "dump"), "--data", str(tmp_path / "data"))
    assert code == 0 and "exported 3 users, 1 teams, 2 memberships, 8 rows" in out
    code, out = run_cli(capsys, "import", str(tmp_path / "dump"), "--data", str(tmp_path / "new"))
    assert code == 0 and "imported 3 users" in out
    code, out = run_cli(capsys, "import", str(tmp_path / "dump"), "--data", str(tmp_path / "new"))
    assert code == 1 and "already holds" in out
    for command in ("export", "import"):
        code, out = run_cli(capsys, command, "--help")
        assert code == 0 and "users.json" in out


STORAGE_LAB = ROOT / "tests" / "projects" / "storage" / "appwrite.json"


def test_files_round_trip_with_their_bytes_and_permissions(tmp_path):
    import io

    from appwrite.input_file import InputFile
    from appwrite.services.storage import Storage
    from PIL import Image

    picture = io.BytesIO()
    Image.new("RGB", (64, 48), "teal").save(picture, "PNG")
    with AppwriteTestClient.start(STORAGE_LAB, data_dir=tmp_path / "one") as appwrite:
        storage = Storage(appwrite.admin_client())
        storage.create_file(
            "photos",
            "teal",
            InputFile.from_bytes(picture.getvalue(), "teal.png"),
            ['read("any")'],
        )
        storage.create_file("thumbnails", "note", InputFile.from_bytes(b"hello", "note.txt"))
        appwrite.wait_for_executions()
        counts = export_state(appwrite.stack.state, tmp_path / "first")
        stored = [storage.list_files(b)["total"] for b in ("photos", "thumbnails")]
    assert counts["files"] == sum(stored) == 3  # with the thumbnail the function made
    assert (tmp_path / "first" / "files" / "photos" / "bytes" / "teal").read_bytes() == (
        picture.getvalue()
    )
    with AppwriteTestClient.start(STORAGE_LAB, data_dir=tmp_path / "two") as appwrite:
        assert import_state(appwrite.stack.state, tmp_path / "first") == counts
        storage = Storage(appwrite.guest_client())
        assert storage.get_file_download("photos", "teal") == picture.getvalue()
        assert storage.get_file("photos", "teal")["$permissions"] == ['read("any")']
        export_state(appwrite.stack.state, tmp_path / "second")
    assert tree(tmp_path / "second") == tree(tmp_path / "first")
