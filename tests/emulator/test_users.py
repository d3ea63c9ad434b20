"""Users API through the real SDK: models, queries, updates, sessions, JWTs, errors."""

from __future__ import annotations

import re

import pytest
from appwrite.exception import AppwriteException
from appwrite.id import ID
from appwrite.query import Query
from appwrite.services.account import Account
from appwrite.services.users import Users

from tests.emulator.conftest import SDK_GET_BOOLEANS_WORK, as_dict

DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$")


@pytest.fixture
def users(admin_client) -> Users:
    return Users(admin_client)


def error_of(call) -> AppwriteException:
    with pytest.raises(AppwriteException) as info:
        call()
    return info.value


def test_create_returns_the_user_model(users):
    user = as_dict(
        users.create(
            user_id=ID.unique(), email="Mixed.Case@Example.com", password="password123", name="Ada"
        )
    )
    assert re.fullmatch(r"[0-9a-f]{20}", user["$id"])
    assert user["email"] == "mixed.case@example.com"
    assert user["name"] == "Ada" and user["phone"] == ""
    assert user["status"] is True and user["labels"] == [] and user["prefs"] == {}
    assert (
        user["emailVerification"] is False
        and user["phoneVerification"] is False
        and user["mfa"] is False
    )
    assert user["password"].startswith("$argon2id$") and user["hash"] == "argon2"
    assert user["hashOptions"]["type"] == "argon2"
    for field in ("$createdAt", "$updatedAt", "registration", "passwordUpdate"):
        assert DATETIME.match(user[field]), field
    assert user["accessedAt"] == ""
    [target] = user["targets"]
    assert target["providerType"] == "email" and target["identifier"] == "mixed.case@example.com"


def test_create_without_password_or_email(users):
    user = as_dict(users.create(user_id=ID.unique(), phone="+14155550101"))
    assert user["email"] == "" and user["phone"] == "+14155550101"
    assert user["password"] is None and user["passwordUpdate"] == ""
    assert [t["providerType"] for t in user["targets"]] == ["sms"]


def test_duplicate_id_or_email_is_409(users, make_user):
    existing, _ = make_user()
    for kwargs in (
        {"user_id": existing["$id"]},
        {"user_id": ID.unique(), "email": existing["email"].upper()},
    ):
        kwargs.setdefault("email", "fresh-" + ID.unique() + "@example.com")
        error = error_of(lambda kwargs=kwargs: users.create(password="password123", **kwargs))
        assert (error.code, error.type) == (409, "user_already_exists")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"user_id": "_bad"}, "Invalid `userId` param: Parameter must contain at most 36 chars."),
        ({"user_id": "x" * 37}, "Invalid `userId` param: Parameter must contain at most 36 chars."),
        ({"email": "not-an-email"}, "Invalid `email` param: Value must be a valid email address"),
        (
            {"password": "short"},
            "Invalid `password` param: Password must be between 8 and 256 characters long.",
        ),
        ({"phone": "0800"}, "Invalid `phone` param: Phone number must start with a '+'"),
    ],
)
def test_invalid_create_params_are_400(users, kwargs, message):
    args = {
        "user_id": ID.unique(),
        "email": f"{ID.unique()}@example.com",
        "password": "password123",
        **kwargs,
    }
    error = error_of(lambda: users.create(**args))
    assert (error.code, error.type) == (400, "general_argument_invalid")
    assert str(error.message).startswith(message)


def test_get_and_delete(users, make_user):
    user, _ = make_user()
    assert as_dict(users.get(user["$id"]))["email"] == user["email"]
    users.delete(user["$id"])
    error = error_of(lambda: users.get(user["$id"]))
    assert (error.code, error.type, error.message) == (
        404,
        "user_not_found",
        "User with the requested ID could not be found.",
    )
    assert error_of(lambda: users.delete(user["$id"])).type == "user_not_found"


