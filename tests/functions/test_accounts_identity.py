"""Identity quality (issue 9, item 3): what names and e-mail addresses may hold, how they are
normalised so look-alikes collide, that nothing is written when they are refused, and that
no answer or stored execution ever quotes a submitted password. Also the profile route
that replaced direct profile writes (item 1)."""

from __future__ import annotations

import json
import uuid

import pytest
from appwrite.services.account import Account
from appwrite.services.users import Users

FUNCTION = "accounts"


def signup(appwrite, **fields):
    body = {
        "email": f"q-{uuid.uuid4().hex[:10]}@newsroom.test",
        "password": "password-123",
        "name": "Quinn",
        **fields,
    }
    return appwrite.invoke_http(FUNCTION, "/signup", method="POST", json=body)


def user_count(appwrite) -> int:
    return Users(appwrite.admin_client()).list()["total"]


BAD_TEXT = {
    "trailing newline": "\n",
    "zero-width space": "\u200b",
    "zero-width joiner": "\u200d",
    "NUL": "\x00",
    "ANSI escape": "\x1b[31m",
    "right-to-left override": "\u202e",
    "BOM": "\ufeff",
    "line separator": "\u2028",
}


@pytest.mark.parametrize("what", list(BAD_TEXT))
def test_an_email_with_invisible_or_control_characters_is_400_and_writes_nothing(appwrite, what):
    before = user_count(appwrite)
    local = f"bob{uuid.uuid4().hex[:6]}"
    response = signup(appwrite, email=f"{local}@newsroom.test" + BAD_TEXT[what])
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["code"] == "validation_failed"
    assert [d["path"] for d in error["details"]] == ["/email"]
    assert user_count(appwrite) == before


@pytest.mark.parametrize("what", list(BAD_TEXT))
def test_a_name_with_invisible_or_control_characters_is_400_and_writes_nothing(appwrite, what):
    before = user_count(appwrite)
    response = signup(appwrite, name=f"Bo{BAD_TEXT[what]}b")
    assert response.status_code == 400, response.text
    assert [d["path"] for d in response.json()["error"]["details"]] == ["/name"]
    assert "U+" in response.json()["error"]["details"][0]["message"]  # named, not shown
    assert user_count(appwrite) == before


@pytest.mark.parametrize("field", ["name", "email", "password"])
def test_a_lone_surrogate_anywhere_is_400_before_anything_is_written(appwrite, field):
    before = user_count(appwrite)
    values = {
        "email": f"s-{uuid.uuid4().hex[:8]}@newsroom.test",
        "password": "password-123",
        "name": "Sam",
    }
    values[field] = "x\\ud800y@newsroom.test" if field == "email" else "x\\ud800y-long-enough"
    text = "{" + ", ".join(f'"{k}": "{v}"' for k, v in values.items()) + "}"
    response = appwrite.invoke_http(
        FUNCTION, "/signup", method="POST", body=text, headers={"content-type": "application/json"}
    )
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert (error["code"], error["details"][0]["path"]) == ("invalid_json", f"/{field}")
    assert user_count(appwrite) == before
    # every Users answer still works (a stored surrogate used to break them all)
    assert Users(appwrite.admin_client()).list()["total"] == before


def test_look_alike_addresses_are_the_same_account(appwrite):
    local = f"bob{uuid.uuid4().hex[:6]}"
    first = signup(appwrite, email=f"{local}@newsroom.test")
    assert first.status_code == 201, first.text
    for look_alike in (f"  {local}@newsroom.test ", f"{local.upper()}@NewsRoom.Test"):
        again = signup(appwrite, email=look_alike)
        assert (again.status_code, again.json()["error"]["code"]) == (409, "email_taken")
    for refused in (
        f"{local}@newsroom.test\n",
        f"{local}\u200b@newsroom.test",
        f"ｂ{local}@newsroom.test",
    ):
        assert signup(appwrite, email=refused).status_code == 400


def test_names_are_stored_normalised(appwrite):
    response = signup(appwrite, name="  Ann \u00a0  Lee ")
    assert response.status_code == 201, response.text
    assert response.json()["user"]["name"] == "Ann Lee"
    assert response.json()["profile"]["displayName"] == "Ann Lee"
    composed = signup(appwrite, name="Ame\u0301lie")  # e + combining acute → é (NFC)
    assert composed.json()["user"]["name"] == "Am\u00e9lie"


@pytest.mark.parametrize("password", ["hunter2", "p" * 257, ["hunter2secret"], 12345678])
def test_a_submitted_password_is_never_echoed(appwrite, password):
    secret = json.dumps(password).strip('"[]')
    with appwrite.caused_executions():
        response = signup(appwrite, password=password)
    assert response.status_code == 400, response.text
    assert [d["path"] for d in response.json()["error"]["details"]] == ["/password"]
    assert secret not in response.text
    # …nor in what Appwrite keeps of the execution (REST executions store the response body)
    execution = appwrite.execute(
        FUNCTION,
        "/signup",
        method="POST",
        body=json.dumps({"email": "x@newsroom.test", "password": password, "name": "X"}),
    )
    assert execution["responseStatusCode"] == 400
    stored = next(e for e in appwrite.executions(FUNCTION) if e["$id"] == execution["$id"])
    for text in (stored["responseBody"], stored["logs"], stored["errors"]):
        assert secret not in text


