"""Users: ported from appwrite/appwrite `tests/e2e/Services/Users/UsersBase.php` (1.9.6).

The PHP suite runs on one project whose users accumulate; here every case makes its own
users (unique ids, e-mails and names), so counts are asserted on what the case created.
"""

from __future__ import annotations

import pytest

from tests.contract.conftest import appwrite, deliberate, raw_only
from tests.contract.harness import Q

BASE = "Users/UsersBase.php"

# Hashes of the password "appwrite", as the PHP suite imports them.
MD5 = "144fa7eaa4904e8ee120651997f70dcc"
BCRYPT = "$2a$15$xX/myGbFU.ZSKHSi6EHdBOySTdYm8QxBLXmOPHrYMwV0mHRBBSBOq"
ARGON2 = "$argon2i$v=19$m=20,t=3,p=2$YXBwd3JpdGU$A/54i238ed09ZR4NwlACU5XnkjNBZU9QeOEuhjLiexI"
SHA512 = (
    "4243da0a694e8a2f727c8060fe0507c8fa01ca68146c76d2c190805b638c20c6"
    "bf6ba04e21f11ae138785d0bff63c416e6f87badbffad37f6dee50094cc38c70"
)
SCRYPT = (
    "3fdef49701bc4cfaacd551fe017283513284b4731e6945c263246ef948d3cf63"
    "b5d269c31fd697246085111a428245e24a4ddc6b64c687bc60a8910dbafc1d5b"
)
SCRYPT_OPTIONS = {
    "passwordSalt": "appwrite",
    "passwordCpu": 16384,
    "passwordMemory": 13,
    "passwordParallel": 2,
    "passwordLength": 64,
}
PHPASS = "$P$Br387rwferoKN7uwHZqNMu98q3U8RO."
# The same password at bcrypt cost 4 (the PHP's cost-15 hash takes seconds to verify).
BCRYPT_FAST = "$2a$04$UUftcluBVccJ2EKxrHyfE.osVlxVbgZwcq44vDtgH5UOcW439PmHO"


@pytest.fixture
def user(api, uid):
    """`user(**fields)` → a fresh user made with the key (email/password/name unless given)."""

    def make(**fields):
        token = uid("")
        body = {
            "userId": fields.pop("userId", f"u{token}"),
            "email": fields.pop("email", f"user-{token}@example.com"),
            "password": fields.pop("password", "password"),
            "name": fields.pop("name", f"User {token}"),
            **fields,
        }
        body = {k: v for k, v in body.items() if v is not None}
        reply = api.post("/users", body)
        assert reply.status == 201, reply
        return reply.body

    return make


def _session(api, email: str, password: str):
    """Email/password session as Appwrite's suite makes it (no key: a guest call)."""
    return api.as_guest().post("/account/sessions/email", {"email": email, "password": password})


# ------------------------------------------------------------------ create


@appwrite(f"{BASE}::testCreateUser")
def test_create_user(api, uid):
    email = f"cristiano.ronaldo-{uid('')}@manchester-united.co.uk"
    r = api.post(
        "/users",
        {"userId": "unique()", "email": email, "password": "password", "name": "Cristiano Ronaldo"},
    )
    assert r.status == 201
    assert r["prefs"] == {}
    assert r["name"] == "Cristiano Ronaldo"
    assert r["email"] == email
    assert r["status"] is True
    assert r["registration"] > "2000-01-01 00:00:00"
    assert r["labels"] == []


@appwrite(f"{BASE}::testCreateUser")
def test_create_user_email_insights(api, uid):
    email = f"cristiano.{uid('')}@manchester-united.co.uk"
    r = api.post("/users", {"userId": "unique()", "email": email, "password": "password"})
    assert r.status == 201
    assert r["emailCanonical"] == email
    assert r["emailIsFree"] is False
    assert r["emailIsDisposable"] is False
    assert r["emailIsCorporate"] is True
    assert r["emailIsCanonical"] is True


@appwrite(f"{BASE}::testCreateUser")
def test_create_user_custom_id(api, uid):
    user_id = uid("user1-")
    r = api.post(
        "/users",
        {"userId": user_id, "email": f"{user_id}@psg.fr", "password": "password", "name": "Messi"},
    )
    assert r.status == 201
    assert r["$id"] == user_id
    assert r["name"] == "Messi"
    assert r["status"] is True
    again = api.post("/users", {"userId": user_id, "email": f"x{user_id}@psg.fr"})
    assert again.status == 409
    assert again.type == "user_already_exists"


