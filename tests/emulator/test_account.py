"""Account API through the real SDK: SSR sessions, JWTs, the caller's own user."""

from __future__ import annotations

import pytest
from appwrite.exception import AppwriteException
from appwrite.id import ID
from appwrite.services.account import Account
from appwrite.services.users import Users

from tests.emulator.conftest import as_dict


def error_of(call) -> AppwriteException:
    with pytest.raises(AppwriteException) as info:
        call()
    return info.value


def test_session_client_reads_its_own_account(make_user, user_client):
    user, _ = make_user()
    account = as_dict(Account(user_client(user)).get())
    assert account["$id"] == user["$id"]
    assert account["email"] == user["email"]
    assert "password" not in account and "hash" not in account and "hashOptions" not in account
    assert account["accessedAt"] != ""


def test_jwt_client_reads_its_own_account(make_user, jwt_client):
    user, _ = make_user()
    assert as_dict(Account(jwt_client(user)).get())["$id"] == user["$id"]


def test_email_session_with_a_key_returns_the_secret(make_user, admin_client):
    user, password = make_user()
    session = as_dict(
        Account(admin_client).create_email_password_session(user["email"].upper(), password)
    )
    assert session["userId"] == user["$id"] and session["provider"] == "email"
    assert session["providerUid"] == user["email"] and session["factors"] == ["password"]
    assert session["current"] is True and session["secret"]
    assert session["expire"] > session["$createdAt"]


def test_email_session_without_a_key_hides_the_secret(make_user, guest_client):
    user, password = make_user()
    session = as_dict(Account(guest_client).create_email_password_session(user["email"], password))
    assert session["userId"] == user["$id"] and session["secret"] == ""


@pytest.mark.parametrize("which", ["wrong password", "unknown email"])
def test_bad_credentials_are_401(make_user, admin_client, which):
    user, password = make_user()
    email, password = (
        (user["email"], "wrong-password")
        if which == "wrong password"
        else ("nobody@example.com", password)
    )
    error = error_of(lambda: Account(admin_client).create_email_password_session(email, password))
    assert (error.code, error.type) == (401, "user_invalid_credentials")
    assert error.message == "Invalid credentials. Please check the email and password."


def test_blocked_user_cannot_sign_in_or_use_a_session(make_user, admin_client, user_client):
    user, password = make_user()
    client = user_client(user)
    Users(admin_client).update_status(user["$id"], False)
    error = error_of(
        lambda: Account(admin_client).create_email_password_session(user["email"], password)
    )
    assert (error.code, error.type) == (401, "user_blocked")
    error = error_of(lambda: Account(client).get())
    assert (error.code, error.type) == (401, "user_blocked")


def test_a_session_cannot_create_another(make_user, user_client):
    user, password = make_user()
    error = error_of(
        lambda: Account(user_client(user)).create_email_password_session(user["email"], password)
    )
    assert (error.code, error.type) == (401, "user_session_already_exists")


def test_guest_and_key_have_no_account(guest_client, admin_client, emulator):
    error = error_of(lambda: Account(guest_client).get())
    assert (error.code, error.type) == (401, "general_unauthorized_scope")
    assert error.message == 'User (role: guests) missing scopes (["account"])'
    error = error_of(lambda: Account(admin_client).get())
    assert (
        error.message
        == f"app.{emulator.project_id}@service.localhost (role: applications) missing scopes "
        '(["account"])'
    )


def test_sessions_list_and_delete_current(make_user, user_client):
    user, _ = make_user()
    account = Account(user_client(user))
    other = Account(user_client(user))
    sessions = as_dict(account.list_sessions())
    assert sessions["total"] == 2
    assert sum(s["current"] for s in sessions["sessions"]) == 1
    current = as_dict(account.get_session("current"))
    assert current["current"] is True and current["secret"] == ""
    account.delete_session("current")
    error = error_of(lambda: account.get())
    assert (error.code, error.type) == (401, "general_unauthorized_scope")
    assert as_dict(other.get())["$id"] == user["$id"]
    error = error_of(lambda: other.delete_session(current["$id"]))
    assert (error.code, error.type) == (404, "user_session_not_found")
    other.delete_sessions()
    assert error_of(lambda: other.get()).code == 401


