"""Teams and memberships through the real SDK, with keys and with sessions."""

from __future__ import annotations

import pytest
from appwrite.exception import AppwriteException
from appwrite.id import ID
from appwrite.query import Query
from appwrite.services.teams import Teams
from appwrite.services.users import Users

from tests.emulator.conftest import as_dict


@pytest.fixture
def teams(admin_client) -> Teams:
    return Teams(admin_client)


def error_of(call) -> AppwriteException:
    with pytest.raises(AppwriteException) as info:
        call()
    return info.value


def test_create_get_update_delete(teams):
    team = as_dict(teams.create(ID.unique(), "Sports desk"))
    assert team["name"] == "Sports desk" and team["total"] == 0 and team["prefs"] == {}
    assert (
        as_dict(teams.list_memberships(team["$id"]))["total"] == 0
    )  # a key creates no owner membership
    assert as_dict(teams.get(team["$id"]))["$id"] == team["$id"]
    assert as_dict(teams.update_name(team["$id"], "Sport"))["name"] == "Sport"
    teams.delete(team["$id"])
    error = error_of(lambda: teams.get(team["$id"]))
    assert (error.code, error.type) == (404, "team_not_found")


def test_duplicate_and_invalid_ids(teams):
    team = as_dict(teams.create(ID.unique(), "Desk"))
    error = error_of(lambda: teams.create(team["$id"], "Again"))
    assert (error.code, error.type) == (409, "team_already_exists")
    error = error_of(lambda: teams.create("-bad", "Desk"))
    assert (error.code, error.type) == (400, "general_argument_invalid")
    error = error_of(lambda: teams.get("bad id"))
    assert (error.code, error.type) == (400, "general_argument_invalid")


def test_list_with_search_and_queries(teams):
    tag = ID.unique()[-8:]
    made = [as_dict(teams.create(ID.unique(), f"{tag} {name}")) for name in ("news", "opinion")]
    assert as_dict(teams.list(search=tag))["total"] == 2
    only = as_dict(teams.list(queries=[Query.equal("name", f"{tag} opinion")]))
    assert [t["$id"] for t in only["teams"]] == [made[1]["$id"]]
    error = error_of(lambda: teams.list(queries=[Query.equal("prefs", "x")]))
    assert (error.code, error.type) == (400, "general_argument_invalid")


def test_prefs(teams):
    team = as_dict(teams.create(ID.unique(), "Desk"))
    assert as_dict(teams.get_prefs(team["$id"])) == {}
    assert as_dict(teams.update_prefs(team["$id"], {"beat": "city"})) == {"beat": "city"}
    assert as_dict(teams.get(team["$id"]))["prefs"] == {"beat": "city"}


def test_memberships_with_a_key(teams, make_user):
    user, _ = make_user()
    team = as_dict(teams.create(ID.unique(), "Desk"))
    membership = as_dict(teams.create_membership(team["$id"], ["editor"], user_id=user["$id"]))
    assert membership["confirm"] is True and membership["joined"] != ""
    assert (membership["userId"], membership["userEmail"], membership["teamName"]) == (
        user["$id"],
        user["email"],
        "Desk",
    )
    assert as_dict(teams.get(team["$id"]))["total"] == 1

    error = error_of(lambda: teams.create_membership(team["$id"], ["editor"], user_id=user["$id"]))
    assert (error.code, error.type) == (409, "membership_already_confirmed")
    updated = as_dict(teams.update_membership(team["$id"], membership["$id"], ["admin", "editor"]))
    assert updated["roles"] == ["admin", "editor"]
    assert as_dict(teams.get_membership(team["$id"], membership["$id"]))["roles"] == [
        "admin",
        "editor",
    ]
    listed = as_dict(
        teams.list_memberships(team["$id"], queries=[Query.equal("userId", user["$id"])])
    )
    assert [m["$id"] for m in listed["memberships"]] == [membership["$id"]]

    other = as_dict(teams.create(ID.unique(), "Other"))
    error = error_of(lambda: teams.get_membership(other["$id"], membership["$id"]))
    assert (error.code, error.type) == (404, "team_membership_mismatch")
    teams.delete_membership(team["$id"], membership["$id"])
    assert as_dict(teams.get(team["$id"]))["total"] == 0
    assert (
        error_of(lambda: teams.get_membership(team["$id"], membership["$id"])).type
        == "membership_not_found"
    )


def test_membership_by_unknown_email_creates_the_user(teams, admin_client):
    team = as_dict(teams.create(ID.unique(), "Desk"))
    email = f"invitee-{ID.unique()}@example.com"
    membership = as_dict(
        teams.create_membership(team["$id"], ["writer"], email=email, name="Invitee")
    )
    user = as_dict(Users(admin_client).get(membership["userId"]))
    assert (user["email"], user["name"]) == (email, "Invitee")