@appwrite(f"{BASE}::testCreateUser")
@pytest.mark.parametrize(
    ("path", "body", "hash_name", "options"),
    [
        ("bcrypt", {"password": BCRYPT}, "bcrypt", {}),
        ("argon2", {"password": ARGON2}, "argon2", {}),
        ("md5", {"password": MD5}, "md5", {}),
        ("phpass", {"password": PHPASS}, "phpass", {}),
    ],
    ids=["bcrypt", "argon2", "md5", "phpass"],
)
def test_create_user_hashed(api, uid, path, body, hash_name, options):
    token = uid("")
    r = api.post(f"/users/{path}", {"userId": f"{path}{token}", "email": f"{token}@x.io", **body})
    assert r.status == 201
    assert r["password"] == body["password"]
    assert r["hash"] == hash_name


@appwrite(f"{BASE}::testCreateUser")
def test_create_user_sha(api, uid):
    token = uid("")
    r = api.post(
        "/users/sha",
        {
            "userId": f"sha{token}",
            "email": f"{token}@x.io",
            "password": SHA512,
            "passwordVersion": "sha512",
        },
    )
    assert r.status == 201
    assert r["password"] == SHA512
    assert r["hash"] == "sha"
    assert r["hashOptions"]["version"] == "sha512"


@appwrite(f"{BASE}::testCreateUser")
def test_create_user_scrypt(api, uid):
    token = uid("")
    r = api.post(
        "/users/scrypt",
        {
            "userId": f"scrypt{token}",
            "email": f"{token}@x.io",
            "password": SCRYPT,
            **SCRYPT_OPTIONS,
        },
    )
    assert r.status == 201
    assert r["password"] == SCRYPT
    assert r["hash"] == "scrypt"
    assert r["hashOptions"]["salt"] == "appwrite"
    assert r["hashOptions"]["costCpu"] == 16384
    assert r["hashOptions"]["costMemory"] == 13
    assert r["hashOptions"]["costParallel"] == 2
    assert r["hashOptions"]["length"] == 64


@appwrite(f"{BASE}::testCreateUser")
@deliberate("scrypt-modified password imports are not implemented (docs/emulator.md)")
def test_create_user_scrypt_modified(api, uid):
    token = uid("")
    r = api.post(
        "/users/scrypt-modified",
        {
            "userId": f"sm{token}",
            "email": f"{token}@x.io",
            "password": "UlM7JiXRcQhzAGlaonpSqNSLIz475WMddOgLjej5De9vxTy48K6WtqlEzrRFeK4t0COfMhWCb8"
            "wuMHgxOFCHFQ==",
            "passwordSalt": "UxLMreBr6tYyjQ==",
            "passwordSaltSeparator": "Bw==",
            "passwordSignerKey": "XyEKE9RcTDeLEsL/RjwPDBv/RqDl8fb3gpYEOQaPihbxf1ZAtSOHCjuAAa7Q"
            "3oHpCYhXSN9tizHgVOwn6krflQ==",
        },
    )
    assert r.status == 201
    assert r["hash"] == "scryptMod"


@appwrite(f"{BASE}::testCreateUserSessionHashed")
@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("md5", {"password": MD5}),
        ("bcrypt", {"password": BCRYPT_FAST}),
        ("argon2", {"password": ARGON2}),
        ("sha", {"password": SHA512, "passwordVersion": "sha512"}),
        ("scrypt", {"password": SCRYPT, **SCRYPT_OPTIONS}),
        ("phpass", {"password": PHPASS}),
    ],
    ids=["md5", "bcrypt", "argon2", "sha512", "scrypt", "phpass"],
)
def test_session_with_imported_hash_rehashes(api, uid, path, body):
    token = uid("")
    email = f"{path}-{token}@appwrite.io"
    created = api.post(f"/users/{path}", {"userId": f"{path}{token}", "email": email, **body})
    assert created.status == 201
    first = _session(api, email, "appwrite")
    assert first.status == 201
    assert first["userId"] == created["$id"]
    got = api.get(f"/users/{created['$id']}")
    assert got.status == 200
    assert got["hash"] == "argon2"
    assert got["password"].startswith("$argon2")
    again = _session(api, email, "appwrite")
    assert again.status == 201


