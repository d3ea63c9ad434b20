"""The three ways functions run — HTTP executions, event triggers, cron — end to end:
the real SDK over HTTP, the emulator, real worker processes (reference
appwrite-runtime.md §3–§6). The functions live in tests/triggers/lab/."""

import datetime as dt
import json
import pathlib

import pytest
from appwrite.exception import AppwriteException
from appwrite.query import Query
from appwrite.services.account import Account
from appwrite.services.functions import Functions
from appwrite.services.tables_db import TablesDB
from appwrite.services.teams import Teams
from appwrite.services.users import Users

from emulator.stack import Stack
from emulator.testclient import AppwriteTestClient

LAB = pathlib.Path(__file__).parent / "lab" / "appwrite.json"
UTC = dt.UTC


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    stack = Stack.start(
        LAB, data_dir=tmp_path_factory.mktemp("lab"), realtime_cron=False, loop_limit=3
    )
    client = AppwriteTestClient(stack)
    client.exempt_from_secret_scan(
        ["echo", "members-only"], "lab probes: they echo the headers Appwrite hands a function"
    )
    yield client
    stack.close()


@pytest.fixture(scope="module")
def member(lab):
    return lab.create_user("member@lab.test", "member-password", "Member")


def body(execution):
    return json.loads(execution["responseBody"])


# -- HTTP executions over REST --------------------------------------------------------------------


def test_sync_rest_execution_is_201_completed_with_appwrite_headers(lab):
    execution = lab.execute(
        "echo", "/items?a=1", method="PUT", body="hello", headers={"x-custom": "v"}
    )
    assert execution["status"] == "completed"
    assert execution["trigger"] == "http"
    assert execution["responseStatusCode"] == 200
    seen = body(execution)
    assert (seen["method"], seen["path"], seen["query"], seen["body"]) == (
        "PUT",
        "/items",
        {"a": "1"},
        "hello",
    )
    headers = seen["headers"]
    assert headers["x-appwrite-trigger"] == "http"
    assert "x-appwrite-event" not in headers  # absent for sync REST executions
    assert headers["x-appwrite-execution-id"] == execution["$id"]
    assert headers["x-appwrite-key"].startswith("ephemeral_")
    assert headers["x-appwrite-user-id"] == "" and headers["x-appwrite-user-jwt"] == ""
    assert headers["x-custom"] == "v"
    # curl's default content type for a body without one
    assert headers["content-type"] == "application/x-www-form-urlencoded"
    assert "echo PUT /items" in execution["logs"]  # logs are shown to key callers


def test_executions_are_stored_listed_and_fetched_through_the_sdk(lab):
    created = lab.execute("echo", "/stored", method="GET")
    functions = Functions(lab.admin_client())
    fetched = functions.get_execution("echo", created["$id"])
    assert fetched["responseBody"] == created["responseBody"]
    assert fetched["requestPath"] == "/stored"
    listed = functions.list_executions("echo", queries=[Query.equal("requestMethod", ["GET"])])
    assert created["$id"] in [e["$id"] for e in listed["executions"]]
    assert all(e["requestMethod"] == "GET" for e in listed["executions"])


def test_async_execution_is_202_waiting_then_completes(lab):
    execution = lab.execute("echo", "/later", asynchronous=True)
    assert execution["status"] == "waiting"
    assert execution["responseBody"] == ""
    lab.wait_for_executions()
    done = Functions(lab.admin_client()).get_execution("echo", execution["$id"])
    assert done["status"] == "completed"
    assert body(done)["headers"]["x-appwrite-event"] == ""  # empty, not absent, for async


def test_a_signed_in_caller_gets_user_id_and_a_working_jwt_but_no_logs(lab, member):
    execution = lab.execute("echo", "/me", user=member)
    headers = body(execution)["headers"]
    assert headers["x-appwrite-user-id"] == member["$id"]
    jwt_client = lab.guest_client().set_jwt(headers["x-appwrite-user-jwt"])
    assert Account(jwt_client).get()["$id"] == member["$id"]
    assert execution["logs"] == "" and execution["errors"] == ""


def test_execute_roles_are_enforced_for_users_and_guests(lab, member):
    assert lab.execute("members-only", "/", user=member)["status"] == "completed"
    with pytest.raises(AppwriteException) as error:
        Functions(lab.guest_client()).create_execution("members-only")
    assert (error.value.code, error.value.type) == (401, "user_unauthorized")


def test_a_function_answering_500_is_a_failed_execution(lab):
    execution = lab.execute("echo", "/status?code=503", method="GET")
    assert execution["responseStatusCode"] == 503
    assert execution["status"] == "failed"
    assert lab.execute("echo", "/status?code=404", method="GET")["status"] == "completed"


