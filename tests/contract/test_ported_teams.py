"""Teams: ported from appwrite/appwrite `tests/e2e/Services/Teams/TeamsBase.php` and
`TeamsBaseServer.php` (1.9.6), the server side (API key)."""

from __future__ import annotations

import pytest

from tests.contract.conftest import appwrite, deliberate, raw_only
from tests.contract.harness import Q

BASE = "Teams/TeamsBase.php"
SERVER = "Teams/TeamsBaseServer.php"
ISO = r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$"


@pytest.fixture
def team(api):
    def make(name: str = "Arsenal", roles: list[str] | None = None) -> dict:
        r = api.post("/teams", {"teamId": "unique()", "name": name, "roles": roles or ["player"]})
        assert r.status == 201, r
        return r.body

    return make


@pytest.fixture
def member(api, uid):
    """A key-made membership by e-mail (auto-confirmed), as `createServerMembershipHelper`."""

    def make(team_id: str) -> dict:
        r = api.post(
            f"/teams/{team_id}/memberships",
            {
                "email": f"{uid('')}friend@localhost.test",
                "name": "Friend User",
                "roles": ["admin", "editor"],
                "url": "http://localhost:5000/join-us#title",
            },
        )
        assert r.status == 201, r
        return r.body

    return make


def _is_datetime(value: str) -> bool:
    import re

    return bool(re.match(ISO, value))


@appwrite(f"{BASE}::testCreateTeam")
def test_create_team(api, uid):
    r = api.post("/teams", {"teamId": "unique()", "name": "Arsenal", "roles": ["player"]})
    assert r.status == 201
    assert r["name"] == "Arsenal"
    assert isinstance(r["total"], int) and r["total"] > -1
    assert "prefs" in r.body
    assert _is_datetime(r["$createdAt"])
    team_id = uid("t")
    r = api.post("/teams", {"teamId": team_id, "name": "Manchester United"})
    assert r.status == 201
    assert r["$id"] == team_id
    assert r["name"] == "Manchester United"
    r = api.post("/teams", {"teamId": team_id, "name": "John"})
    assert r.status == 409
    assert r.type == "team_already_exists"


@appwrite(f"{BASE}::testCreateTeam")
@raw_only("the SDK refuses to send a call without the required teamId and name")
def test_create_team_without_params(api):
    assert api.post("/teams", {}).status == 400


@appwrite(f"{BASE}::testGetTeam")
def test_get_team(api, team):
    made = team()
    r = api.get(f"/teams/{made['$id']}")
    assert r.status == 200
    assert r["name"] == "Arsenal"
    assert isinstance(r["total"], int) and r["total"] > -1
    assert "prefs" in r.body
    assert _is_datetime(r["$createdAt"])


@appwrite(f"{BASE}::testListTeams")
def test_list_teams(api, team, uid):
    token = uid("")
    arsenal = team(f"Arsenal{token}")
    united = team(f"Manchester{token} United{token}")
    team(f"Newcastle{token}")
    r = api.get("/teams")
    assert r.status == 200
    assert isinstance(r["total"], int) and r["total"] > 0
    assert len(r["teams"]) > 2
    assert len(api.get("/teams", {"queries": [Q.limit(2)]})["teams"]) == 2
    assert len(api.get("/teams", {"queries": [Q.offset(1)]})["teams"]) > 1
    r = api.get("/teams", {"queries": [Q.make("greaterThanEqual", "total", 0)]})
    assert r.status == 200
    assert len(r["teams"]) > 2
    r = api.get("/teams", {"queries": [Q.equal("name", [f"Arsenal{token}", f"Newcastle{token}"])]})
    assert r.status == 200
    assert len(r["teams"]) == 2
    for term in (f"Manchester{token}", f"United{token}"):
        r = api.get("/teams", {"search": term})
        assert r.status == 200
        assert r["total"] > 0
        assert r["teams"][0]["$id"] == united["$id"]
    r = api.get("/teams", {"search": arsenal["$id"]})
    assert [t["name"] for t in r["teams"]] == [arsenal["name"]]
    two = api.get("/teams", {"queries": [Q.limit(2)]})["teams"]
    r = api.get("/teams", {"queries": [Q.limit(1), Q.cursor_after(two[0]["$id"])]})
    assert r.status == 200
    assert [t["$id"] for t in r["teams"]] == [two[1]["$id"]]
    r = api.get("/teams", {"queries": [Q.limit(1), Q.cursor_before(two[1]["$id"])]})
    assert [t["$id"] for t in r["teams"]] == [two[0]["$id"]]
    assert api.get("/teams", {"queries": [Q.cursor_after("unknown")]}).status == 400


@appwrite(f"{BASE}::testListTeams")
def test_list_teams_total_false(api, team, get_booleans):
    team()
    r = api.get("/teams", {"total": False})
    assert r.status == 200
    assert r["total"] == 0
    assert len(r["teams"]) > 0


@appwrite(f"{BASE}::testUpdateTeam")
def test_update_team(api):
    r = api.post("/teams", {"teamId": "unique()", "name": "Demo"})
    assert r.status == 201
    r = api.put(f"/teams/{r['$id']}", {"name": "Demo New"})
    assert r.status == 200
    assert r["name"] == "Demo New"
    assert isinstance(r["total"], int)
    assert "prefs" in r.body