@appwrite(f"{BASE}::testCreateUserTypes")
@pytest.mark.parametrize(
    ("fields", "has_email", "has_password", "has_phone"),
    [
        ({"email": "E", "password": "emailUserPassword"}, True, True, False),
        ({"phone": "P"}, False, False, True),
        ({}, False, False, False),
        ({"email": "E"}, True, False, False),
        ({"password": "passwordOnlyUser"}, False, True, False),
        ({"password": "passwordOnlyUser", "phone": "P"}, False, True, True),
    ],
    ids=["email+password", "phone", "anonymous", "email-only", "password-only", "password+phone"],
)
def test_create_user_types(api, uid, fields, has_email, has_password, has_phone):
    token = uid("")
    body = {"userId": "unique()"}
    for key, value in fields.items():
        body[key] = {
            "E": f"{token}@appwrite.io",
            "P": "+1" + str(int(token, 16))[:10].rjust(10, "5"),
        }.get(value, value)
    r = api.post("/users", body)
    assert r.status == 201, r
    assert bool(r["email"]) is has_email
    assert bool(r.body.get("password")) is has_password
    assert bool(r["phone"]) is has_phone


# ------------------------------------------------------------------ list / get


@appwrite(f"{BASE}::testListUsers")
def test_list_users_queries(api, user, uid):
    first = user(name=f"Cristiano Ronaldo {uid('')}")
    second = user(name=f"Lionel Messi {uid('')}")
    r = api.get("/users", {"queries": [Q.limit(5000)]})
    assert r.status == 200
    assert {first["$id"], second["$id"]} <= {u["$id"] for u in r["users"]}

    r = api.get("/users", {"queries": [Q.equal("name", [second["name"]])]})
    assert r.status == 200
    assert [u["$id"] for u in r["users"]] == [second["$id"]]

    r = api.get("/users", {"queries": [Q.equal("email", [second["email"]])]})
    assert [u["email"] for u in r["users"]] == [second["email"]]

    r = api.get("/users", {"queries": [Q.equal("status", [True]), Q.limit(5000)]})
    assert r.status == 200
    assert {first["$id"], second["$id"]} <= {u["$id"] for u in r["users"]}
    r = api.get("/users", {"queries": [Q.equal("status", [False]), Q.limit(5000)]})
    assert r.status == 200
    assert first["$id"] not in {u["$id"] for u in r["users"]}

    for attribute in ("passwordUpdate", "registration"):
        r = api.get("/users", {"queries": [Q.equal(attribute, [second[attribute]])]})
        assert r.status == 200
        assert second["$id"] in [u["$id"] for u in r["users"]]

    for attribute, value, expected in (
        ("emailVerification", False, True),
        ("emailVerification", True, False),
        ("phoneVerification", False, True),
        ("phoneVerification", True, False),
    ):
        r = api.get("/users", {"queries": [Q.equal(attribute, [value]), Q.limit(5000)]})
        assert r.status == 200
        assert (first["$id"] in {u["$id"] for u in r["users"]}) is expected


@appwrite(f"{BASE}::testListUsers")
def test_list_users_cursors(api, user):
    first = user()
    second = user()
    r = api.get("/users", {"queries": [Q.cursor_after(first["$id"])]})
    assert r.status == 200
    assert r["users"][0]["$id"] == second["$id"]
    r = api.get("/users", {"queries": [Q.cursor_before(second["$id"]), Q.limit(1)]})
    assert r.status == 200
    assert [u["$id"] for u in r["users"]] == [first["$id"]]
    r = api.get("/users", {"queries": [Q.cursor_after("unknown")]})
    assert r.status == 400


@appwrite(f"{BASE}::testListUsers")
def test_list_users_select_rejected(api):
    r = api.get("/users", {"queries": [Q.select(["name"])]})
    assert r.status == 400


@appwrite(f"{BASE}::testListUsers")
def test_search_users(api, user, uid):
    token = uid("")
    me = user(name=f"Ronaldo{token}", email=f"c{token}.ronaldo{token}@manchester{token}.co.uk")
    for term in (f"Ronaldo{token}", f"c{token}.ronaldo{token}", f"manchester{token}", me["$id"]):
        r = api.get("/users", {"search": term})
        assert r.status == 200, term
        assert [u["$id"] for u in r["users"]] == [me["$id"]], term
    r = api.get("/users", {"search": ">"})
    assert r.status == 200
    assert r["users"] == []


@appwrite(f"{BASE}::testListUsers")
def test_search_users_by_email(api, user, uid):
    token = uid("")
    # every word of length ≥ 3 is this user's own, so on Appwrite only this user matches
    me = user(email=f"c{token}.r{token}@m{token}.co.uk")
    user(email=f"someone.{uid('')}@example.com")
    r = api.get("/users", {"search": me["email"]})
    assert r.status == 200
    assert [u["$id"] for u in r["users"]] == [me["$id"]]