def test_a_sync_execution_over_the_cap_is_408_and_stored_as_failed(lab):
    lab.stack.executions.runner.sync_limit = (
        1  # Appwrite's cap is 30 s; the same code path, shorter
    )
    try:
        with pytest.raises(AppwriteException) as error:
            lab.execute("echo", "/sleep?s=2", method="GET")
    finally:
        lab.stack.executions.runner.sync_limit = 30
    assert (error.value.code, error.value.type) == (408, "function_synchronous_timeout")
    lab.wait_for_executions()
    slept = [e for e in lab.executions("echo") if e["requestPath"] == "/sleep?s=2"]
    assert slept[-1]["status"] == "failed" and slept[-1]["responseBody"] == "slept"


def test_missing_scope_fails_inside_the_function_as_on_appwrite(lab):
    seen = body(lab.execute("echo", "/write", method="POST"))
    assert seen["code"] == 401 and seen["type"] == "general_unauthorized_scope"


@pytest.mark.parametrize(
    "kwargs, type_",
    [
        ({"method": "FETCH"}, "general_argument_invalid"),
        ({"headers": {"x-appwrite-user-id": "forged"}}, "general_argument_invalid"),
        ({"headers": {"bad key!": "x"}}, "general_argument_invalid"),
    ],
)
def test_bad_execution_parameters_are_400(lab, kwargs, type_):
    with pytest.raises(AppwriteException) as error:
        Functions(lab.admin_client()).create_execution("echo", **kwargs)
    assert (error.value.code, error.value.type) == (400, type_)


def test_a_scheduled_execution_waits_for_its_time(lab):
    functions = Functions(lab.admin_client())
    when = (dt.datetime.now(UTC) + dt.timedelta(days=2)).replace(second=0, microsecond=0, minute=7)
    held = functions.create_execution(
        "echo", path="/later-on", method="GET", xasync=True, scheduled_at=when.isoformat()
    )
    assert (held["status"], held["trigger"]) == ("scheduled", "schedule")
    assert held["scheduledAt"].startswith(when.strftime("%Y-%m-%dT%H:%M"))
    assert all(e["$id"] != held["$id"] for e in lab.tick(when - dt.timedelta(minutes=1)))
    assert functions.get_execution("echo", held["$id"])["status"] == "scheduled"
    ran = {e["$id"]: e for e in lab.tick(when)}
    assert ran[held["$id"]]["status"] == "completed"
    seen = body(ran[held["$id"]])
    assert (seen["path"], seen["headers"]["x-appwrite-trigger"]) == ("/later-on", "schedule")


@pytest.mark.parametrize(
    "kwargs, code, type_",
    [
        ({"xasync": False, "scheduled_at": "2099-01-01T00:00:00Z"}, 400, "general_bad_request"),
        ({"xasync": True, "scheduled_at": "2001-01-01T00:00:00Z"}, 400, "general_argument_invalid"),
        ({"xasync": True, "scheduled_at": "tomorrow"}, 400, "general_argument_invalid"),
    ],
)
def test_scheduled_at_is_validated(lab, kwargs, code, type_):
    with pytest.raises(AppwriteException) as error:
        Functions(lab.admin_client()).create_execution("echo", **kwargs)
    assert (error.value.code, error.value.type) == (code, type_)


def test_unknown_function_is_404(lab):
    with pytest.raises(AppwriteException) as error:
        Functions(lab.admin_client()).create_execution("nope")
    assert (error.value.code, error.value.type) == (404, "function_not_found")


# -- the function's own URL ------------------------------------------------------------------------


def test_function_url_passes_the_raw_request_and_response(lab):
    response = lab.invoke_http(
        "echo",
        "/raw/path?x=1&x=2",
        method="POST",
        body=b"raw body",
        headers={"content-type": "text/plain", "X-Appwrite-User-Id": "forged"},
    )
    assert response.status_code == 200
    assert response.headers["x-echo"] == "1"
    assert response.headers["x-appwrite-execution-id"]
    seen = response.json()
    assert (seen["path"], seen["query"], seen["body"]) == ("/raw/path", {"x": "2"}, "raw body")
    assert seen["headers"]["x-appwrite-user-id"] == ""  # never the caller's claim
    assert seen["headers"]["content-type"] == "text/plain"


def test_function_url_replaces_an_empty_error_body_with_an_html_page(lab):
    response = lab.invoke_http("echo", "/status?code=404")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")


def test_a_function_without_any_or_guests_answers_its_url_with_401(lab):
    # every function has a URL (its Appwrite domain); guests may not execute this one
    before = len(lab.executions("members-only"))
    response = lab.invoke_http("members-only", "/")
    assert response.status_code == 401
    assert "function_execute_permission_missing" in response.text
    # the router's error page comes from Appwrite's error handler: never cached
    assert response.headers["cache-control"] == "no-cache, no-store, must-revalidate"
    assert (response.headers["expires"], response.headers["pragma"]) == ("0", "no-cache")
    assert len(lab.executions("members-only")) == before  # refused before any execution
    with pytest.raises(LookupError):
        lab.invoke_http("no-such-function", "/")


# -- events ----------------------------------------------------------------------------------------


