"""The wire contract of §1 of the reference,
and every identity endpoint against the OpenAPI spec."""

from __future__ import annotations

import json
import logging

import httpx
import pytest
from appwrite.exception import AppwriteException
from appwrite.id import ID
from appwrite.services.users import Users
from starlette.routing import Route

from emulator.app import create_app
from emulator.core.state import EmulatorState
from emulator.http import params
from emulator.server import start
from tests.emulator.conftest import SDK_VERSION, as_dict
from tests.emulator.spec import require_spec


def test_project_header_is_required(emulator, raw):
    for project in (None, "other-project"):
        answer = raw.request("GET", "/users", headers={"x-appwrite-project": project})
        assert answer.status_code == 404
        assert answer.json()["type"] == "project_not_found"
    with pytest.raises(AppwriteException) as info:
        Users(emulator.client().set_project("other").set_key(emulator.api_key)).list()
    assert (info.value.code, info.value.type) == (404, "project_not_found")


@pytest.mark.parametrize(
    ("method", "path"), [("GET", "/nowhere"), ("POST", "/users/u1"), ("PUT", "/account")]
)
def test_unknown_routes_and_methods(raw, method, path):
    answer = raw.request(method, path, json={} if method != "GET" else None, check_spec=False)
    assert answer.status_code == 404
    assert answer.headers["content-type"] == "application/json; charset=UTF-8"
    body = answer.json()
    assert body["type"] == "general_route_not_found" and body["code"] == 404 and body["version"]
    assert body["message"].startswith("Route not found.")


@pytest.mark.parametrize(
    "body", [b"{not json", b"[1, 2]", b'"text"', b"\xff\xfe", b'{"userId": NaN}']
)
def test_malformed_bodies_are_400(raw, body):
    answer = raw.request(
        "POST", "/users", content=body, headers={"content-type": "application/json"}
    )
    assert answer.status_code == 400
    assert answer.json()["type"] == "general_argument_invalid"


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({}, 'Param "userId" is not optional.'),
        ({"userId": None}, 'Param "userId" is not optional.'),
        ({"userId": 12}, "Invalid `userId` param: Parameter must contain at most 36 chars."),
        (
            {"userId": "unique()", "name": ["x"]},
            "Invalid `name` param: Value must be a valid string",
        ),
        (
            {"userId": "unique()", "email": 5},
            "Invalid `email` param: Value must be a valid email address",
        ),
    ],
)
def test_wrong_types_and_missing_params_are_400(raw, payload, message):
    answer = raw.request("POST", "/users", json=payload)
    assert answer.status_code == 400
    assert answer.json()["type"] == "general_argument_invalid"
    assert answer.json()["message"].startswith(message)


def test_unknown_params_are_ignored(raw):
    answer = raw.request("POST", "/users", json={"userId": "unique()", "surprise": {"x": 1}})
    assert answer.status_code == 201


def test_delete_answers_204_with_a_non_json_type(raw, admin_client):
    user_id = as_dict(Users(admin_client).create(ID.unique(), f"{ID.unique()}@example.com"))["$id"]
    answer = raw.request("DELETE", f"/users/{user_id}", json={})
    assert answer.status_code == 204 and answer.content == b""
    assert not answer.headers["content-type"].startswith("application/json")


def test_get_with_empty_content_type_and_php_style_params(raw):
    answer = raw.request(
        "GET",
        "/users",
        params={"queries[0]": '{"method":"limit","values":[1]}', "total": "false"},
        headers={"content-type": ""},
    )
    assert answer.status_code == 200
    assert answer.json()["total"] == 0 and len(answer.json()["users"]) <= 1
    assert "x-appwrite-warning" not in answer.headers


def assert_not_cached(answer):
    """The headers Appwrite's error handler puts on every error it answers."""
    assert answer.status_code >= 400
    assert answer.headers["cache-control"] == "no-cache, no-store, must-revalidate"
    assert answer.headers["expires"] == "0"
    assert answer.headers["pragma"] == "no-cache"