@appwrite(f"{BASE}::testGetUser")
def test_get_user(api, user):
    me = user()
    r = api.get(f"/users/{me['$id']}")
    assert r.status == 200
    assert r["name"] == me["name"]
    assert r["email"] == me["email"]
    assert r["status"] is True
    assert r["registration"] > "2000-01-01 00:00:00"
    sessions = api.get(f"/users/{me['$id']}/sessions")
    assert sessions.status == 200
    assert isinstance(sessions["sessions"], list)
    users = api.get("/users")
    assert users.status == 200
    assert isinstance(users["total"], int) and users["total"] > 0
    r = api.get("/users/non_existent")
    assert r.status == 404
    assert r["code"] == 404
    assert r.message == "User with the requested ID could not be found."
    assert r.type == "user_not_found"


@appwrite(f"{BASE}::testGetUser")
def test_list_users_total_false(api, user, get_booleans):
    user()
    r = api.get("/users", {"total": False})
    assert r.status == 200
    assert r["total"] == 0
    assert len(r["users"]) > 0


@appwrite(f"{BASE}::testListUserMemberships")
def test_list_user_memberships(api, user):
    me = user()
    team = api.post("/teams", {"teamId": "unique()", "name": "Test Team"})
    membership = api.post(
        f"/teams/{team['$id']}/memberships", {"userId": me["$id"], "roles": ["new-role"]}
    )
    r = api.get(f"/users/{me['$id']}/memberships")
    assert r.status == 200
    assert r["memberships"][0]["$id"] == membership["$id"]
    assert r["memberships"][0]["roles"] == ["new-role"]
    assert r["total"] == 1
    team2 = api.post("/teams", {"teamId": "unique()", "name": "Test Team 2"})
    membership2 = api.post(
        f"/teams/{team2['$id']}/memberships", {"userId": me["$id"], "roles": ["new-role-2"]}
    )
    r = api.get(
        f"/users/{me['$id']}/memberships", {"queries": [Q.contains("roles", ["new-role-2"])]}
    )
    assert r.status == 200
    assert r["memberships"][0]["$id"] == membership2["$id"]
    assert r["memberships"][0]["roles"] == ["new-role-2"]
    assert r["total"] == 1


@appwrite(f"{BASE}::testListUserMemberships")
def test_list_user_memberships_equal_on_roles(api, user):
    me = user()
    r = api.get(f"/users/{me['$id']}/memberships", {"queries": [Q.equal("roles", ["x"])]})
    assert r["code"] == 400
    assert r.message == (
        "Invalid `queries` param: Invalid query: Cannot query equal on attribute "
        '"roles" because it is an array.'
    )
    assert r.type == "general_argument_invalid"


@appwrite("src: app/controllers/shared/api.php (API-key branch: Key::decode, keys lookup)")
def test_unknown_api_key(api):
    r = api.as_key("not-a-key").get("/users")
    assert r.status == 401
    assert r.type == "user_unauthorized"
    assert r.message == "The current user is not authorized to perform the requested action."


# ------------------------------------------------------------------ updates


@appwrite(f"{BASE}::testUpdateUserName")
def test_update_user_name(api, user):
    me = user()
    r = api.patch(f"/users/{me['$id']}/name", {"name": ""})
    assert r.status == 200
    assert r["name"] == ""
    assert api.get(f"/users/{me['$id']}")["name"] == ""
    r = api.patch(f"/users/{me['$id']}/name", {"name": "Updated name"})
    assert r.status == 200
    assert r["name"] == "Updated name"
    assert api.get(f"/users/{me['$id']}")["name"] == "Updated name"


@appwrite(f"{BASE}::testUpdateUserNameSearch")
def test_update_user_name_search(api, user, uid):
    me = user()
    new_name = f"Updated{uid('')}"
    api.patch(f"/users/{me['$id']}/name", {"name": new_name})
    for term in (new_name, me["$id"]):
        r = api.get("/users", {"search": term})
        assert r.status == 200
        assert [u["$id"] for u in r["users"]] == [me["$id"]]