def test_list_queries_search_and_paging(users, make_user):
    tag = ID.unique()[-8:]
    made = [
        make_user(name=f"{tag} {name}", email=f"{name}-{tag}@example.com")[0]
        for name in ("bob", "amy", "cy")
    ]
    listed = as_dict(users.list(queries=[Query.equal("email", f"amy-{tag}@example.com")]))
    assert listed["total"] == 1 and listed["users"][0]["$id"] == made[1]["$id"]

    found = as_dict(users.list(search=tag))
    assert found["total"] == 3
    ordered = as_dict(
        users.list(queries=[Query.starts_with("name", tag), Query.order_desc("name")])
    )
    assert [u["name"].split()[1] for u in ordered["users"]] == ["cy", "bob", "amy"]

    page = as_dict(
        users.list(queries=[Query.starts_with("name", tag), Query.limit(1), Query.offset(1)])
    )
    assert page["total"] == 3 and [u["$id"] for u in page["users"]] == [made[1]["$id"]]
    after = as_dict(
        users.list(queries=[Query.starts_with("name", tag), Query.cursor_after(made[0]["$id"])])
    )
    assert [u["$id"] for u in after["users"]] == [made[1]["$id"], made[2]["$id"]]
    if SDK_GET_BOOLEANS_WORK:
        assert (
            as_dict(users.list(queries=[Query.starts_with("name", tag)], total=False))["total"] == 0
        )
    else:  # 15.x sends total=False as "False", which Appwrite's Boolean validator rejects
        error = error_of(lambda: users.list(total=False))
        assert error.message == "Invalid `total` param: Value must be a valid boolean"


def test_list_rejects_unknown_attributes_and_cursors(users):
    error = error_of(lambda: users.list(queries=[Query.equal("password", "x")]))
    assert (error.code, error.type) == (400, "general_argument_invalid")
    assert (
        error.message
        == "Invalid `queries` param: Invalid query: Attribute not found in schema: password"
    )
    error = error_of(lambda: users.list(queries=[Query.cursor_after("missing-user")]))
    assert (error.code, error.type) == (400, "general_cursor_not_found")
    assert error.message == "User 'missing-user' for the 'cursor' value not found."
    error = error_of(lambda: users.list(queries=["{not json"]))
    assert error.type == "general_argument_invalid"


def test_updates(users, make_user):
    user, _ = make_user()
    uid = user["$id"]
    assert as_dict(users.update_name(uid, "Renamed"))["name"] == "Renamed"
    updated = as_dict(users.update_email(uid, "NEW-" + user["email"]))
    assert updated["email"] == "new-" + user["email"]
    assert [t["identifier"] for t in updated["targets"]] == [updated["email"]]
    assert as_dict(users.update_labels(uid, ["admin", "editor", "admin"]))["labels"] == [
        "admin",
        "editor",
    ]
    assert as_dict(users.update_email_verification(uid, True))["emailVerification"] is True
    assert as_dict(users.update_phone_verification(uid, True))["phoneVerification"] is True
    assert as_dict(users.update_status(uid, False))["status"] is False
    final = as_dict(users.get(uid))
    assert (
        final["name"] == "Renamed"
        and final["labels"] == ["admin", "editor"]
        and final["status"] is False
    )
    assert final["$updatedAt"] >= final["$createdAt"]


def test_taken_email_or_phone_on_update_is_409(users, make_user):
    user, _ = make_user()
    other, _ = make_user(phone="+14155550199")
    # Appwrite checks the messaging targets first: the other user's e-mail and phone are ones
    error = error_of(lambda: users.update_email(user["$id"], other["email"]))
    assert (error.code, error.type) == (409, "user_target_already_exists")
    error = error_of(lambda: users.update_phone(user["$id"], "+14155550199"))
    assert (error.code, error.type) == (409, "user_target_already_exists")
    assert as_dict(users.update_phone(user["$id"], "+14155550100"))["phone"] == "+14155550100"


def test_invalid_labels_are_400(users, make_user):
    user, _ = make_user()
    error = error_of(lambda: users.update_labels(user["$id"], ["not ok!"]))
    assert (error.code, error.type) == (400, "general_argument_invalid")


def test_password_update_changes_the_login(users, make_user, admin_client):
    user, old = make_user()
    users.update_password(user["$id"], "brand-new-password")
    account = Account(admin_client)
    assert (
        error_of(lambda: account.create_email_password_session(user["email"], old)).type
        == "user_invalid_credentials"
    )
    assert (
        as_dict(account.create_email_password_session(user["email"], "brand-new-password"))[
            "userId"
        ]
        == user["$id"]
    )


def test_prefs(users, make_user):
    user, _ = make_user()
    assert as_dict(users.get_prefs(user["$id"])) == {}
    prefs = {"theme": "dark", "nested": {"n": 1}}
    assert as_dict(users.update_prefs(user["$id"], prefs)) == prefs
    assert as_dict(users.get(user["$id"]))["prefs"] == prefs
    error = error_of(lambda: users.update_prefs(user["$id"], "not an object"))
    assert error.type == "general_argument_invalid"