def test_unexpected_errors_are_generic_500s(caplog):
    state = EmulatorState.open(None, project_id="p1")
    app = create_app(state)

    async def broken(request):
        raise RuntimeError("internal detail that must not leak")

    app.router.routes[0].routes.append(Route("/broken", broken))
    running = start(state, app=app)
    try:
        with caplog.at_level(logging.ERROR, logger="emulator.api"):
            answer = httpx.get(f"{running.endpoint}/broken", headers={"x-appwrite-project": "p1"})
        assert answer.status_code == 500
        body = answer.json()
        # Appwrite wraps an exception that is not its own as general_unknown, and its 500s
        # say only "Server Error" (app/controllers/general.php, the error handler).
        assert body == {
            "message": "Server Error",
            "code": 500,
            "type": "general_unknown",
            "version": body["version"],
        }
        assert "internal detail" in caplog.text
        assert_not_cached(answer)
        missing = httpx.get(
            f"{running.endpoint}/users/nobody", headers={"x-appwrite-project": "p1"}
        )
        assert (missing.status_code, missing.json()["type"]) == (401, "general_unauthorized_scope")
        assert_not_cached(missing)
    finally:
        running.stop()


# ---------------------------------------------------------------- pure helpers


def test_php_style_query_strings_unflatten():
    parsed = params.parse_query_string(
        [
            ("queries[0]", "a"),
            ("queries[1]", "b"),
            ("a[b]", "c"),
            ("a[d][0]", "e"),
            ("plain", "1"),
            ("list[]", "x"),
            ("list[]", "y"),
        ]
    )
    assert parsed == {
        "queries": ["a", "b"],
        "a": {"b": "c", "d": ["e"]},
        "plain": "1",
        "list": ["x", "y"],
    }


def test_ids():
    generated = {params.unique_id() for _ in range(200)}
    assert len(generated) == 200
    assert all(len(i) == 20 and all(c in "0123456789abcdef" for c in i) for i in generated)
    assert params.custom_id("unique()") != "unique()"
    for good in ("a", "A.b-c_d", "x" * 36, "9lives"):
        assert params.custom_id(good) == good
    for bad in ("", "_a", ".a", "-a", "x" * 37, "a b", "a/b", "ü", 5, None):
        with pytest.raises(params.Invalid):
            params.custom_id(bad)


def test_loose_booleans():
    assert [params.boolean(v) for v in (True, "true", "1", 1, False, "false", "0", 0)] == [
        True
    ] * 4 + [False] * 4
    for bad in ("True", "yes", 2, None):
        with pytest.raises(params.Invalid):
            params.boolean(bad)


# ---------------------------------------------------------------- OpenAPI conformance


