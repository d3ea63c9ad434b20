"""Reset between tests: SQLite snapshot/restore, and the `appwrite_clean` fixture."""

import pytest
from appwrite.exception import AppwriteException
from appwrite.services.users import Users

from emulator.testclient import AppwriteTestClient

CREATED = {}


def test_restore_brings_back_rows_users_and_executions(appwrite: AppwriteTestClient):
    users = Users(appwrite.admin_client())
    before = users.list()["total"]
    ran_before = [e["$id"] for e in appwrite.executions("provision-profile")]
    snapshot = appwrite.snapshot()
    try:
        check_a_restore(appwrite, snapshot, before, ran_before)
    finally:
        appwrite.restore(snapshot)  # leave the session's emulator as this test found it


def check_a_restore(appwrite, snapshot, before: int, ran_before: list[str]) -> None:
    users = Users(appwrite.admin_client())
    appwrite.create_user("reset@example.test", "reset-password-1")  # fires provision-profile
    appwrite.wait_for_executions()
    assert users.list()["total"] == before + 1
    assert len(appwrite.executions("provision-profile")) == len(ran_before) + 1
    appwrite.restore(snapshot)
    assert users.list()["total"] == before
    assert [e["$id"] for e in appwrite.executions("provision-profile")] == ran_before
    appwrite.create_user("reset@example.test", "reset-password-1")  # the e-mail is free again


def test_clean_a_user_made_in_one_test(appwrite_clean: AppwriteTestClient):
    CREATED["id"] = appwrite_clean.create_user("clean@example.test", "clean-password-1")["$id"]


def test_clean_is_gone_in_the_next(appwrite_clean: AppwriteTestClient):
    assert CREATED, "runs after the test before it (same file, same worker)"
    with pytest.raises(AppwriteException) as gone:
        Users(appwrite_clean.admin_client()).get(CREATED["id"])
    assert gone.value.type == "user_not_found"
