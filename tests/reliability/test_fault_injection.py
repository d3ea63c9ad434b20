"""The emulator's fault injection itself (`POST /v1/emulator/faults`, emulator-only): who may
use it, and what each fault looks like to a client of the real SDK."""

from __future__ import annotations

import httpx
import pytest
from appwrite.exception import AppwriteException
from appwrite.services.users import Users


@pytest.fixture
def faults(appwrite):
    yield appwrite
    appwrite.clear_faults()


def control(appwrite, method, *, key=None, project=None, headers=None, **kwargs):
    headers = {"x-appwrite-project": project or appwrite.project_id, **(headers or {})}
    if key is not None:
        headers["x-appwrite-key"] = key
    return httpx.request(
        method, f"{appwrite.endpoint}/emulator/faults", headers=headers, timeout=30, **kwargs
    )


def test_only_the_admin_key_may_inject_faults(faults, unique_email):
    rule = {"method": "GET", "path": "/v1/users", "fault": "503"}
    guest = control(faults, "POST", json=rule)
    assert (guest.status_code, guest.json()["type"]) == (401, "general_unauthorized_scope")
    assert "admin API key" in guest.json()["message"]
    user = faults.create_user(unique_email("faults"))
    jwt = control(faults, "POST", json=rule, headers={"x-appwrite-jwt": faults.jwt_for(user)})
    assert jwt.status_code == 401
    wrong = control(faults, "GET", key="standard_" + "0" * 128)
    assert wrong.status_code == 401
    other_project = control(faults, "GET", key=faults.stack.api_key, project="someone-else")
    assert other_project.status_code == 404
    assert faults.faults()["faults"] == []  # nothing was added


@pytest.mark.parametrize(
    ("rule", "problem"),
    [
        ({"path": "/v1/users", "fault": "418"}, "`fault` must be one of"),
        ({"path": "v1/users", "fault": "503"}, "`path` must be a glob"),
        ({"path": "/v1/users", "fault": "503", "method": "BREW"}, "`method` must be one of"),
        ({"path": "/v1/users", "fault": "503", "times": 0}, "`times` must be"),
        ({"path": "/v1/users", "fault": "delay"}, "needs `delay` > 0"),
        ({"path": "/v1/users", "fault": "503", "delay": 600}, "`delay` must be"),
    ],
)
def test_a_bad_rule_is_refused_naming_the_problem(faults, rule, problem):
    response = control(faults, "POST", key=faults.stack.api_key, json=rule)
    assert response.status_code == 400
    assert response.json()["type"] == "general_argument_invalid"
    assert problem in response.json()["message"]


def test_faults_are_off_until_a_rule_is_added(faults):
    assert faults.faults()["faults"] == []
    Users(faults.admin_client()).list()  # answered normally


@pytest.mark.parametrize(
    ("fault", "code", "error_type"),
    [
        ("429", 429, "general_rate_limit_exceeded"),
        ("500", 500, "general_unknown"),
        ("503", 503, "general_server_error"),
    ],
)
def test_an_error_fault_answers_appwrites_error_for_the_next_n_calls(
    faults, fault, code, error_type
):
    users = Users(faults.admin_client())
    faults.inject_fault("GET", "/v1/users", fault, times=2)
    for _ in range(2):
        with pytest.raises(AppwriteException) as raised:
            users.list()
        assert (raised.value.code, raised.value.type) == (code, error_type)
        assert "injected by the emulator" in raised.value.message
    assert "users" in users.list()  # the third call is served
    assert faults.faults()["faults"][0]["matched"] == 2


def test_a_429_says_when_to_retry(faults):
    faults.inject_fault("GET", "/v1/users", "429", retry_after=7)
    response = httpx.get(
        f"{faults.endpoint}/users",
        headers={"x-appwrite-project": faults.project_id, "x-appwrite-key": faults.stack.api_key},
    )
    assert response.status_code == 429
    assert response.headers["retry-after"] == "7"
    assert response.headers["x-ratelimit-remaining"] == "0"


def test_a_dropped_connection_gets_no_answer_at_all(faults):
    faults.inject_fault("GET", "/v1/users", "drop")
    with pytest.raises(httpx.RemoteProtocolError):
        httpx.get(
            f"{faults.endpoint}/users",
            headers={
                "x-appwrite-project": faults.project_id,
                "x-appwrite-key": faults.stack.api_key,
            },
        )
    faults.inject_fault("GET", "/v1/users", "drop")
    with pytest.raises(AppwriteException) as raised:  # the SDK: a connection error, no code
        Users(faults.admin_client()).list()
    assert not raised.value.code
    assert isinstance(raised.value.message, OSError)


def test_a_delay_serves_the_request_afterwards(faults):
    faults.inject_fault("GET", "/v1/users", "delay", delay=0.2)
    assert "users" in Users(faults.admin_client()).list()
    assert faults.faults()["faults"][0]["matched"] == 1


def test_a_rule_matches_method_path_glob_and_kind_of_caller(faults):
    users = Users(faults.admin_client())
    rule = faults.inject_fault("GET", "/v1/users/*", "503", times=None, dynamic_keys_only=True)
    with pytest.raises(AppwriteException) as raised:
        users.get("no-such-user")  # the admin key is not a dynamic key: not faulted
    assert raised.value.code == 404
    faults.inject_fault("DELETE", "/v1/users/*", "503", times=None)
    users.list()  # neither method nor path matches
    snapshot = faults.faults()
    assert [f["matched"] for f in snapshot["faults"]] == [0, 0]
    assert snapshot["faults"][0]["$id"] == rule["$id"]
    mine = [(r["method"], r["path"]) for r in snapshot["requests"] if r["key"] == "admin"]
    assert mine[-2:] == [("GET", "/v1/users/no-such-user"), ("GET", "/v1/users")]


def test_rules_can_be_removed_one_by_one_or_all(faults):
    first = faults.inject_fault("GET", "/v1/users", "503", times=None)
    faults.inject_fault("GET", "/v1/teams", "503", times=None)
    key = faults.stack.api_key
    one = httpx.delete(
        f"{faults.endpoint}/emulator/faults/{first['$id']}",
        headers={"x-appwrite-project": faults.project_id, "x-appwrite-key": key},
    )
    assert one.status_code == 204
    assert [f["path"] for f in faults.faults()["faults"]] == ["/v1/teams"]
    faults.clear_faults()
    assert faults.faults()["faults"] == []


def test_a_lost_answer_is_a_dropped_connection_after_the_work_was_done(faults):
    """ "lost": the request is served (here a user is created), then the connection closes
    without the answer — the SDK sees the same connection error as with "drop"."""
    users = Users(faults.admin_client())
    faults.inject_fault("POST", "/v1/users", "lost")
    with pytest.raises(AppwriteException) as raised:
        users.create("lost-answer", email="lost-answer@example.com")
    assert not raised.value.code
    assert isinstance(raised.value.message, OSError)
    assert users.get("lost-answer")["email"] == "lost-answer@example.com"  # it was made
    faults.inject_fault("POST", "/v1/users", "drop")
    with pytest.raises(AppwriteException):
        users.create("dropped", email="dropped@example.com")
    with pytest.raises(AppwriteException) as missing:
        users.get("dropped")  # a dropped request never reached the API
    assert missing.value.code == 404