def test_update_name_password_prefs(make_user, user_client, admin_client):
    user, password = make_user()
    account = Account(user_client(user))
    assert as_dict(account.update_name("New Name"))["name"] == "New Name"
    assert as_dict(account.update_prefs({"lang": "de"}))["prefs"] == {"lang": "de"}
    assert as_dict(account.get_prefs()) == {"lang": "de"}
    error = error_of(
        lambda: account.update_password("next-password-1", old_password="not-the-password")
    )
    assert (error.code, error.type) == (401, "user_invalid_credentials")
    account.update_password("next-password-1", old_password=password)
    session = as_dict(
        Account(admin_client).create_email_password_session(user["email"], "next-password-1")
    )
    assert session["userId"] == user["$id"]


def test_account_create_is_open_to_guests(guest_client):
    email = f"signup-{ID.unique()}@example.com"
    user = as_dict(Account(guest_client).create(ID.unique(), email, "password123", "Signup"))
    assert user["email"] == email and "password" not in user


@pytest.mark.skipif(
    not hasattr(Account, "create_jwt"), reason="this SDK has no account.create_jwt (server SDK 27)"
)
def test_account_jwt_acts_as_the_user(make_user, user_client, emulator):
    user, _ = make_user()
    token = as_dict(Account(user_client(user)).create_jwt())["jwt"]
    assert as_dict(Account(emulator.client().set_jwt(token)).get())["$id"] == user["$id"]


@pytest.mark.skipif(
    not hasattr(Account, "list_memberships"), reason="this SDK has no account.list_memberships"
)
def test_account_memberships(make_user, user_client, admin_client):
    from appwrite.services.teams import Teams

    user, _ = make_user()
    team = as_dict(Teams(admin_client).create(ID.unique(), "Desk"))
    Teams(admin_client).create_membership(team["$id"], ["writer"], user_id=user["$id"])
    listed = as_dict(Account(user_client(user)).list_memberships())
    assert [m["teamId"] for m in listed["memberships"]] == [team["$id"]]


def test_token_exchange_creates_a_session(make_user, admin_client, guest_client, emulator):
    user, _ = make_user()
    token = as_dict(Users(admin_client).create_token(user["$id"], length=12, expire=120))
    assert token["userId"] == user["$id"] and len(token["secret"]) == 12
    session = as_dict(Account(admin_client).create_session(user["$id"], token["secret"]))
    assert session["userId"] == user["$id"] and session["provider"] == "token"
    assert (
        as_dict(Account(emulator.client().set_session(session["secret"])).get())["$id"]
        == user["$id"]
    )
    error = error_of(lambda: Account(guest_client).create_session(user["$id"], token["secret"]))
    assert (error.code, error.type) == (401, "user_invalid_token")  # a token is used once


def test_update_email_needs_the_password(make_user, user_client):
    user, password = make_user()
    other, _ = make_user()
    account = Account(user_client(user))
    error = error_of(lambda: account.update_email(f"new-{user['email']}", "wrong-password"))
    assert (error.code, error.type) == (401, "user_invalid_credentials")
    error = error_of(lambda: account.update_email(other["email"], password))
    # Appwrite checks the messaging targets first: the other user's e-mail is one
    assert (error.code, error.type) == (409, "user_target_already_exists")
    updated = as_dict(account.update_email(f"NEW-{user['email']}", password))
    assert updated["email"] == f"new-{user['email']}" and updated["emailVerification"] is False


def test_accessed_at_is_refreshed_daily(make_user, jwt_client, admin_client, emulator):
    import time_machine

    user, _ = make_user()
    assert as_dict(Users(admin_client).get(user["$id"]))["accessedAt"] == ""
    client = jwt_client(user)
    first = as_dict(Account(client).get())["accessedAt"]
    assert first != ""
    assert as_dict(Account(client).get())["accessedAt"] == first  # not rewritten on every request
    with time_machine.travel("2099-01-01T00:00:00+00:00", tick=True):
        later = as_dict(
            Account(
                emulator.client().set_jwt(
                    as_dict(Users(admin_client).create_jwt(user["$id"], duration=3600))["jwt"]
                )
            ).get()
        )
    assert later["accessedAt"].startswith("2099-01-01")


def test_update_phone_and_block_self(make_user, user_client):
    user, password = make_user()
    account = Account(user_client(user))
    assert as_dict(account.update_phone("+14155550177", password))["phone"] == "+14155550177"
    assert as_dict(account.list_identities())["total"] == 0
    if hasattr(account, "list_logs"):  # gone from SDK 27
        assert as_dict(account.list_logs())["total"] == 0
    assert as_dict(account.update_status())["status"] is False
    error = error_of(lambda: account.get())
    assert (error.code, error.type) == (401, "user_blocked")