def test_a_password_is_not_echoed_by_other_validation_errors_either(appwrite):
    response = appwrite.invoke_http(
        FUNCTION,
        "/signup",
        method="POST",
        json={"email": "bad", "password": "correct-horse-battery", "name": "", "x": 1},
    )
    assert response.status_code == 400
    assert "correct-horse-battery" not in response.text


def test_a_huge_body_of_unknown_keys_gets_a_short_answer(appwrite):
    body = {f"k{i}": 1 for i in range(20_000)}
    response = appwrite.invoke_http(FUNCTION, "/signup", method="POST", json=body)
    assert response.status_code == 400
    details = response.json()["error"]["details"]
    assert len(details) == 50 and details[-1]["message"].startswith("… and ")
    assert len(response.content) < 10_000


# -- PATCH /users/{id}/profile --------------------------------------------------------------


def test_a_user_edits_their_profile_through_the_function(appwrite, unique_email, tables):
    user = appwrite.create_user(unique_email("bio"), name="Bio")
    appwrite.wait_for_executions()
    path = f"/users/{user['$id']}/profile"
    edited = appwrite.invoke_http(
        FUNCTION, path, method="PATCH", user=user, json={"displayName": " Dee  Dee ", "bio": "Hi."}
    )
    assert edited.status_code == 200, edited.text
    assert {k: edited.json()[k] for k in ("displayName", "bio", "articleCount")} == {
        "displayName": "Dee Dee",
        "bio": "Hi.",
        "articleCount": 0,
    }
    stored = tables.get_row("newsroom", "profiles", user["$id"])
    assert stored["$permissions"] == ['read("any")']
    cleared = appwrite.invoke_http(FUNCTION, path, method="PATCH", user=user, json={"bio": None})
    assert cleared.json()["bio"] is None


@pytest.mark.parametrize(
    "body, pointers",
    [
        ({}, [""]),
        ({"articleCount": 99999}, ["/articleCount"]),
        ({"displayName": "Bo\u200bb"}, ["/displayName"]),
        ({"displayName": ""}, ["/displayName"]),
        ({"bio": "a\x1bb"}, ["/bio"]),
        ({"bio": "x" * 2001}, ["/bio"]),
    ],
)
def test_profile_edits_are_validated(appwrite, unique_email, body, pointers):
    user = appwrite.create_user(unique_email("val"), name="Val")
    response = appwrite.invoke_http(
        FUNCTION, f"/users/{user['$id']}/profile", method="PATCH", user=user, json=body
    )
    assert response.status_code == 400, response.text
    assert sorted(d["path"] for d in response.json()["error"]["details"]) == pointers


def test_only_the_user_or_a_site_admin_edits_a_profile(appwrite, unique_email, site_admin):
    user = appwrite.create_user(unique_email("own"), name="Own")
    other = appwrite.create_user(unique_email("other"), name="Other")
    path = f"/users/{user['$id']}/profile"
    denied = appwrite.invoke_http(FUNCTION, path, method="PATCH", user=other, json={"bio": "x"})
    assert (denied.status_code, denied.json()["error"]["code"]) == (403, "forbidden")
    guest = appwrite.invoke_http(FUNCTION, path, method="PATCH", json={"bio": "x"})
    assert guest.status_code == 401
    moderated = appwrite.invoke_http(
        FUNCTION, path, method="PATCH", user=site_admin, json={"bio": "Moderated."}
    )
    assert moderated.status_code == 200 and moderated.json()["bio"] == "Moderated."


def test_an_anonymous_session_cannot_edit_a_profile(appwrite):
    session = Account(appwrite.admin_client()).create_anonymous_session()
    account = Account(appwrite.guest_client().set_session(session["secret"]))
    me, jwt = account.get(), account.create_jwt()["jwt"]
    appwrite.wait_for_executions()
    response = appwrite.invoke_http(
        FUNCTION,
        f"/users/{me['$id']}/profile",
        method="PATCH",
        headers={"authorization": f"Bearer {jwt}"},
        json={"displayName": "Ghost"},
    )
    assert (response.status_code, response.json()["error"]["code"]) == (403, "email_required")


def test_a_missing_profile_is_made_by_the_first_edit(appwrite, unique_email, tables):
    user = appwrite.create_user(unique_email("late"), name="Late")
    appwrite.wait_for_executions()
    tables.delete_row("newsroom", "profiles", user["$id"])
    response = appwrite.invoke_http(
        FUNCTION, f"/users/{user['$id']}/profile", method="PATCH", user=user, json={"bio": "Here"}
    )
    assert response.status_code == 200, response.text
    assert (response.json()["displayName"], response.json()["bio"]) == ("Late", "Here")
