"""The test client works with whichever appwrite SDK is installed (this folder also runs in
the SDK 27 venv): it always answers plain dicts, on a second, unrelated project (the lab)."""

from __future__ import annotations

import pathlib

import pytest

from emulator.testclient import AppwriteTestClient

LAB = pathlib.Path(__file__).resolve().parents[1] / "triggers" / "lab" / "appwrite.json"


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    with AppwriteTestClient.start(LAB, data_dir=tmp_path_factory.mktemp("lab")) as client:
        client.exempt_from_secret_scan(
            ["echo", "members-only"], "lab probes: they echo the headers Appwrite hands a function"
        )
        yield client


def test_users_jwts_executions_and_rows_are_plain_dicts(lab):
    user = lab.create_user("plain@example.test", "plain-password-1", "Plain", labels=["x"])
    assert isinstance(user, dict) and user["labels"] == ["x"] and user["emailVerification"]
    assert lab.jwt_for("plain@example.test").count(".") == 2
    execution = lab.execute("members-only", "/", user=user)
    assert isinstance(execution, dict) and execution["status"] == "completed"
    row, executions = lab.emit_row_created("notes", {"text": "hello"})  # the lab's only database
    assert isinstance(row, dict) and row["text"] == "hello"
    assert sorted(e["functionId"] for e in executions) == ["on-note", "recorder"]
