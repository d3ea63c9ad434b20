"""Figure "Faults", event and cron functions: every API route `enrich-article`,
`provision-profile`, `publish-scheduled` and `nightly-maintenance` call, made to fail (503)
for as long as they keep calling it. The execution must end in 503 `upstream_unavailable`
(Appwrite records it `failed`; the next event delivery or cron run repairs)."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from appwrite.services.tables_db import TablesDB
from appwrite.services.users import Users

from emulator.testclient import AppwriteTestClient
from tests.reliability.faults_support import DB_PATH, UNAVAILABLE, Case, answer, report
from tests.reliability.support import MANIFEST

ARTICLES = f"{DB_PATH}/articles/rows"
LATER = dt.datetime.now(dt.UTC) + dt.timedelta(days=400)  # old enough to purge by then


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    with AppwriteTestClient.start(MANIFEST, data_dir=tmp_path_factory.mktemp("faults")) as client:
        yield client


@pytest.fixture(scope="module")
def author(project):
    user = project.create_user(f"author-{uuid.uuid4().hex[:8]}@example.com", name="Author")
    project.wait_for_executions()
    return user["$id"]


@pytest.fixture(autouse=True)
def no_faults_left(project):
    yield
    project.clear_faults()
    project.wait_for_executions()


def one(executions: list[dict], function_id: str) -> dict:
    [execution] = [e for e in executions if e["functionId"] == function_id]
    return execution


def run(project, author, case):
    """Set up (before any fault) and return the call that makes the function run."""
    tables = TablesDB(project.admin_client())
    function_id = case.function
    if case.operation == COUNT_AHEAD:  # enrichment then reads the profile instead of raising it
        tables.update_row("newsroom", "profiles", author, {"articleCount": 1_000_000})
    if function_id == "enrich-article":
        data = {"title": f"New {uuid.uuid4().hex[:6]}", "body": "one two three", "authorId": author}
        data["status"] = "draft"
        return lambda: one(project.emit_row_created("articles", data)[1], "enrich-article")

    if function_id == "provision-profile":

        def create_user():
            with project.caused_executions() as executions:
                Users(project.admin_client()).create(
                    "unique()", email=f"p-{uuid.uuid4().hex[:8]}@example.com"
                )
            return one(executions, "provision-profile")

        return create_user
    if function_id == "publish-scheduled":
        tables.create_row(
            "newsroom",
            "articles",
            "unique()",
            {
                "title": "Due",
                "body": "due now",
                "authorId": author,
                "status": "scheduled",
                "publishAt": "2020-01-01T00:00:00.000+00:00",
            },
        )
        project.wait_for_executions()
        return lambda: project.run_schedule("publish-scheduled")
    if function_id == "nightly-maintenance":
        # something to purge at LATER: an archived article, a user who never verified
        tables.create_row(
            "newsroom",
            "articles",
            "unique()",
            {
                "title": "Old",
                "body": "archived long ago",
                "authorId": author,
                "status": "archived",
                "archivedAt": "2020-01-01T00:00:00.000+00:00",
            },
        )
        project.create_user(f"unverified-{uuid.uuid4().hex[:8]}@example.com", verified=False)
        project.wait_for_executions()
        return lambda: project.run_schedule("nightly-maintenance", at=LATER)
    raise AssertionError(function_id)


COUNT_AHEAD = "row created, count ahead"
CASES = [
    Case("enrich-article", "row created (event)", "GET", f"{ARTICLES}/*"),
    Case("enrich-article", "row created (event)", "POST", f"{DB_PATH}/audit_log/rows"),
    Case("enrich-article", "row created (event)", "GET", f"{DB_PATH}/audit_log/rows"),
    Case("enrich-article", COUNT_AHEAD, "GET", f"{DB_PATH}/profiles/rows/*"),
    Case("enrich-article", "row created (event)", "PATCH", f"{DB_PATH}/profiles/rows"),
    Case("enrich-article", "row created (event)", "GET", ARTICLES),
    Case("enrich-article", "row created (event)", "PATCH", f"{ARTICLES}/*"),
    Case("provision-profile", "user created (event)", "POST", f"{DB_PATH}/profiles/rows"),
    Case("publish-scheduled", "cron run", "GET", ARTICLES),
    Case("nightly-maintenance", "cron run", "GET", ARTICLES),
    Case("nightly-maintenance", "cron run", "DELETE", ARTICLES),
    Case("nightly-maintenance", "cron run", "GET", "/v1/users"),
    Case("nightly-maintenance", "cron run", "DELETE", f"{DB_PATH}/profiles/rows/*"),
    Case("nightly-maintenance", "cron run", "DELETE", "/v1/users/*"),
    Case("nightly-maintenance", "cron run", "GET", f"{DB_PATH}/audit_log/rows"),
    Case("nightly-maintenance", "cron run", "POST", f"{DB_PATH}/audit_log/rows"),
    Case("nightly-maintenance", "cron run", "PUT", f"{DB_PATH}/daily_stats/rows/*"),
]
# publish-scheduled publishes article by article and, by design, goes on when one fails:
# the run answers 200 listing it under "failed" (and logs it) instead of 503.
PER_ARTICLE = pytest.mark.xfail(
    strict=True,
    reason="publish-scheduled answers 200 with the article under `failed` (one bad article "
    "must not hold back the others) instead of 503; the next run retries it",
)
CASES += [
    pytest.param(Case("publish-scheduled", "cron run", "GET", f"{ARTICLES}/*"), marks=PER_ARTICLE),
    pytest.param(
        Case("publish-scheduled", "cron run", "PATCH", f"{ARTICLES}/*"), marks=PER_ARTICLE
    ),
]


def _id(case) -> str:
    return case.id


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_a_route_that_keeps_failing_ends_in_503(project, author, case):
    call = run(project, author, case)
    project.inject_fault(case.method, case.path, "503", times=None, dynamic_keys_only=True)
    execution = call()
    attempts = project.faults()["faults"][0]["matched"]
    status, body = answer(execution)
    report(case, status, attempts)
    assert attempts >= 1, "the function did not call this route"
    assert (status, body) == (503, {"error": UNAVAILABLE})
    assert execution["status"] == "failed"