@appwrite(f"{BASE}::testUpdateTeam")
@raw_only("the SDK refuses to send a call without the required name")
def test_update_team_without_name(api, team):
    assert api.put(f"/teams/{team()['$id']}", {}).status == 400


@appwrite(f"{BASE}::testDeleteTeam")
def test_delete_team(api):
    r = api.post("/teams", {"teamId": "unique()", "name": "Demo"})
    assert r.status == 201
    deleted = api.delete(f"/teams/{r['$id']}")
    assert deleted.status == 204
    assert not deleted.body
    assert api.get(f"/teams/{r['$id']}").status == 404


@appwrite(f"{BASE}::testUpdateAndGetUserPrefs")
def test_update_and_get_team_prefs(api, team):
    made = team()
    prefs = {"funcKey1": "funcValue1", "funcKey2": "funcValue2"}
    r = api.put(f"/teams/{made['$id']}/prefs", {"prefs": prefs})
    assert r.status == 200
    assert r["funcKey1"] == "funcValue1"
    assert api.get(f"/teams/{made['$id']}/prefs").body == prefs
    assert api.get(f"/teams/{made['$id']}")["prefs"] == prefs
    assert api.put(f"/teams/{made['$id']}/prefs", {"prefs": "bad-string"}).status == 400


# ------------------------------------------------------------------ memberships (server)


@appwrite(f"{SERVER}::testGetTeamMemberships")
def test_get_team_memberships(api, team):
    r = api.get(f"/teams/{team()['$id']}/memberships")
    assert r.status == 200
    assert r["total"] == 0


@appwrite(f"{SERVER}::testGetTeamMembership")
def test_get_team_membership(api, team, member):
    made = team()
    membership = member(made["$id"])
    r = api.get(f"/teams/{made['$id']}/memberships/{membership['$id']}")
    assert r.status == 200
    assert r["$id"] and r["userId"] and r["teamId"] and r["teamName"]
    assert r["mfa"] is False
    assert r["userName"] and r["userEmail"]
    assert len(r["roles"]) == 2
    assert _is_datetime(r["joined"])
    assert r["confirm"] is True
    listed = api.get(f"/teams/{made['$id']}/memberships")
    assert listed.status == 200
    assert listed["memberships"][0]["userName"]
    assert listed["memberships"][0]["userEmail"]
    assert "mfa" in listed["memberships"][0]
    assert api.get(f"/teams/{made['$id']}/memberships/{membership['$id']}dasdasd").status == 404
    r = api.as_guest().get(f"/teams/{made['$id']}/memberships/{membership['$id']}")
    assert r.status == 401


@appwrite(f"{SERVER}::testCreateTeamMembership")
def test_create_team_membership(api, team, uid):
    made = team()
    email = f"{uid('')}friend@localhost.test"
    body = {
        "email": email,
        "name": "Friend User",
        "roles": ["admin", "editor"],
        "url": "http://localhost:5000/join-us#title",
    }
    r = api.post(f"/teams/{made['$id']}/memberships", body)
    assert r.status == 201
    assert r["$id"] and r["userId"] and r["teamId"]
    assert r["userName"] == "Friend User"
    assert r["userEmail"] == email
    assert len(r["roles"]) == 2
    assert _is_datetime(r["joined"])
    assert r["confirm"] is True
    assert api.post(f"/teams/{made['$id']}/memberships", body).status == 409
    bad_email = {**body, "email": "dasdkaskdjaskdjasjkd"}
    assert api.post(f"/teams/{made['$id']}/memberships", bad_email).status == 400
    bad_roles = {**body, "roles": "bad string"}
    assert api.post(f"/teams/{made['$id']}/memberships", bad_roles).status == 400


@appwrite(f"{SERVER}::testCreateTeamMembership")
def test_create_team_membership_url_host_not_a_platform(api, team, uid):
    made = team()
    r = api.post(
        f"/teams/{made['$id']}/memberships",
        {
            "email": f"{uid('')}friend@localhost.test",
            "name": "Friend User",
            "roles": ["admin", "editor"],
            "url": "http://example.com/join-us#title",
        },
    )
    assert r.status == 400


@appwrite(f"{SERVER}::testUpdateMembershipRoles")
def test_update_membership_roles(api, team, member):
    made = team()
    membership = member(made["$id"])
    roles = ["admin", "editor", "uncle"]
    r = api.patch(f"/teams/{made['$id']}/memberships/{membership['$id']}", {"roles": roles})
    assert r.status == 200
    assert r["$id"] and r["userId"] and r["teamId"]
    assert r["roles"] == roles


@appwrite(f"{SERVER}::testUpdateMembershipRoles")
@deliberate(
    "the emulator has one admin key; keys with chosen scopes exist only as the dynamic keys "
    "of function executions (docs/emulator.md, Auth)"
)
def test_update_membership_roles_with_read_only_key(api):
    raise AssertionError("needs a project key limited to teams.read")


@appwrite(f"{SERVER}::testDeleteUserUpdatesTeamMembershipCount")
def test_delete_user_updates_team_membership_count(api, team, member):
    made = team()
    membership = member(made["$id"])
    r = api.get(f"/teams/{made['$id']}")
    assert r.status == 200
    assert r["name"] == "Arsenal"
    assert r["total"] == 1
    assert api.delete(f"/users/{membership['userId']}").status == 204
    r = api.get(f"/teams/{made['$id']}")
    assert r.status == 200
    assert r["total"] == 0
