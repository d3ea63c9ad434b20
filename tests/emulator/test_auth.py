"""Caller resolution: keys, dynamic keys, sessions, JWTs, guests; roles and scopes."""

from __future__ import annotations

import pytest
from appwrite.exception import AppwriteException
from appwrite.id import ID
from appwrite.services.account import Account
from appwrite.services.teams import Teams
from appwrite.services.users import Users
from starlette.datastructures import Headers

from emulator.core.callers import require_scope
from emulator.core.errors import AppwriteError
from emulator.services.identity import callers as auth
from tests.emulator.conftest import as_dict


def error_of(call) -> AppwriteException:
    with pytest.raises(AppwriteException) as info:
        call()
    return info.value


def resolve(emulator, **headers) -> auth.Caller:
    return auth.resolve(emulator.state, Headers(headers), {})


def test_user_roles_follow_verification_teams_and_labels(
    emulator, admin_client, make_user, user_client
):
    user, _ = make_user()
    uid = user["$id"]
    users, teams = Users(admin_client), Teams(admin_client)
    assert set(
        resolve(emulator, **{"x-appwrite-jwt": as_dict(users.create_jwt(uid))["jwt"]}).roles
    ) == {"any", "users", f"user:{uid}", "users/unverified", f"user:{uid}/unverified"}

    users.update_email_verification(uid, True)
    users.update_labels(uid, ["admin"])
    desk = as_dict(teams.create(ID.unique(), "Desk"))
    joined = as_dict(teams.create_membership(desk["$id"], ["editor", "admin"], user_id=uid))
    owner, _ = make_user()
    other = as_dict(Teams(user_client(owner)).create(ID.unique(), "Pending"))
    Teams(user_client(owner)).create_membership(
        other["$id"], ["writer"], user_id=uid, url="http://localhost/join"
    )

    caller = resolve(emulator, **{"x-appwrite-jwt": as_dict(users.create_jwt(uid))["jwt"]})
    assert caller.kind == "user" and caller.user_id == uid and not caller.is_privileged
    assert set(caller.roles) == {
        "any",
        "users",
        f"user:{uid}",
        "users/verified",
        f"user:{uid}/verified",
        f"team:{desk['$id']}",
        f"team:{desk['$id']}/editor",
        f"team:{desk['$id']}/admin",
        f"member:{joined['$id']}",
        "label:admin",
    }  # the unconfirmed invitation to "Pending" grants nothing


def test_guest_and_admin_key(emulator):
    guest = resolve(emulator)
    assert (guest.kind, guest.roles, guest.user_id) == ("guest", ("any", "guests"), "")
    assert guest.has_scope("rows.read") and not guest.has_scope("account")
    key = resolve(emulator, **{"x-appwrite-key": emulator.api_key})
    assert key.is_privileged and key.user_id == "" and key.has_scope("users.write")


def test_dynamic_key_scopes_are_enforced(emulator, make_user):
    user, _ = make_user()
    key = auth.mint_dynamic_key(
        emulator.state, ["users.read"], ttl_seconds=60, execution_id="exec1"
    )
    assert key.startswith("ephemeral_")
    users = Users(emulator.client().set_key(key))
    assert as_dict(users.get(user["$id"]))["$id"] == user["$id"]
    error = error_of(lambda: users.update_name(user["$id"], "x"))
    assert (error.code, error.type) == (401, "general_unauthorized_scope")
    assert (
        error.message
        == f"app.{emulator.project_id}@service.localhost (role: applications) missing scopes "
        '(["users.write"])'
    )
    caller = resolve(emulator, **{"x-appwrite-key": key})
    assert caller.claims["executionId"] == "exec1" and caller.is_privileged


@pytest.mark.parametrize("kind", ["expired", "forged"])
def test_expired_or_forged_dynamic_keys_are_401(emulator, kind):
    if kind == "expired":
        key = auth.mint_dynamic_key(emulator.state, ["users.read"], ttl_seconds=-5)
    else:
        key = "ephemeral_eyJhbGciOiJIUzI1NiJ9.eyJwcm9qZWN0SWQiOiJuZXdzcm9vbSJ9.c2lnbmF0dXJl"
    error = error_of(lambda: Users(emulator.client().set_key(key)).list())
    assert (error.code, error.type) == (401, "project_key_expired")


def test_unknown_standard_key_is_refused(emulator):
    # Appwrite looks the key up among the project's keys and refuses one it does not find
    for key in ("standard_nope", "not-a-key"):
        error = error_of(lambda key=key: Users(emulator.client().set_key(key)).list())
        assert (error.code, error.type) == (401, "user_unauthorized")
        assert (
            error.message == "The current user is not authorized to perform the requested action."
        )


def test_sessions_cannot_use_the_users_api(make_user, user_client):
    user, _ = make_user()
    error = error_of(lambda: Users(user_client(user)).list())
    assert (error.code, error.type) == (401, "general_unauthorized_scope")
    assert error.message == f'{user["email"]} (role: users) missing scopes (["users.read"])'


def test_invalid_jwt_is_401(emulator):
    error = error_of(lambda: Account(emulator.client().set_jwt("not.a.jwt")).get())
    assert (error.code, error.type) == (401, "user_jwt_invalid")
    assert error.message.startswith("Failed to verify JWT.")


def test_conflicting_credentials_are_403(emulator, make_user, user_client, jwt_client):
    user, _ = make_user()
    client = user_client(user)
    secret = client._global_headers["x-appwrite-session"]
    error = error_of(lambda: Account(jwt_client(user).set_session(secret)).get())
    assert (error.code, error.type) == (403, "user_jwt_and_cookie_set")
    error = error_of(
        lambda: Account(emulator.client().set_key(emulator.api_key).set_session(secret)).get()
    )
    assert (error.code, error.type) == (403, "user_api_key_and_session_set")


def test_garbage_session_is_a_guest(emulator):
    for secret in ("garbage", "eyJpZCI6ICJ4IiwgInNlY3JldCI6ICJ5In0="):
        caller = resolve(emulator, **{"x-appwrite-session": secret})
        assert caller.kind == "guest"


def test_session_cookie_authenticates(emulator, make_user, raw):
    user, password = make_user()
    created = raw.request(
        "POST",
        "/account/sessions/email",
        json={"email": user["email"], "password": password},
        headers={"x-appwrite-key": None},
    )
    cookie = created.cookies.get(f"a_session_{emulator.project_id}")
    assert created.status_code == 201 and cookie
    answer = raw.request(
        "GET",
        "/account",
        headers={"x-appwrite-key": None, "cookie": f"a_session_{emulator.project_id}={cookie}"},
    )
    assert answer.status_code == 200 and answer.json()["$id"] == user["$id"]


def test_require_scope_accepts_any_of_the_listed(emulator):
    guest = resolve(emulator)
    require_scope(guest, "nope", "rows.read")
    with pytest.raises(AppwriteError) as info:
        require_scope(guest, "databases.read", "tables.read")
    assert (
        info.value.message
        == 'User (role: guests) missing scopes (["databases.read","tables.read"])'
    )