@appwrite(f"{BASE}::testUpdateUserEmail")
def test_update_user_email(api, user, uid):
    me = user()
    r = api.patch(f"/users/{me['$id']}/email", {"email": ""})
    assert r.status == 200
    assert r["email"] == ""
    assert api.get(f"/users/{me['$id']}")["email"] == ""
    new_email = f"users.service.{uid('')}@updated.com"
    r = api.patch(f"/users/{me['$id']}/email", {"email": new_email})
    assert r.status == 200
    assert r["email"] == new_email
    assert api.get(f"/users/{me['$id']}")["email"] == new_email


@appwrite(f"{BASE}::testUpdateUserEmailSearch")
def test_update_user_email_search(api, user, uid):
    me = user()
    new_email = f"users.service.{uid('')}@updated.com"
    api.patch(f"/users/{me['$id']}/email", {"email": new_email})
    for term in (f'"{new_email}"', me["$id"]):
        r = api.get("/users", {"search": term})
        assert r.status == 200
        assert [u["$id"] for u in r["users"]] == [me["$id"]], term


@appwrite(f"{BASE}::testUpdateUserPassword")
def test_update_user_password_empty_clears_it(api, user):
    me = user()
    assert _session(api, me["email"], "password").status == 201
    r = api.patch(f"/users/{me['$id']}/password", {"password": ""})
    assert r.status == 200
    assert r["$id"]
    assert not r.body.get("password")
    assert _session(api, me["email"], "password").status == 401


@appwrite(f"{BASE}::testUpdateUserPassword")
def test_update_user_password_invalidates_sessions(api, user):
    me = user()
    assert _session(api, me["email"], "password").status == 201
    r = api.patch(f"/users/{me['$id']}/password", {"password": "password2"})
    assert r.status == 200
    assert r["password"]
    sessions = api.get(f"/users/{me['$id']}/sessions")
    assert sessions.status == 200
    assert sessions["sessions"] == []
    assert _session(api, me["email"], "password2").status == 201


@appwrite(f"{BASE}::testUpdateUserPassword")
def test_update_user_password(api, user):
    me = user()
    r = api.patch(f"/users/{me['$id']}/password", {"password": "password2"})
    assert r.status == 200
    assert r["password"]
    assert _session(api, me["email"], "password").status == 401
    assert _session(api, me["email"], "password2").status == 201


@appwrite(f"{BASE}::testUpdateUserStatus")
def test_update_user_status(api, user):
    me = user()
    r = api.patch(f"/users/{me['$id']}/status", {"status": False})
    assert r.status == 200
    assert r["status"] is False
    assert api.get(f"/users/{me['$id']}")["status"] is False


@appwrite(f"{BASE}::testUpdateEmailVerification")
def test_update_email_verification(api, user):
    me = user()
    r = api.patch(f"/users/{me['$id']}/verification", {"emailVerification": True})
    assert r.status == 200
    assert r["emailVerification"] is True
    assert api.get(f"/users/{me['$id']}")["emailVerification"] is True


@appwrite(f"{BASE}::testUpdateAndGetUserPrefs")
def test_update_and_get_user_prefs(api, user):
    me = user()
    prefs = {"funcKey1": "funcValue1", "funcKey2": "funcValue2"}
    r = api.patch(f"/users/{me['$id']}/prefs", {"prefs": prefs})
    assert r.status == 200
    assert r["funcKey1"] == "funcValue1"
    assert r["funcKey2"] == "funcValue2"
    r = api.get(f"/users/{me['$id']}/prefs")
    assert r.status == 200
    assert r.body == prefs


@appwrite(f"{BASE}::testUpdateAndGetUserPrefs")
@raw_only("the SDK refuses to send a call without the required prefs")
def test_update_user_prefs_invalid(api, user):
    me = user()
    assert api.patch(f"/users/{me['$id']}/prefs", {"prefs": "bad-string"}).status == 400
    assert api.patch(f"/users/{me['$id']}/prefs", {}).status == 400


@appwrite(f"{BASE}::testUpdateUserNumber")
def test_update_user_number(api, user, uid):
    me = user()
    r = api.patch(f"/users/{me['$id']}/phone", {"number": ""})
    assert r.status == 200
    assert not r.body.get("phone")
    assert not api.get(f"/users/{me['$id']}")["phone"]
    number = "+91" + str(int(uid(""), 16))[:10].rjust(10, "1")
    r = api.patch(f"/users/{me['$id']}/phone", {"number": number})
    assert r.status == 200
    assert r["phone"] == number
    assert api.get(f"/users/{me['$id']}")["phone"] == number