def test_email_verification_through_the_outbox(
    make_user, user_client, guest_client, outbox, admin_client
):
    user, _ = make_user()
    account = Account(user_client(user))
    create = getattr(account, "create_email_verification", None) or account.create_verification
    update = (
        getattr(Account(guest_client), "update_email_verification", None)
        or Account(guest_client).update_verification
    )
    token = as_dict(create("http://localhost/verify"))
    assert (
        token["userId"] == user["$id"] and token["secret"] == ""
    )  # the secret only travels by mail
    [message] = [
        m for m in outbox() if m["type"] == "verification" and m["data"]["userId"] == user["$id"]
    ]
    assert message["to"] == user["email"] and "secret=" in message["url"]
    error = error_of(lambda: update(user["$id"], "wrong-secret"))
    assert (error.code, error.type) == (401, "user_invalid_token")
    update(user["$id"], message["data"]["secret"])
    assert as_dict(Users(admin_client).get(user["$id"]))["emailVerification"] is True
    error = error_of(lambda: create("http://localhost/verify"))
    assert (error.code, error.type) == (409, "user_email_already_verified")


@pytest.mark.parametrize("channel", ["email", "magic-url", "phone"])
def test_passwordless_sign_in_through_the_outbox(channel, guest_client, outbox, emulator):
    account = Account(guest_client)
    user_id = ID.unique()
    if channel == "email":
        token = as_dict(account.create_email_token(user_id, f"otp-{user_id}@example.com"))
    elif channel == "magic-url":
        token = as_dict(
            account.create_magic_url_token(
                user_id, f"link-{user_id}@example.com", url="http://localhost/login"
            )
        )
    else:
        token = as_dict(
            account.create_phone_token(user_id, "+1415" + str(int(user_id[-7:], 16))[-7:])
        )
    assert token["userId"] == user_id and token["secret"] == ""
    [message] = [m for m in outbox() if m["data"].get("userId") == user_id]
    secret = message["data"]["secret"]
    if channel != "magic-url":
        assert len(secret) == 6 and secret.isdigit()
    else:
        assert message["url"].startswith("http://localhost/login?userId=")
    session = as_dict(account.create_session(user_id, secret))
    assert session["userId"] == user_id and session["secret"] == ""
    error = error_of(lambda: account.create_session(user_id, secret))
    assert (error.code, error.type) == (401, "user_invalid_token")
    me = as_dict(Users(emulator.client().set_key(emulator.api_key)).get(user_id))
    assert me["phoneVerification" if channel == "phone" else "emailVerification"] is True


def test_password_recovery_through_the_outbox(make_user, guest_client, admin_client, outbox):
    user, old_password = make_user()
    account = Account(guest_client)
    token = as_dict(account.create_recovery(user["email"], "http://localhost/reset"))
    assert token["userId"] == user["$id"] and token["secret"] == ""
    [message] = [
        m for m in outbox() if m["type"] == "recovery" and m["data"]["userId"] == user["$id"]
    ]
    assert message["url"].startswith("http://localhost/reset?userId=")
    error = error_of(lambda: account.update_recovery(user["$id"], "wrong", "brand-new-pass"))
    assert (error.code, error.type) == (401, "user_invalid_token")
    account.update_recovery(user["$id"], message["data"]["secret"], "brand-new-pass")
    sessions = Account(admin_client)
    assert (
        error_of(lambda: sessions.create_email_password_session(user["email"], old_password)).code
        == 401
    )
    assert (
        as_dict(sessions.create_email_password_session(user["email"], "brand-new-pass"))["userId"]
        == user["$id"]
    )
    error = error_of(
        lambda: account.create_recovery("nobody@example.com", "http://localhost/reset")
    )
    assert (error.code, error.type) == (404, "user_not_found")


@pytest.mark.skipif(
    not hasattr(Account, "create_jwt"), reason="this SDK has no account.create_jwt (server SDK 27)"
)
def test_a_jwt_cannot_mint_another_jwt(make_user, jwt_client):
    user, _ = make_user()
    error = error_of(lambda: Account(jwt_client(user)).create_jwt())
    assert (error.code, error.type) == (404, "user_session_not_found")