def test_sessions_lifecycle(users, make_user, emulator):
    user, _ = make_user()
    session = as_dict(users.create_session(user["$id"]))
    assert session["userId"] == user["$id"] and session["secret"]
    client = emulator.client().set_session(session["secret"])
    assert as_dict(Account(client).get())["$id"] == user["$id"]
    listed = as_dict(users.list_sessions(user["$id"]))
    assert listed["total"] == 1 and listed["sessions"][0]["$id"] == session["$id"]
    assert listed["sessions"][0]["secret"] == ""
    users.delete_session(user["$id"], session["$id"])
    assert error_of(lambda: Account(client).get()).code == 401
    users.create_session(user["$id"])
    users.create_session(user["$id"])
    users.delete_sessions(user["$id"])
    assert as_dict(users.list_sessions(user["$id"]))["total"] == 0
    assert (
        error_of(lambda: users.delete_session(user["$id"], session["$id"])).type
        == "user_session_not_found"
    )


def test_create_jwt(users, make_user, emulator):
    user, _ = make_user()
    token = as_dict(users.create_jwt(user["$id"]))["jwt"]
    assert as_dict(Account(emulator.client().set_jwt(token)).get())["$id"] == user["$id"]
    # a session the user does not have: a JWT without a session, which works (as Appwrite)
    sessionless = as_dict(users.create_jwt(user["$id"], session_id="nosuchsession"))["jwt"]
    assert as_dict(Account(emulator.client().set_jwt(sessionless)).get())["$id"] == user["$id"]
    error = error_of(lambda: users.create_jwt(user["$id"], duration=4000))
    assert (error.code, error.type) == (400, "general_argument_invalid")


def test_jwt_of_a_deleted_session_is_a_guest(users, make_user, emulator):
    user, _ = make_user()
    session = as_dict(users.create_session(user["$id"]))
    token = as_dict(users.create_jwt(user["$id"], session_id=session["$id"]))["jwt"]
    client = emulator.client().set_jwt(token)
    assert as_dict(Account(client).get())["$id"] == user["$id"]
    users.delete_session(user["$id"], session["$id"])
    error = error_of(lambda: Account(client).get())
    assert (error.code, error.type) == (401, "general_unauthorized_scope")


def test_user_memberships(users, make_user, admin_client):
    from appwrite.services.teams import Teams

    user, _ = make_user()
    team = as_dict(Teams(admin_client).create(ID.unique(), "Desk"))
    Teams(admin_client).create_membership(team["$id"], ["editor"], user_id=user["$id"])
    listed = as_dict(users.list_memberships(user["$id"]))
    assert listed["total"] == 1
    assert listed["memberships"][0]["teamId"] == team["$id"] and listed["memberships"][0][
        "roles"
    ] == ["editor"]


def test_argon2_import_keeps_the_hash(users, make_user, admin_client):
    source, password = make_user()
    imported = as_dict(
        users.create_argon2_user(
            ID.unique(), f"imported-{ID.unique()}@example.com", source["password"]
        )
    )
    assert imported["password"] == source["password"]
    session = as_dict(
        Account(admin_client).create_email_password_session(imported["email"], password)
    )
    assert session["userId"] == imported["$id"]


def _imports():
    import hashlib

    import bcrypt
    from appwrite.enums.password_hash import PasswordHash

    scrypt = hashlib.scrypt(b"open-sesame", salt=b"pepper", n=16384, r=8, p=1, dklen=32).hex()
    return {
        "bcrypt": (
            "bcrypt",
            "open-sesame",
            lambda u, i, e: u.create_bcrypt_user(
                i, e, bcrypt.hashpw(b"open-sesame", bcrypt.gensalt(4)).decode()
            ),
        ),
        "md5": (
            "md5",
            "open-sesame",
            lambda u, i, e: u.create_md5_user(i, e, hashlib.md5(b"open-sesame").hexdigest()),
        ),
        "sha1": (
            "sha",
            "open-sesame",
            lambda u, i, e: u.create_sha_user(
                i, e, hashlib.sha1(b"open-sesame").hexdigest(), password_version=PasswordHash.SHA1
            ),
        ),
        "sha3-512 (default)": (
            "sha",
            "open-sesame",
            lambda u, i, e: u.create_sha_user(i, e, hashlib.sha3_512(b"open-sesame").hexdigest()),
        ),
        # the published phpass test vector: "$P$9IQRaTwmfeRo7ud9Fh4E2PdI0S3r.L0" is "test12345"
        "phpass": (
            "phpass",
            "test12345",
            lambda u, i, e: u.create_ph_pass_user(i, e, "$P$9IQRaTwmfeRo7ud9Fh4E2PdI0S3r.L0"),
        ),
        "scrypt": (
            "scrypt",
            "open-sesame",
            lambda u, i, e: u.create_scrypt_user(i, e, scrypt, "pepper", 16384, 8, 1, 32),
        ),
    }