@appwrite(f"{BASE}::testUpdateUserNumber")
def test_update_user_number_taken(api, user, uid):
    me, other = user(), user()
    number = "+91" + str(int(uid(""), 16))[:10].rjust(10, "2")
    assert api.patch(f"/users/{me['$id']}/phone", {"number": number}).status == 200
    r = api.patch(f"/users/{other['$id']}/phone", {"number": number})
    assert r.status == 409
    assert r.type == "user_target_already_exists"


@appwrite(f"{BASE}::testUpdateTwoUsersPhoneToEmpty")
def test_update_two_users_phone_to_empty(api, user, uid):
    digits = str(int(uid(""), 16))[:9].rjust(9, "3")
    one = user(phone=f"+1{digits}1")
    two = user(phone=f"+1{digits}2")
    assert one["phone"] == f"+1{digits}1"
    for who in (one, two):
        r = api.patch(f"/users/{who['$id']}/phone", {"number": ""})
        assert r.status == 200
        assert not r.body.get("phone")
    assert not api.get(f"/users/{one['$id']}")["phone"]
    assert not api.get(f"/users/{two['$id']}")["phone"]


@appwrite(f"{BASE}::testUpdateUserNumberSearch")
def test_update_user_number_search(api, user, uid):
    me = user()
    number = "+91" + str(int(uid(""), 16))[:10].rjust(10, "4")
    api.patch(f"/users/{me['$id']}/phone", {"number": number})
    r = api.get("/users", {"search": number})
    assert r.status == 200
    assert [u["$id"] for u in r["users"]] == [me["$id"]]
    assert r["users"][0]["phone"] == number


@appwrite(f"{BASE}::testUpdateUserLabels")
@pytest.mark.parametrize(
    ("labels", "status", "expected"),
    [
        (["admin"], 200, ["admin"]),
        (["vip", "pro"], 200, ["vip", "pro"]),
        ([], 200, []),
        (["vip", "vip", "pro"], 200, ["vip", "pro"]),
        (["invalid-label"], 400, None),
        (["a" * 129], 400, None),
        ([["a"] * 101], 400, None),
    ],
    ids=["single", "multiple", "clear", "duplicates", "invalid", "too-long", "nested-array"],
)
def test_update_user_labels(api, user, labels, status, expected):
    me = user()
    r = api.put(f"/users/{me['$id']}/labels", {"labels": labels})
    assert r.status == status
    if expected is not None:
        assert r["labels"] == expected


@appwrite(f"{BASE}::testUpdateUserLabelsWithoutLabels")
@raw_only("the SDK refuses to send a call without the required labels")
def test_update_user_labels_without_labels(api, user):
    me = user()
    assert api.put(f"/users/{me['$id']}/labels", {}).status == 400


@appwrite(f"{BASE}::testUpdateUserLabelsNonExistentUser")
def test_update_user_labels_unknown_user(api):
    assert api.put("/users/dne/labels", {"labels": ["admin"]}).status == 404


@appwrite(f"{BASE}::testGetLogs")
def test_get_logs(api, user):
    me = user()
    for queries in ([], [Q.limit(1)], [Q.offset(1)], [Q.limit(1), Q.offset(1)]):
        r = api.get(f"/users/{me['$id']}/logs", {"queries": queries})
        assert r.status == 200
        assert isinstance(r["logs"], list)
        assert isinstance(r["total"], int)


@appwrite(f"{BASE}::testGetLogs")
def test_get_logs_invalid_queries(api, user):
    me = user()
    bad = (
        Q.limit(-1),
        Q.offset(-1),
        Q.equal("$id", ["asdf"]),
        Q.order_asc("$id"),
        '{ "method": "cursorAsc", "attribute": "$id" }',
    )
    statuses = {q: api.get(f"/users/{me['$id']}/logs", {"queries": [q]}).status for q in bad}
    assert statuses == dict.fromkeys(bad, 400)


@appwrite(f"{BASE}::testCreateUserTarget")
@deliberate("Messaging (providers) is not implemented (docs/emulator.md)")
def test_create_user_target_with_provider(api, user):
    provider = api.post(
        "/messaging/providers/sendgrid",
        {"providerId": "unique()", "name": "Sengrid1", "apiKey": "k", "from": "f@domain.com"},
    )
    assert provider.status == 201


@appwrite(f"{BASE}::testDeleteUser")
def test_delete_user(api, user):
    me = user()
    assert api.delete(f"/users/{me['$id']}").status == 204
    assert api.delete(f"/users/{me['$id']}").status == 404


# ------------------------------------------------------------------ tokens, sessions, JWTs