def test_identity_endpoints_match_the_openapi_spec(raw, emulator):
    """Every Users/Teams/Account answer used by the SDK, checked by `raw` against the spec."""
    require_spec()
    email, password = f"spec-{ID.unique()}@example.com", "password123"
    user = raw.request(
        "POST",
        "/users",
        json={"userId": "unique()", "email": email, "password": password, "name": "Spec"},
    ).json()
    uid = user["$id"]
    for method, path, body in [
        ("GET", "/users", None),
        ("GET", f"/users/{uid}", None),
        ("GET", f"/users/{uid}/prefs", None),
        ("PATCH", f"/users/{uid}/name", {"name": "Spec 2"}),
        # its own address again is a 409 (it is a messaging target already, as on Appwrite)
        ("PATCH", f"/users/{uid}/email", {"email": "moved-" + email}),
        ("PATCH", f"/users/{uid}/email", {"email": email}),
        ("PATCH", f"/users/{uid}/password", {"password": password}),
        ("PATCH", f"/users/{uid}/status", {"status": True}),
        ("PUT", f"/users/{uid}/labels", {"labels": ["spec"]}),
        ("PATCH", f"/users/{uid}/verification", {"emailVerification": False}),
        ("PATCH", f"/users/{uid}/verification/phone", {"phoneVerification": False}),
        ("PATCH", f"/users/{uid}/prefs", {"prefs": {"a": 1}}),
        ("POST", f"/users/{uid}/sessions", {}),
        ("GET", f"/users/{uid}/sessions", None),
        ("POST", f"/users/{uid}/jwts", {}),
        ("GET", f"/users/{uid}/memberships", None),
        ("GET", f"/users/{uid}/targets", None),
        ("POST", f"/users/{uid}/tokens", {}),
        ("GET", f"/users/{uid}/logs", None),
        ("GET", "/users/identities", None),
        (
            "POST",
            f"/users/{uid}/targets",
            {"targetId": "t1", "providerType": "email", "identifier": email},
        ),
        ("GET", f"/users/{uid}/targets/t1", None),
        ("PATCH", f"/users/{uid}/targets/t1", {"name": "Mail"}),
        ("DELETE", f"/users/{uid}/targets/t1", {}),
    ]:
        answer = raw.request(method, path, json=body)
        assert answer.status_code < 300, (method, path, answer.text)

    team = raw.request("POST", "/teams", json={"teamId": "unique()", "name": "Spec team"}).json()
    tid = team["$id"]
    membership = raw.request(
        "POST", f"/teams/{tid}/memberships", json={"roles": ["editor"], "userId": uid}
    ).json()
    mid = membership["$id"]
    for method, path, body in [
        ("GET", "/teams", None),
        ("GET", f"/teams/{tid}", None),
        ("PUT", f"/teams/{tid}", {"name": "Spec"}),
        ("GET", f"/teams/{tid}/prefs", None),
        ("PUT", f"/teams/{tid}/prefs", {"prefs": {"b": 2}}),
        ("GET", f"/teams/{tid}/memberships", None),
        ("GET", f"/teams/{tid}/memberships/{mid}", None),
        ("PATCH", f"/teams/{tid}/memberships/{mid}", {"roles": ["admin"]}),
        ("DELETE", f"/teams/{tid}/memberships/{mid}", {}),
        ("DELETE", f"/teams/{tid}", {}),
    ]:
        answer = raw.request(method, path, json=body)
        assert answer.status_code < 300, (method, path, answer.text)

    created = raw.request(
        "POST", "/account/sessions/email", json={"email": email, "password": password}
    )
    as_user = {"x-appwrite-key": None, "x-appwrite-session": created.json()["secret"]}
    for method, path, body in [
        ("GET", "/account", None),
        ("PATCH", "/account/name", {"name": "Me"}),
        ("GET", "/account/prefs", None),
        ("PATCH", "/account/email", {"email": "moved-" + email, "password": password}),
        ("GET", "/account/logs", None),
        ("GET", "/account/identities", None),
        ("PATCH", "/account/phone", {"phone": "+14155550123", "password": password}),
        ("POST", "/account/verifications/email", {"url": "http://localhost/verify"}),
        ("PATCH", "/account/prefs", {"prefs": {"c": 3}}),
        ("GET", "/account/sessions", None),
        ("GET", "/account/sessions/current", None),
        ("POST", "/account/jwts", {}),
        ("PATCH", "/account/password", {"password": password, "oldPassword": password}),
        ("DELETE", "/account/sessions/current", {}),
    ]:
        answer = raw.request(method, path, json=body, headers=as_user)
        assert answer.status_code < 300, (method, path, answer.text)
    guest = {"x-appwrite-key": None}
    assert (
        raw.request("POST", "/account/sessions/anonymous", json={}, headers=guest).status_code
        == 201
    )
    assert (
        raw.request(
            "POST",
            "/account",
            json={"userId": "unique()", "email": f"x{email}", "password": password},
            headers=guest,
        ).status_code
        == 201
    )
    assert (
        raw.request("GET", "/account", headers=guest).status_code == 401
    )  # error bodies are checked too
    assert raw.request("DELETE", f"/users/{uid}", json={}).status_code == 204


