"""Figure "Faults", HTTP functions: every API route `articles` and `accounts` call, made to
fail (503) for as long as they keep calling it, through the real function URLs. Each must
answer 503 `upstream_unavailable` — reads and idempotent writes after retrying, creates
at once (a retried create could create twice). Then the other kinds of fault on one route:
persistent 429/500/dropped connections also end in 503; transient ones are retried away."""

from __future__ import annotations

import uuid

import pytest
from appwrite.services.teams import Teams

from tests.reliability.faults_support import (
    DB_PATH,
    UNAVAILABLE,
    Case,
    answer,
    fault_project,
    report,
)

ARTICLES = f"{DB_PATH}/articles/rows"


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    yield from fault_project(tmp_path_factory)


@pytest.fixture(scope="module")
def people(project):
    tag = uuid.uuid4().hex[:8]
    author = project.create_user(f"author-{tag}@example.com", name="Author")
    admin = project.create_user(f"admin-{tag}@example.com", name="Admin", labels=["admin"])
    team = Teams(project.admin_client()).create(f"desk{tag}", "Desk")
    Teams(project.admin_client()).create_membership(team["$id"], ["editor"], user_id=author["$id"])
    project.wait_for_executions()
    people = {"author": author, "admin": admin, "team": team["$id"]}
    people["draft"] = draft(project, author["$id"])  # read (never changed) by the READ cases
    return people


@pytest.fixture(autouse=True)
def no_faults_left(project):
    yield
    project.clear_faults()
    project.wait_for_executions()


def draft(project, author) -> str:
    response = project.invoke_http(
        "articles",
        "/articles",
        method="POST",
        json={"title": "Draft", "body": "a few words"},
        user=author,
    )
    assert response.status_code == 201, response.text
    project.wait_for_executions()
    return response.json()["$id"]


def victim(project) -> str:
    user = project.create_user(f"victim-{uuid.uuid4().hex[:8]}@example.com")
    project.wait_for_executions()
    return user["$id"]


def run(project, people, operation):
    """Set up what the operation needs (before any fault), and return the call to make."""
    author, admin = people["author"]["$id"], people["admin"]["$id"]
    if operation == "create article":
        return lambda: project.invoke_http(
            "articles", "/articles", method="POST", json={"title": "T", "body": "b"}, user=author
        )
    if operation == "create team article":
        body = {"title": "T", "body": "b", "teamId": people["team"]}
        return lambda: project.invoke_http(
            "articles", "/articles", method="POST", json=body, user=author
        )
    if operation == "list my articles":
        return lambda: project.invoke_http("articles", "/articles", user=author)
    if operation == "read the draft":
        return lambda: project.invoke_http("articles", f"/articles/{people['draft']}", user=author)
    if operation in ("get article", "update article", "delete article"):
        article_id = draft(project, author)
        method, body = {
            "get article": ("GET", None),
            "update article": ("PATCH", {"title": "Changed"}),
            "delete article": ("DELETE", None),
        }[operation]
        return lambda: project.invoke_http(
            "articles", f"/articles/{article_id}", method=method, json=body, user=author
        )
    if operation == "sign up":
        email = f"signup-{uuid.uuid4().hex[:8]}@example.com"
        body = {"email": email, "password": "password-123", "name": "New"}
        return lambda: project.invoke_http("accounts", "/signup", method="POST", json=body)
    if operation == "list users":
        return lambda: project.invoke_http("accounts", "/users", user=admin)
    if operation == "get user":
        return lambda: project.invoke_http("accounts", f"/users/{author}", user=admin)
    if operation == "block user":
        target = victim(project)
        return lambda: project.invoke_http(
            "accounts",
            f"/users/{target}/status",
            method="PATCH",
            json={"active": False},
            user=admin,
        )
    if operation == "delete user":
        target = victim(project)
        return lambda: project.invoke_http(
            "accounts", f"/users/{target}", method="DELETE", user=admin
        )
    raise AssertionError(operation)


CASES = [
    Case("articles", "create article", "GET", "/v1/account", dynamic_only=False),
    Case("articles", "create team article", "GET", "/v1/teams/*/memberships"),
    # a signed-in caller's list is made with their JWT (the rows' read permissions apply)
    Case("articles", "list my articles", "GET", ARTICLES, dynamic_only=False),
    Case("articles", "get article", "GET", f"{ARTICLES}/*"),
    Case("articles", "create article", "POST", ARTICLES),
    Case("articles", "update article", "PATCH", f"{ARTICLES}/*"),
    Case("articles", "delete article", "DELETE", f"{ARTICLES}/*"),
    Case("accounts", "sign up", "POST", "/v1/users"),
    Case("accounts", "sign up", "PUT", f"{DB_PATH}/profiles/rows/*"),
    Case("accounts", "list users", "GET", "/v1/users"),
    Case("accounts", "get user", "GET", "/v1/users/*"),
    Case("accounts", "block user", "PATCH", "/v1/users/*/status"),
    Case("accounts", "delete user", "DELETE", ARTICLES),
    Case("accounts", "delete user", "DELETE", f"{DB_PATH}/profiles/rows/*"),
    Case("accounts", "delete user", "DELETE", "/v1/users/*"),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_a_route_that_keeps_failing_ends_in_503(project, people, case):
    call = run(project, people, case.operation)
    project.inject_fault(
        case.method, case.path, "503", times=None, dynamic_keys_only=case.dynamic_only
    )
    status, body = answer(call())
    attempts = project.faults()["faults"][0]["matched"]
    report(case, status, attempts)
    assert attempts >= 1, "the function did not call this route"
    assert (status, body) == (503, {"error": UNAVAILABLE})


READ = Case("articles", "read the draft", "GET", f"{ARTICLES}/*")


@pytest.mark.parametrize("fault", ["429", "500", "drop"])
def test_other_faults_that_persist_also_end_in_503_after_retries(project, people, fault):
    call = run(project, people, READ.operation)
    project.inject_fault(READ.method, READ.path, fault, times=None, dynamic_keys_only=True)
    status, body = answer(call())
    attempts = project.faults()["faults"][0]["matched"]
    report(READ, status, attempts, fault)
    assert (status, body) == (503, {"error": UNAVAILABLE})
    assert attempts > 1  # a read is retried


@pytest.mark.parametrize(
    ("fault", "times", "delay"),
    [("503", 1, 0), ("429", 2, 0), ("500", 1, 0), ("drop", 1, 0), ("delay", 1, 0.5)],
)
def test_a_transient_fault_is_retried_away(project, people, fault, times, delay):
    call = run(project, people, READ.operation)
    project.inject_fault(
        READ.method, READ.path, fault, times=times, delay=delay, dynamic_keys_only=True
    )
    status, body = answer(call())
    assert status == 200, body
    assert body["title"] == "Draft"
    assert project.faults()["faults"][0]["matched"] == times