@appwrite(f"{BASE}::testCreateToken")
def test_create_token(api, user):
    me = user()
    r = api.post(f"/users/{me['$id']}/tokens")
    assert r.status == 201
    assert r["userId"] == me["$id"]
    assert r["secret"]
    assert r["expire"]
    r = api.post(f"/users/{me['$id']}/tokens", {"length": 15, "expire": 60})
    assert r.status == 201
    assert len(r["secret"]) == 15
    for body in ({"length": 1, "expire": 1}, {"expire": 999999999999999}):
        r = api.post(f"/users/{me['$id']}/tokens", body)
        assert r.status == 400
        assert "secret" not in r.body


@appwrite(f"{BASE}::testCreateSession")
def test_create_session(api, user):
    me = user()
    r = api.post(f"/users/{me['$id']}/sessions")
    assert r.status == 201
    assert r["userId"] == me["$id"]
    assert r["secret"]
    assert r["expire"]
    assert r["provider"] == "server"
    as_user = api.as_session(r["secret"])
    assert as_user.get("/account").status == 200
    assert as_user.delete("/account/sessions/current").status == 204


@appwrite(f"{BASE}::testUserJWT")
def test_user_jwt(api, user):
    """The 5-second-expiry step of the PHP case (a sleep) is left out."""
    me = user()
    r = api.post(f"/users/{me['$id']}/jwts", {})
    assert r.status == 201
    jwt0 = r["jwt"]
    r = api.as_jwt(jwt0).get("/account")
    assert r.status == 200
    assert r["$id"] == me["$id"]
    s1 = _session(api, me["email"], "password")
    s2 = _session(api, me["email"], "password")
    assert s1.status == s2.status == 201
    jwt1 = api.post(f"/users/{me['$id']}/jwts", {"sessionId": s1["$id"]})["jwt"]
    assert api.as_jwt(jwt1).get("/account")["$id"] == me["$id"]
    r = api.post(f"/users/{me['$id']}/jwts", {"duration": 5, "sessionId": s2["$id"]})
    assert r.status == 201
    assert api.as_jwt(r["jwt"]).get("/account").status == 200
    assert api.delete(f"/users/{me['$id']}/sessions/{s1['$id']}").status == 204
    assert api.as_jwt(jwt1).get("/account").status == 401
    assert api.delete(f"/users/{me['$id']}/sessions/{s2['$id']}").status == 204
    r = api.as_jwt(jwt0).get("/account")
    assert r.status == 200
    assert r["$id"] == me["$id"]
    assert api.delete(f"/users/{me['$id']}").status == 204


@appwrite(f"{BASE}::testUserJWT")
def test_user_jwt_unknown_session_id(api, user):
    me = user()
    _session(api, me["email"], "password")
    r = api.post(f"/users/{me['$id']}/jwts", {"duration": 5, "sessionId": "current"})
    assert r.status == 201
    assert api.as_jwt(r["jwt"]).get("/account")["$id"] == me["$id"]


# ------------------------------------------------------------------ impersonation


def _impersonator_session(api, user, **target_fields):
    actor = user(name="Actor")
    target = user(name="Target", **target_fields)
    r = api.patch(f"/users/{actor['$id']}/impersonator", {"impersonator": True})
    assert r.status == 200
    session = api.post(f"/users/{actor['$id']}/sessions")
    assert session.status == 201
    return actor, target, session["secret"]


@appwrite(f"{BASE}::testUpdateUserImpersonator")
def test_update_user_impersonator(api, user):
    me = user()
    assert not me.get("impersonator", False)
    r = api.patch(f"/users/{me['$id']}/impersonator", {"impersonator": True})
    assert r.status == 200
    assert r["impersonator"] is True
    assert api.get(f"/users/{me['$id']}")["impersonator"] is True
    r = api.patch(f"/users/{me['$id']}/impersonator", {"impersonator": False})
    assert r["impersonator"] is False
    assert api.get(f"/users/{me['$id']}")["impersonator"] is False


@appwrite(f"{BASE}::testImpersonateByUserId")
def test_impersonate_by_user_id(api, user):
    actor, target, secret = _impersonator_session(api, user)
    as_actor = api.as_session(secret)
    r = as_actor.with_headers({"X-Appwrite-Impersonate-User-Id": target["$id"]}).get("/account")
    assert r.status == 200
    assert r["$id"] == target["$id"]
    assert r["impersonatorUserId"] == actor["$id"]
    r = as_actor.get("/account")
    assert r["$id"] == actor["$id"]
    assert "impersonatorUserId" in r.body
    assert r["impersonatorUserId"] is None


