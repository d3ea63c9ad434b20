"""Account, server side: ported from appwrite/appwrite
`tests/e2e/Services/Account/AccountCustomServerTest.php` and the `AccountBase.php` trait it uses
(1.9.6). Where the PHP reads the e-mail Appwrite sent (maildev), the port reads the emulator's
outbox (`GET /v1/emulator/messages`), which holds what Appwrite would have sent.
"""

from __future__ import annotations

import re

import pytest

from tests.contract.conftest import appwrite, deliberate, raw_only

BASE = "Account/AccountBase.php"
SERVER = "Account/AccountCustomServerTest.php"
ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$")


@pytest.fixture
def account(api, uid):
    """An account made by a guest with `POST /account` → (user, email, password)."""

    def make() -> tuple[dict, str, str]:
        email = f"{uid('')}user@localhost.test"
        r = api.as_guest().post(
            "/account",
            {"userId": "unique()", "email": email, "password": "password", "name": "User Name"},
        )
        assert r.status == 201, r
        return r.body, email, "password"

    return make


def _last_message(raw, to: str) -> dict:
    messages = raw.get("/emulator/messages")["messages"]
    return [m for m in messages if m["to"] == to][-1]


def _as_session(api, reply):
    """The caller of a new session: by its secret (key callers get it in the body), else, as
    the PHP does, by sending back the `a_session_<project>` cookie the answer set."""
    if reply.body.get("secret"):
        return api.as_session(reply["secret"])
    name, value = next((n, v) for n, v in reply.cookies.items() if n.startswith("a_session_"))
    return api.as_guest().with_headers({"Cookie": f"{name}={value}"})


@appwrite(f"{BASE}::testCreateAccount")
def test_create_account(api, uid):
    guest = api.as_guest()
    email = f"{uid('')}user@localhost.test"
    body = {"userId": "unique()", "email": email, "password": "password", "name": "User Name"}
    r = guest.post("/account", body)
    assert r.status == 201
    assert r["$id"]
    assert ISO.match(r["registration"])
    assert r["email"] == email
    assert r["name"] == "User Name"
    assert r["labels"] == []
    assert r["targets"][0]["identifier"] == email
    assert guest.post("/account", body).status == 409


@appwrite(f"{BASE}::testCreateAccount")
def test_create_account_sets_accessed_at(api, uid):
    email = f"{uid('')}user@localhost.test"
    r = api.as_guest().post(
        "/account", {"userId": "unique()", "email": email, "password": "password"}
    )
    assert r.status == 201
    assert "accessedAt" in r.body
    assert r["accessedAt"]


@appwrite(f"{BASE}::testCreateAccount")
def test_create_account_email_insights(api, uid):
    email = f"{uid('')}user@localhost.test"
    r = api.as_guest().post(
        "/account", {"userId": "unique()", "email": email, "password": "password"}
    )
    assert r.status == 201
    assert r["emailCanonical"] == email
    for key in ("emailIsFree", "emailIsDisposable", "emailIsCorporate", "emailIsCanonical"):
        assert isinstance(r[key], bool)


@appwrite(f"{BASE}::testCreateAccount")
@pytest.mark.parametrize(
    ("email", "password"),
    [("", ""), ("E", ""), ("", "password"), ("E", "short"), ("E", "p" * 257)],
    ids=["empty", "no-password", "no-email", "short-password", "long-password"],
)
def test_create_account_invalid(api, uid, email, password):
    email = f"{uid('')}@appwrite.io" if email == "E" else email
    r = api.as_guest().post(
        "/account", {"userId": "unique()", "email": email, "password": password}
    )
    assert r.status == 400


@appwrite(f"{BASE}::testEmailOTPSession")
def test_email_otp_session(api, raw, uid):
    guest = api.as_guest()
    email = f"otpuser-{uid('')}@appwrite.io"
    r = guest.post("/account/tokens/email", {"userId": "unique()", "email": email})
    assert r.status == 201
    assert r["$id"] and r["$createdAt"] and r["userId"] and r["expire"]
    assert not r["secret"]
    assert not r["phrase"]
    user_id = r["userId"]
    code = _last_message(raw, email)["data"]["secret"]
    assert re.fullmatch(r"\d{6}", code)
    r = guest.post("/account/sessions/token", {"userId": user_id, "secret": code})
    assert r.status == 201
    assert r["userId"] == user_id
    assert r["$id"] and r["expire"]
    assert not r["secret"]
    me = _as_session(guest, r).get("/account")
    assert me.status == 200
    assert me["$id"] == user_id
    assert me["emailVerification"] is True
    assert me["targets"][0]["identifier"] == email
    again = guest.post("/account/sessions/token", {"userId": user_id, "secret": code})
    assert again.status == 401
    assert again.type == "user_invalid_token"


@appwrite(f"{BASE}::testEmailOTPSession")
def test_email_otp_phrase(api, raw, uid):
    guest = api.as_guest()
    email = f"otpuser-{uid('')}@appwrite.io"
    first = guest.post("/account/tokens/email", {"userId": "unique()", "email": email})
    r = guest.post("/account/tokens/email", {"userId": "unique()", "email": email, "phrase": True})
    assert r.status == 201
    assert r["phrase"]
    assert not r["secret"]
    assert r["userId"] == first["userId"]


