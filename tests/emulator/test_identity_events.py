"""Users, Teams and Account writes publish Appwrite's events to the functions service."""

from __future__ import annotations

import pytest
from appwrite.client import Client
from appwrite.id import ID
from appwrite.services.account import Account
from appwrite.services.teams import Teams
from appwrite.services.users import Users

from emulator.core.state import EmulatorState
from emulator.server import start
from emulator.triggers.events import generate_events
from tests.emulator.conftest import as_dict


class Recorder:
    """Listens to the emulator's writes (as the executions service does) and records them."""

    def __init__(self):
        self.published: list[tuple[list[str], dict]] = []

    def on_write(self, event):
        self.published.append((generate_events(event.pattern, event.params), event.payload))

    def names(self) -> list[str]:
        """The `x-appwrite-event` name of each write (the first generated name)."""
        return [names[0] for names, _ in self.published]


@pytest.fixture(scope="module")
def recorded():
    state = EmulatorState.open(None, project_id="events")
    recorder = Recorder()
    state.subscribe(recorder)
    running = start(state)
    client = Client().set_endpoint(running.endpoint).set_project("events").set_key(state.admin_key)
    yield client, recorder
    running.stop()


def test_user_lifecycle_events(recorded):
    client, recorder = recorded
    users = Users(client)
    user = as_dict(
        users.create(ID.unique(), f"{ID.unique()}@example.com", password="password123", name="N")
    )
    uid = user["$id"]
    users.update_name(uid, "M")
    users.update_prefs(uid, {"a": 1})
    session = as_dict(users.create_session(uid))
    users.delete_session(uid, session["$id"])
    users.delete(uid)
    assert recorder.names()[-6:] == [
        f"users.{uid}.create",
        f"users.{uid}.update",
        f"users.{uid}.update",
        f"users.{uid}.sessions.{session['$id']}.create",
        f"users.{uid}.sessions.{session['$id']}.delete",
        f"users.{uid}.delete",
    ]
    assert "users.*.update.name" in recorder.published[-5][0]
    assert "users.*.update.prefs" in recorder.published[-4][0]
    created = recorder.published[-6][1]
    assert created["$id"] == uid and created["name"] == "N"


def test_account_signup_fires_user_create(recorded):
    client, recorder = recorded
    guest = Client().set_endpoint(client._endpoint).set_project("events")
    user = as_dict(Account(guest).create(ID.unique(), f"{ID.unique()}@example.com", "password123"))
    assert recorder.names()[-1] == f"users.{user['$id']}.create"
    assert "password" not in recorder.published[-1][1]  # the Account model, as the route answers


def test_team_and_membership_events(recorded):
    client, recorder = recorded
    teams = Teams(client)
    team = as_dict(teams.create(ID.unique(), "Desk"))
    tid = team["$id"]
    membership = as_dict(
        teams.create_membership(tid, ["writer"], email=f"{ID.unique()}@example.com")
    )
    mid = membership["$id"]
    teams.update_membership(tid, mid, ["editor"])
    teams.delete_membership(tid, mid)
    teams.delete(tid)
    assert recorder.names()[-6:] == [
        f"teams.{tid}.create",
        f"users.{membership['userId']}.create",
        f"teams.{tid}.memberships.{mid}.create",
        f"teams.{tid}.memberships.{mid}.update",
        f"teams.{tid}.memberships.{mid}.delete",
        f"teams.{tid}.delete",
    ]