def test_form_encoded_bodies_are_read_like_query_strings(raw):
    answer = raw.request(
        "POST",
        "/teams",
        content=b"teamId=unique()&name=Form+team&roles[0]=owner",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert answer.status_code == 201 and answer.json()["name"] == "Form team"


HOSTILE_VALUES = [2**70, True, "x" * 5000, "\u0000", [1, {"a": []}]]
GET_PARAMS = ["queries", "search", "total"]
COMMON_PARAMS = [
    "queries",
    "search",
    "total",
    "name",
    "prefs",
    "userId",
    "email",
    "password",
    "roles",
]
PARAM_NAMES = {
    "users": COMMON_PARAMS
    + [
        "phone",
        "status",
        "labels",
        "emailVerification",
        "phoneVerification",
        "number",
        "mfa",
        "sessionId",
        "duration",
        "length",
        "expire",
        "passwordVersion",
        "passwordSalt",
        "passwordCpu",
    ],
    "teams": COMMON_PARAMS + ["teamId", "url", "membershipId", "phone"],
    "account": COMMON_PARAMS + ["oldPassword", "secret", "duration"],
    "account_tokens": COMMON_PARAMS + ["secret", "url", "phrase", "phone"],
}


@pytest.mark.skipif(
    SDK_VERSION >= (16, 0), reason="SDK-independent (raw HTTP): runs once, in the main venv"
)
def test_hostile_params_never_cause_a_500(raw, make_user):
    """Every identity route, every parameter, values of every wrong type:
    always a 4xx or a success."""
    from emulator.services.identity import routes_account as account
    from emulator.services.identity import routes_account_tokens as account_tokens
    from emulator.services.identity import routes_teams as teams
    from emulator.services.identity import routes_users as users

    user, password = make_user()
    team = raw.request("POST", "/teams", json={"teamId": "unique()", "name": "Hostile"}).json()
    member = raw.request(
        "POST", f"/teams/{team['$id']}/memberships", json={"roles": ["x"], "userId": user["$id"]}
    ).json()
    session = raw.request(
        "POST", "/account/sessions/email", json={"email": user["email"], "password": password}
    )
    as_user = {"x-appwrite-key": None, "x-appwrite-session": session.json()["secret"]}
    ids = {
        "userId": user["$id"],
        "teamId": team["$id"],
        "membershipId": member["$id"],
        "sessionId": "current",
        "targetId": user["targets"][0]["$id"],
    }
    failures = []
    for module in (users, teams, account, account_tokens):
        names = PARAM_NAMES[module.__name__.rsplit(".", 1)[1].removeprefix("routes_")]
        for route in module.routes():
            path = route.path.format(**ids)
            for method in route.methods - {"HEAD"}:
                if method == "DELETE":
                    continue  # deleting the fixtures would only test 404s from here on
                # every parameter at once with each hostile value, then each parameter alone as
                # an object
                per_route = GET_PARAMS if method == "GET" else names
                bodies = [dict.fromkeys(per_route, value) for value in HOSTILE_VALUES]
                bodies += [{name: {"$ne": 1}} for name in per_route]
                for body in bodies:
                    if method == "GET" and len(json.dumps(body)) > 8000:
                        continue  # URLs that long never reach Appwrite (proxies answer 414)
                    kwargs = (
                        {
                            "params": {
                                k: v if isinstance(v, str) else json.dumps(v)
                                for k, v in body.items()
                            }
                        }
                        if method == "GET"
                        else {"json": body}
                    )
                    headers = as_user if path.startswith("/account") else None
                    answer = raw.request(method, path, headers=headers, check_spec=False, **kwargs)
                    if answer.status_code >= 500:
                        failures.append((method, path, body, answer.text))
    assert failures == []


def test_restart_keeps_the_key_users_and_sessions(tmp_path):
    from appwrite.client import Client
    from appwrite.services.account import Account

    first = start(EmulatorState.open(tmp_path, "newsroom"))
    try:
        admin = (
            Client()
            .set_endpoint(first.endpoint)
            .set_project("newsroom")
            .set_key(first.state.admin_key)
        )
        user = Users(admin).create(ID.unique(), "restart@example.com", password="password123")
        session = Account(admin).create_email_password_session("restart@example.com", "password123")
    finally:
        first.stop()
    user_id, secret = as_dict(user)["$id"], as_dict(session)["secret"]
    second = start(EmulatorState.open(tmp_path, "newsroom"))
    try:
        assert second.state.admin_key == first.state.admin_key
        client = Client().set_endpoint(second.endpoint).set_project("newsroom")
        assert as_dict(Account(client.set_session(secret)).get())["$id"] == user_id
    finally:
        second.stop()
    assert (
        EmulatorState.open(None, "p").admin_key != EmulatorState.open(None, "p").admin_key
    )  # memory: random per process


@pytest.mark.parametrize("header", ["x-appwrite-key", "x-appwrite-jwt", "x-appwrite-session"])
def test_non_ascii_credentials_are_not_a_500(raw, header):
    answer = raw.request(
        "GET",
        "/account",
        headers={"x-appwrite-key": None, header: "cl\u00e9-\u00ff".encode("latin-1")},
        check_spec=False,
    )
    assert 400 <= answer.status_code < 500