def test_membership_errors(teams):
    team = as_dict(teams.create(ID.unique(), "Desk"))
    error = error_of(
        lambda: teams.create_membership(team["$id"], ["writer"], user_id="nobody-here")
    )
    assert (error.code, error.type) == (404, "user_not_found")
    error = error_of(lambda: teams.create_membership(team["$id"], ["writer"]))
    assert (error.code, error.type) == (400, "general_argument_invalid")
    error = error_of(
        lambda: teams.create_membership(team["$id"], ["not a role"], email="x@example.com")
    )
    assert (error.code, error.type) == (400, "general_argument_invalid")


def test_session_user_owns_the_team_it_creates(make_user, user_client):
    owner, _ = make_user()
    member, _ = make_user()
    outsider, _ = make_user()
    as_owner = Teams(user_client(owner))
    team = as_dict(as_owner.create(ID.unique(), "Mine", roles=["admin"]))
    assert team["total"] == 1
    [own] = as_dict(as_owner.list_memberships(team["$id"]))["memberships"]
    assert (
        own["userId"] == owner["$id"]
        and set(own["roles"]) == {"admin", "owner"}
        and own["confirm"] is True
    )

    # a session caller must pass `url`; the invite stays unconfirmed
    error = error_of(
        lambda: as_owner.create_membership(team["$id"], ["writer"], user_id=member["$id"])
    )
    assert error.code == 400
    invite = as_dict(
        as_owner.create_membership(
            team["$id"], ["writer"], user_id=member["$id"], url="http://localhost/join"
        )
    )
    assert invite["confirm"] is False and invite["joined"] == ""
    assert as_dict(as_owner.get(team["$id"]))["total"] == 1

    error = error_of(lambda: Teams(user_client(outsider)).get(team["$id"]))
    assert (error.code, error.type) == (404, "team_not_found")
    assert team["$id"] not in [
        t["$id"] for t in as_dict(Teams(user_client(outsider)).list())["teams"]
    ]


def test_non_owner_members_cannot_manage_the_team(teams, make_user, user_client):
    writer, _ = make_user()
    team = as_dict(teams.create(ID.unique(), "Desk"))
    membership = as_dict(teams.create_membership(team["$id"], ["writer"], user_id=writer["$id"]))
    as_writer = Teams(user_client(writer))
    assert as_dict(as_writer.get(team["$id"]))["name"] == "Desk"
    error = error_of(lambda: as_writer.update_name(team["$id"], "Hijacked"))
    assert (error.code, error.type) == (401, "user_unauthorized")
    error = error_of(lambda: as_writer.update_prefs(team["$id"], {"hijacked": True}))
    assert (error.code, error.type) == (401, "user_unauthorized")
    assert as_dict(as_writer.get_prefs(team["$id"])) == {}
    error = error_of(lambda: as_writer.update_membership(team["$id"], membership["$id"], ["owner"]))
    assert (error.code, error.type) == (401, "user_unauthorized")
    as_writer.delete_membership(team["$id"], membership["$id"])  # leaving is always allowed
    assert as_dict(teams.get(team["$id"]))["total"] == 0


def test_invitation_is_accepted_with_the_secret_from_the_outbox(
    make_user, user_client, outbox, emulator, raw
):
    owner, _ = make_user()
    invitee, _ = make_user()
    as_owner = Teams(user_client(owner))
    team = as_dict(as_owner.create(ID.unique(), "Invites"))
    invite = as_dict(
        as_owner.create_membership(
            team["$id"], ["writer"], email=invitee["email"], url="http://localhost/join?from=mail"
        )
    )
    [message] = [m for m in outbox() if m["data"].get("membershipId") == invite["$id"]]
    assert message["type"] == "teamInvite" and message["to"] == invitee["email"]
    assert message["url"].startswith("http://localhost/join?from=mail&membershipId=")
    data = message["data"]
    guest = Teams(emulator.client())
    error = error_of(
        lambda: guest.update_membership_status(team["$id"], invite["$id"], invitee["$id"], "wrong")
    )
    assert (error.code, error.type) == (401, "team_invite_mismatch")
    accepted = as_dict(
        guest.update_membership_status(team["$id"], invite["$id"], data["userId"], data["secret"])
    )
    assert accepted["confirm"] is True and accepted["joined"] != ""
    assert as_dict(as_owner.get(team["$id"]))["total"] == 2
    error = error_of(
        lambda: guest.update_membership_status(
            team["$id"], invite["$id"], data["userId"], data["secret"]
        )
    )
    assert (error.code, error.type) == (409, "membership_already_confirmed")
    listed = raw.request("GET", "/emulator/messages", check_spec=False)
    assert listed.status_code == 200 and listed.json()["total"] >= 1
    assert (
        raw.request(
            "GET", "/emulator/messages", headers={"x-appwrite-key": None}, check_spec=False
        ).status_code
        == 401
    )