def test_row_creation_triggers_the_subscribed_function_once_with_the_row(lab):
    row, executions = lab.emit_row_created("notes", {"text": "hello"}, database_id="lab")
    by_function = {e["functionId"]: e for e in executions}
    assert sorted(by_function) == ["on-note", "recorder"]
    on_note = by_function["on-note"]
    assert on_note["trigger"] == "event" and on_note["status"] == "completed", on_note["errors"]
    assert body(on_note) == {"marked": row["$id"], "table": "notes", "database": "lab"}
    mark = TablesDB(lab.admin_client()).get_row("lab", "marks", row["$id"])
    assert mark["event"] == f"databases.lab.collections.notes.documents.{row['$id']}.create"
    recorded = body(by_function["recorder"])
    assert recorded["contentType"] == "application/json"
    assert recorded["userAgent"].startswith("Appwrite/")
    assert recorded["jwt"] == ""
    assert recorded["body"]["$sequence"] == row["$sequence"] and isinstance(
        recorded["body"]["$sequence"], str
    )


def _recorded_events(lab, action):
    with lab.caused_executions() as executions:
        action()
    return [body(e)["event"] for e in executions if e["functionId"] == "recorder"]


def test_event_names_of_every_write_kind(lab):
    tables = TablesDB(lab.admin_client())
    users = Users(lab.admin_client())
    teams = Teams(lab.admin_client())
    note = tables.create_row("lab", "notes", "n-events", {"text": "a", "count": 1})
    lab.wait_for_executions()
    expected = [
        (
            lambda: tables.update_row("lab", "notes", "n-events", {"text": "b"}),
            ["databases.lab.tables.notes.rows.n-events.update"],
        ),
        (
            lambda: tables.upsert_row("lab", "notes", "n-events", {"text": "c"}),
            ["databases.lab.tables.notes.rows.n-events.upsert"],
        ),
        (
            lambda: tables.increment_row_column("lab", "notes", "n-events", "count", 1),
            ["databases.lab.tables.notes.rows.n-events.update"],
        ),
        (
            lambda: tables.create_rows(
                "lab", "notes", [{"$id": "bulk-1", "text": "x"}, {"$id": "bulk-2", "text": "y"}]
            ),
            [
                "databases.lab.collections.notes.documents.bulk-1.create",
                "databases.lab.collections.notes.documents.bulk-2.create",
            ],
        ),
        (
            lambda: tables.delete_row("lab", "notes", "n-events"),
            ["databases.lab.tables.notes.rows.n-events.delete"],
        ),
        (
            lambda: users.create("u-events", email="events@lab.test", password="password-123"),
            ["users.u-events.create"],
        ),
        (lambda: users.update_name("u-events", "Renamed"), ["users.u-events.update"]),
        (lambda: teams.create("t-events", "Team"), ["teams.t-events.create"]),
        (lambda: users.delete("u-events"), ["users.u-events.delete"]),
    ]
    assert note["$id"] == "n-events"
    for action, names in expected:
        assert sorted(_recorded_events(lab, action)) == sorted(names)


def test_the_loop_detector_stops_a_function_that_retriggers_itself(lab):
    with lab.caused_executions() as executions:
        TablesDB(lab.admin_client()).create_row("lab", "loops", "loop-1", {"count": 0})
        TablesDB(lab.admin_client()).update_row("lab", "loops", "loop-1", {"count": 1})
    loopers = [e for e in executions if e["functionId"] == "looper"]
    assert len(loopers) == 4  # the first run plus three re-entries: then stopped
    stopped = loopers[-1]
    assert stopped["status"] == "failed"
    assert "Event loop stopped: function looper" in stopped["errors"]
    assert "databases.lab.tables.loops.rows.loop-1.update" in stopped["errors"]
    assert all(e["status"] == "completed" for e in loopers[:-1])
    assert TablesDB(lab.admin_client()).get_row("lab", "loops", "loop-1")["count"] == 4


# -- cron ------------------------------------------------------------------------------------------


def test_a_simulated_day_runs_every_five_minutes_288_times_and_nightly_once(lab):
    start = dt.datetime(2026, 5, 1, tzinfo=UTC)
    lab.set_clock(start)
    executions = lab.advance_clock(start + dt.timedelta(days=1))
    by_function = {}
    for e in executions:
        by_function.setdefault(e["functionId"], []).append(e)
    assert len(by_function["every-five"]) == 288
    assert len(by_function["nightly"]) == 1
    first = body(by_function["every-five"][0])
    assert (first["method"], first["body"], first["event"]) == ("POST", "", "")
    assert all(e["trigger"] == "schedule" and e["status"] == "completed" for e in executions)


def test_a_scheduled_run_uses_the_given_time_as_now_and_stamps_rows_with_it(lab):
    at = dt.datetime(2027, 1, 2, 3, 0, tzinfo=UTC)
    execution = lab.run_schedule("nightly", at=at)
    seen = body(execution)
    assert dt.datetime.fromisoformat(seen["seen"]) - at < dt.timedelta(seconds=5)
    assert seen["createdAt"].startswith("2027-01-02T03:00:0")
    row = TablesDB(lab.admin_client()).get_row("lab", "ticks", seen["row"])
    assert row["$createdAt"].startswith("2027-01-02T03:00:0")