@appwrite(f"{BASE}::testImpersonateByEmail")
def test_impersonate_by_email(api, user):
    actor, target, secret = _impersonator_session(api, user)
    r = (
        api.as_session(secret)
        .with_headers({"X-Appwrite-Impersonate-User-Email": target["email"]})
        .get("/account")
    )
    assert r.status == 200
    assert r["$id"] == target["$id"]
    assert r["impersonatorUserId"] == actor["$id"]


@appwrite(f"{BASE}::testImpersonateByPhone")
def test_impersonate_by_phone(api, user, uid):
    phone = "+1555" + str(int(uid(""), 16))[:7].rjust(7, "0")
    actor, target, secret = _impersonator_session(api, user, phone=phone)
    r = (
        api.as_session(secret)
        .with_headers({"X-Appwrite-Impersonate-User-Phone": phone})
        .get("/account")
    )
    assert r.status == 200
    assert r["$id"] == target["$id"]
    assert r["impersonatorUserId"] == actor["$id"]


@appwrite(f"{BASE}::testImpersonationRequiresCapability")
def test_impersonation_requires_capability(api, user):
    actor, target = user(name="Non Impersonator"), user()
    secret = api.post(f"/users/{actor['$id']}/sessions")["secret"]
    r = (
        api.as_session(secret)
        .with_headers({"X-Appwrite-Impersonate-User-Id": target["$id"]})
        .get("/account")
    )
    assert r.status == 200
    assert r["$id"] == actor["$id"]
    assert "impersonatorUserId" in r.body
    assert r["impersonatorUserId"] is None


@appwrite(f"{BASE}::testImpersonationUsersReadScopeRequiresCapability")
def test_impersonation_header_grants_no_scope(api, user):
    actor, target = user(), user()
    secret = api.post(f"/users/{actor['$id']}/sessions")["secret"]
    r = (
        api.as_session(secret)
        .with_headers({"X-Appwrite-Impersonate-User-Id": target["$id"]})
        .get("/users")
    )
    assert r.status == 401
    assert r.type == "general_unauthorized_scope"


@appwrite(f"{BASE}::testImpersonatorUsersReadScopeWithoutActiveImpersonation")
def test_impersonator_reads_users(api, user):
    _actor, _target, secret = _impersonator_session(api, user)
    r = api.as_session(secret).get("/users")
    assert r.status == 200
    assert len(r["users"]) >= 1


@appwrite(f"{BASE}::testListUsersFilterByImpersonator")
def test_list_users_filter_by_impersonator(api, user):
    me = user()
    api.patch(f"/users/{me['$id']}/impersonator", {"impersonator": True})
    r = api.get("/users", {"queries": [Q.equal("impersonator", [True])]})
    assert r.status == 200
    assert me["$id"] in [u["$id"] for u in r["users"]]
    assert api.get("/users", {"queries": [Q.equal("impersonator", [False])]}).status == 200


@appwrite(f"{BASE}::testUpdateUserImpersonatorNotFound")
def test_update_user_impersonator_not_found(api):
    r = api.patch("/users/nonexistentuserid123/impersonator", {"impersonator": True})
    assert r.status == 404


@appwrite(f"{BASE}::testImpersonationUsersReadScope")
def test_impersonation_users_read_scope(api, user):
    _actor, target, secret = _impersonator_session(api, user)
    r = (
        api.as_session(secret)
        .with_headers({"X-Appwrite-Impersonate-User-Id": target["$id"]})
        .get("/users")
    )
    assert r.status == 200
    assert len(r["users"]) >= 2


@appwrite(f"{BASE}::testImpersonationByEmailAndPhoneRequireCapability")
def test_impersonation_by_email_and_phone_require_capability(api, user, uid):
    phone = "+1555" + str(int(uid(""), 16))[:7].rjust(7, "1")
    actor = user(name="Non Impersonator Headers")
    target = user(phone=phone)
    secret = api.post(f"/users/{actor['$id']}/sessions")["secret"]
    for header, value in (
        ("X-Appwrite-Impersonate-User-Email", target["email"]),
        ("X-Appwrite-Impersonate-User-Phone", phone),
    ):
        r = api.as_session(secret).with_headers({header: value}).get("/account")
        assert r.status == 200
        assert r["$id"] == actor["$id"]
        assert "impersonatorUserId" in r.body
        assert r["impersonatorUserId"] is None
