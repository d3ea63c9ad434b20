"""Reset between tests: SQLite snapshot/restore, and the `appwrite_clean` fixture."""

from appwrite.services.users import Users

from emulator.testclient import AppwriteTestClient

CREATED = {}


def test_restore_brings_back_rows_users_and_executions(appwrite: AppwriteTestClient):
    users = Users(appwrite.admin_client())
    before = users.list()["total"]
    snapshot = appwrite.snapshot()
    appwrite.create_user("reset@example.test", "reset-password-1")  # fires provision-profile
    appwrite.wait_for_executions()
    assert users.list()["total"] == before + 1
    assert appwrite.executions("provision-profile")
    appwrite.restore(snapshot)
    assert users.list()["total"] == before
    assert appwrite.executions("provision-profile") == []
    appwrite.create_user("reset@example.test", "reset-password-1")  # the e-mail is free again


def test_clean_a_user_made_in_one_test(appwrite_clean: AppwriteTestClient):
    CREATED["id"] = appwrite_clean.create_user("clean@example.test", "clean-password-1")["$id"]


def test_clean_is_gone_in_the_next(appwrite_clean: AppwriteTestClient):
    assert CREATED, "runs after the test before it (same file, same worker)"
    users = Users(appwrite_clean.admin_client())
    assert [u["$id"] for u in users.list()["users"] if u["$id"] == CREATED["id"]] == []