@appwrite(f"{BASE}::testEmailOTPSession")
@pytest.mark.parametrize(
    "body",
    [
        {"userId": "unique()", "email": "wrongemail"},
        {"userId": "wrongId$", "email": "email@appwrite.io"},
        {"userId": "unique()"},
    ],
    ids=["bad-email", "bad-user-id", "no-email"],
)
def test_email_otp_invalid(api, body):
    if "email" not in body and api.transport == "sdk":
        pytest.skip("raw only: the SDK refuses to send a call without the required email")
    r = api.as_guest().post("/account/tokens/email", body)
    assert r.status == 400
    assert r.type == "general_argument_invalid"


@appwrite(f"{BASE}::testDeleteAccount")
def test_delete_account(api, account):
    _user, email, password = account()
    session = api.as_guest().post("/account/sessions/email", {"email": email, "password": password})
    assert session.status == 201
    r = _as_session(api, session).delete("/account")
    assert r.status == 204


@appwrite(f"{BASE}::testFallbackForTrustedIp")
def test_fallback_for_trusted_ip(api, uid):
    forwarded = {"X-Forwarded-For": "191.0.113.195"}
    guest = api.as_guest().with_headers(forwarded)
    email = f"{uid('')}user@localhost.test"
    assert (
        guest.post(
            "/account", {"userId": "unique()", "email": email, "password": "password"}
        ).status
        == 201
    )
    r = guest.post("/account/sessions/email", {"email": email, "password": "password"})
    assert r.status == 201
    assert r.body.get("clientIp", r.body.get("ip")) == "191.0.113.195"


@appwrite(f"{BASE}::testAccountAbuseReset")
@deliberate("rate limits (abuse) are not applied (docs/emulator.md)")
def test_account_abuse_reset(api):
    raise AssertionError("rate limits are not applied")


# ------------------------------------------------------------------ AccountCustomServerTest


@appwrite(f"{SERVER}::testCreateAccountSession")
def test_create_account_session(api, account):
    _user, email, password = account()
    r = api.post("/account/sessions/email", {"email": email, "password": password})
    assert r.status == 201
    assert ISO.match(r["expire"])
    secret, user_id = r["secret"], r["userId"]
    user = api.get(f"/users/{user_id}")
    assert user.status == 200
    assert user["accessedAt"]
    again = api.post("/account/sessions/email", {"email": email, "password": password})
    assert again.status == 201
    assert again["secret"]
    with_session = api.as_session(secret).post(
        "/account/sessions/email", {"email": email, "password": password}
    )
    assert with_session.status == 401
    for body in (
        {"email": email + "x", "password": password},
        {"email": email, "password": password + "x"},
    ):
        assert api.post("/account/sessions/email", body).status == 401


@appwrite(f"{SERVER}::testCreateAccountSession")
@raw_only("the SDK refuses to send empty required parameters")
def test_create_account_session_empty(api):
    assert api.post("/account/sessions/email", {"email": "", "password": ""}).status == 400


@appwrite(f"{SERVER}::testGetAccount")
def test_get_account(api, account):
    _user, email, password = account()
    session = api.post("/account/sessions/email", {"email": email, "password": password})
    r = api.as_session(session["secret"]).get("/account")
    assert r.status == 200
    assert r["$id"]
    assert ISO.match(r["registration"])
    assert r["email"] == email
    assert r["name"] == "User Name"
    assert r["accessedAt"]
    assert api.as_guest().get("/account").status == 401


@appwrite(f"{SERVER}::testCreateAnonymousAccount")
def test_create_anonymous_account(api):
    r = api.post("/account/sessions/anonymous")
    assert r.status == 201
    assert r["$id"]
    assert r["secret"]
    user = api.get(f"/users/{r['userId']}")
    assert user.status == 200
    assert user["accessedAt"]


@appwrite(f"{SERVER}::testCreateMagicUrl")
def test_create_magic_url(api, raw, uid):
    email = f"magic-{uid('')}@appwrite.io"
    r = api.post("/account/tokens/magic-url", {"userId": "unique()", "email": email})
    assert r.status == 201
    assert r["$id"]
    assert r["secret"]
    assert ISO.match(r["expire"])
    message = _last_message(raw, email)
    assert message["data"]["secret"] == r["secret"]
    assert message["data"]["userId"] == r["userId"]


@appwrite(f"{SERVER}::testCreateSessionWithMagicUrl")
def test_create_session_with_magic_url(api, raw, uid):
    email = f"magic-{uid('')}@appwrite.io"
    token = api.post("/account/tokens/magic-url", {"userId": "unique()", "email": email})
    secret = _last_message(raw, email)["data"]["secret"]
    r = api.put("/account/sessions/magic-url", {"userId": token["userId"], "secret": secret})
    assert r.status == 201
    assert r["$id"] and r["userId"] and r["secret"]
    me = api.as_session(r["secret"]).get("/account")
    assert me.status == 200
    assert ISO.match(me["registration"])
    assert me["email"] == email
    assert me["emailVerification"] is True
