"""provision-profile: the profile row of every new user, created by the `users.*.create` event;
idempotent against repeated deliveries and against `accounts` sign-up creating it first.
Through the emulator, the real runtime and the real SDK. Its sweep (the schedule) is tested
in tests/functions/test_sweeps.py."""

import json
import pathlib

import pytest
from appwrite.exception import AppwriteException
from appwrite.services.tables_db import TablesDB

FUNCTION = "provision-profile"


def deliver(appwrite, user, event=None, body=None):
    """Deliver a users.*.create event again, as Appwrite's event worker does
    (sync, to read the answer)."""
    execution = appwrite.deliver_event(
        FUNCTION,
        event or f"users.{user['$id']}.create",
        json.dumps(user) if body is None else body,
    )
    return execution["responseStatusCode"], json.loads(execution["responseBody"])


@pytest.fixture
def created_user(appwrite, unique_email):
    """`created_user(name, email)`: a user made with the Users API, and the provision-profile
    executions its create event caused."""

    def create(name="", email=None):
        with appwrite.caused_executions() as executions:
            user = appwrite.create_user(email or unique_email("pp"), name=name, verified=False)
        return user, [e for e in executions if e["functionId"] == FUNCTION]

    return create


def test_a_user_created_with_the_users_api_gets_a_profile(created_user, tables):
    user, executions = created_user(name="Ada Lovelace")
    assert len(executions) == 1
    run = executions[0]
    assert (run["status"], run["trigger"], run["responseStatusCode"]) == ("completed", "event", 201)
    answer = json.loads(run["responseBody"])
    assert answer["created"] is True and answer["profile"]["$id"] == user["$id"]

    profile = tables.get_row("newsroom", "profiles", user["$id"])
    assert (profile["displayName"], profile["articleCount"], profile["bio"]) == (
        "Ada Lovelace",
        0,
        None,
    )
    assert profile["$permissions"] == ['read("any")']


def test_without_a_name_the_display_name_is_the_email_local_part(
    created_user, unique_email, tables
):
    email = unique_email("nameless")
    user, executions = created_user(email=email)
    assert executions[0]["responseStatusCode"] == 201
    assert tables.get_row("newsroom", "profiles", user["$id"])["displayName"] == email.split("@")[0]


def test_the_profile_is_public_to_read_and_written_through_accounts_only(
    appwrite, created_user, tables
):
    user, _ = created_user(name="Owner")
    assert (
        TablesDB(appwrite.guest_client()).get_row("newsroom", "profiles", user["$id"])[
            "displayName"
        ]
        == "Owner"
    )
    for call in (
        lambda sdk: sdk.update_row("newsroom", "profiles", user["$id"], {"articleCount": 99999}),
        lambda sdk: sdk.update_row("newsroom", "profiles", user["$id"], permissions=[]),
        lambda sdk: sdk.delete_row("newsroom", "profiles", user["$id"]),
    ):
        with pytest.raises(AppwriteException) as denied:
            call(TablesDB(appwrite.as_user(user)))
        assert (denied.value.code, denied.value.type) == (401, "user_unauthorized")
    mine = appwrite.invoke_http(
        "accounts", f"/users/{user['$id']}/profile", method="PATCH", user=user, json={"bio": "Hi"}
    )
    assert mine.status_code == 200, mine.text
    stored = tables.get_row("newsroom", "profiles", user["$id"])
    assert (stored["bio"], stored["articleCount"]) == ("Hi", 0)


def test_a_second_delivery_changes_nothing(appwrite, created_user, tables):
    user, _ = created_user(name="Twice")
    edited = appwrite.invoke_http(
        "accounts",
        f"/users/{user['$id']}/profile",
        method="PATCH",
        user=user,
        json={"displayName": "Edited"},
    )
    assert edited.status_code == 200, edited.text
    before = tables.get_row("newsroom", "profiles", user["$id"])

    status, answer = deliver(appwrite, user)

    assert status == 200
    assert answer == {
        "created": False,
        "profileId": user["$id"],
        "message": "The profile already existed.",
    }
    assert tables.get_row("newsroom", "profiles", user["$id"]) == before
    from appwrite.query import Query

    assert (
        tables.list_rows("newsroom", "profiles", [Query.equal("$id", [user["$id"]])])["total"] == 1
    )


@pytest.mark.parametrize(
    "body, pointer",
    [
        ("{}", "/$id"),
        ('{"$id": "bad id!"}', "/$id"),
        ('{"$id": 42}', "/$id"),
        ("[]", ""),
    ],
)
def test_an_event_body_that_is_not_a_user_is_400(appwrite, body, pointer):
    status, answer = deliver(appwrite, {"$id": "u1"}, event="users.u1.create", body=body)
    assert status == 400
    assert answer["error"]["code"] == "validation_failed"
    assert pointer in [d["path"] for d in answer["error"]["details"]]


def test_a_body_that_is_not_json_is_400(appwrite):
    status, answer = deliver(appwrite, {"$id": "u1"}, body="not json")
    assert (status, answer["error"]["code"]) == (400, "invalid_json")


def test_an_event_for_another_user_than_its_body_is_400_and_writes_nothing(appwrite, tables):
    status, answer = deliver(appwrite, {"$id": "someoneelse1"}, event="users.someoneelse2.create")
    assert (status, answer["error"]["code"]) == (400, "event_mismatch")
    from appwrite.query import Query

    found = tables.list_rows(
        "newsroom", "profiles", [Query.equal("$id", ["someoneelse1", "someoneelse2"])]
    )
    assert found["total"] == 0


def test_other_user_events_are_not_handled(appwrite):
    status, answer = deliver(appwrite, {"$id": "u1"}, event="users.u1.update.name")
    assert (status, answer["error"]["code"]) == (404, "event_not_handled")


def test_its_scopes_are_the_three_it_needs():
    """rows.write for the profile; users.read and rows.read only for the sweep (listing users,
    looking their profiles up). The tests pass with exactly these: the emulator enforces
    scopes as Appwrite does."""
    manifest = json.loads((pathlib.Path(__file__).parents[2] / "appwrite.json").read_text())
    spec = next(f for f in manifest["functions"] if f["$id"] == FUNCTION)
    assert (spec["scopes"], spec["events"], spec["schedule"], spec["execute"]) == (
        ["users.read", "rows.read", "rows.write"],
        ["users.*.create"],
        "10 * * * *",
        [],
    )