@pytest.mark.parametrize("algorithm", list(_imports()))
def test_imported_hashes_sign_in_and_are_upgraded_to_argon2(users, admin_client, algorithm):
    hash_name, password, create = _imports()[algorithm]
    email = f"import-{ID.unique()}@example.com"
    user = as_dict(create(users, ID.unique(), email))
    assert user["hash"] == hash_name and user["hashOptions"]["type"] == hash_name
    # the options come back as given (Appwrite outputs the stored ones: a scrypt salt too)
    assert set(user["hashOptions"]) <= {
        "type",
        "costCpu",
        "costMemory",
        "costParallel",
        "length",
        "salt",
        "version",
    }
    account = Account(admin_client)
    assert (
        error_of(lambda: account.create_email_password_session(email, "wrong-password")).code == 401
    )
    assert as_dict(account.create_email_password_session(email, password))["userId"] == user["$id"]
    upgraded = as_dict(users.get(user["$id"]))
    assert upgraded["hash"] == "argon2" and upgraded["password"].startswith("$argon2id$")
    assert as_dict(account.create_email_password_session(email, password))["userId"] == user["$id"]


def test_registration_queries_take_any_iso_date(users, make_user):
    user, _ = make_user()
    later = as_dict(
        users.list(
            queries=[
                Query.greater_than_equal("registration", "2000-01-01T00:00:00Z"),
                Query.equal("$id", user["$id"]),
            ]
        )
    )
    assert later["total"] == 1
    error = error_of(lambda: users.list(queries=[Query.less_than("registration", "not a date")]))
    assert (error.code, error.type) == (400, "general_argument_invalid")


def test_targets(users, make_user):
    user, _ = make_user()
    uid = user["$id"]
    target = as_dict(users.create_target(uid, "phone1", "sms", "+14155550111", name="Phone"))
    assert (target["$id"], target["providerType"], target["identifier"], target["name"]) == (
        "phone1",
        "sms",
        "+14155550111",
        "Phone",
    )
    assert as_dict(users.get_target(uid, "phone1"))["identifier"] == "+14155550111"
    assert (
        as_dict(users.update_target(uid, "phone1", identifier="+14155550112"))["identifier"]
        == "+14155550112"
    )
    assert {t["$id"] for t in as_dict(users.list_targets(uid))["targets"]} >= {"phone1"}
    error = error_of(lambda: users.create_target(uid, "phone1", "sms", "+14155550113"))
    assert (error.code, error.type) == (409, "user_target_already_exists")
    error = error_of(lambda: users.create_target(uid, "mail2", "email", "not-an-email"))
    assert (error.code, error.type) == (400, "general_argument_invalid")
    users.delete_target(uid, "phone1")
    error = error_of(lambda: users.get_target(uid, "phone1"))
    assert (error.code, error.type) == (404, "user_target_not_found")


def test_logs_and_identities_are_empty(users, make_user):
    user, _ = make_user()
    assert as_dict(users.list_identities()) == {"total": 0, "identities": []}
    if hasattr(users, "list_logs"):  # gone from SDK 27
        assert as_dict(users.list_logs(user["$id"])) == {"total": 0, "logs": []}
        assert error_of(lambda: users.list_logs("nobody-here")).type == "user_not_found"


@pytest.mark.skipif(
    not hasattr(Users, "update_impersonator"), reason="this SDK has no users.update_impersonator"
)
def test_impersonator_flag(users, make_user):
    user, _ = make_user()
    assert as_dict(users.update_impersonator(user["$id"], True))["impersonator"] is True


def test_only_the_newest_ten_sessions_survive(users, make_user, emulator):
    user, _ = make_user()
    sessions = [as_dict(users.create_session(user["$id"])) for _ in range(11)]
    listed = [s["$id"] for s in as_dict(users.list_sessions(user["$id"]))["sessions"]]
    assert listed == [s["$id"] for s in sessions[1:]]
    oldest = emulator.client().set_session(sessions[0]["secret"])
    assert error_of(lambda: Account(oldest).get()).code == 401
