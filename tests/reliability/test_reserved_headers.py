"""Issue 9 item 7: only the emulator speaks to a worker in `x-open-runtimes-*` (its secret,
timeout, logging, log id and the emulator's clock), and only Appwrite sets `x-appwrite-*`.
A caller's copies never reach the function — through its URL or through the `headers` of
a REST execution. The clock-sensitive check runs the real `articles` function: scheduling
an article in the past must fail even when the caller claims it is the year 2000."""

from __future__ import annotations

import datetime as dt
import json
import pathlib

import pytest
from appwrite.exception import AppwriteException
from appwrite.services.functions import Functions

from emulator.services.executions.model import Invocation, Trigger
from emulator.testclient import AppwriteTestClient

LAB = pathlib.Path(__file__).resolve().parents[1] / "triggers" / "lab" / "appwrite.json"
PAST = "2001-01-01T00:00:00.000+00:00"
FORGED_NOW = "2000-01-01T00:00:00+00:00"
SCHEDULE_IN_THE_PAST = json.dumps({"title": "Back to the future", "body": "b", "publishAt": PAST})
CLOCK_HEADERS = [
    "x-open-runtimes-emulator-now",
    "X-Open-Runtimes-Emulator-Now",
]


@pytest.fixture(scope="module")
def writer(appwrite, unique_email):
    user = appwrite.create_user(unique_email("clock-writer"), name="Writer")
    appwrite.wait_for_executions()
    return user


def seen_now(answer: dict) -> dt.datetime:
    """The function's "now", from its 400: `'<publishAt>' is not after <now>`."""
    message = answer["error"]["details"][0]["message"]
    return dt.datetime.fromisoformat(message.rsplit(" is not after ", 1)[1])


def assert_real_clock(status: int, answer: dict) -> None:
    assert status == 400, answer
    assert answer["error"]["message"] == "publishAt must be in the future."
    assert abs(seen_now(answer) - dt.datetime.now(dt.UTC)) < dt.timedelta(hours=1)


@pytest.mark.parametrize("header", CLOCK_HEADERS)
def test_a_caller_cannot_move_the_clock_through_the_function_url(appwrite, writer, header):
    response = appwrite.invoke_http(
        "articles",
        "/articles",
        method="POST",
        body=SCHEDULE_IN_THE_PAST,
        headers={"content-type": "application/json", header: FORGED_NOW},
        user=writer,
    )
    assert_real_clock(response.status_code, response.json())


@pytest.mark.parametrize("header", CLOCK_HEADERS)
def test_a_caller_cannot_move_the_clock_through_execution_headers(appwrite, writer, header):
    execution = Functions(appwrite.as_user(writer)).create_execution(
        "articles",
        body=SCHEDULE_IN_THE_PAST,
        path="/articles",
        method="POST",
        headers={"content-type": "application/json", header: FORGED_NOW},
    )
    assert_real_clock(execution["responseStatusCode"], json.loads(execution["responseBody"]))


def test_the_emulator_itself_can_move_the_clock(appwrite, writer):
    """The control: the same request run by the emulator at a moment of its clock (as cron
    runs on `tick --at`) sees that moment, so the tests above can fail."""
    execution = appwrite.stack.executions.runner.execute(
        Invocation(
            "articles",
            Trigger.HTTP,
            method="POST",
            path="/articles",
            headers={
                "content-type": "application/json",
                "authorization": f"Bearer {appwrite.jwt_for(writer)}",
            },
            body=SCHEDULE_IN_THE_PAST,
            at=dt.datetime.fromisoformat(FORGED_NOW),
        )
    )
    assert execution.response_status_code == 201, execution.response_body
    assert json.loads(execution.response_body)["status"] == "scheduled"


# -- every reserved header family, on the lab's echo function (it answers its headers) ---------

FORGED = {
    "x-open-runtimes-secret": "forged-secret",
    "x-open-runtimes-logging": "disabled",
    "x-open-runtimes-log-id": "forged-log",
    "x-open-runtimes-timeout": "1",
    "x-open-runtimes-emulator-now": FORGED_NOW,
    "x-appwrite-trigger": "event",
    "x-appwrite-event": "users.forged.create",
    "x-appwrite-key": "standard_forged",
    "x-appwrite-user-id": "forged-user",
    "x-appwrite-user-jwt": "forged.jwt.value",
    "x-appwrite-execution-id": "forged-execution",
    "x-appwrite-client-ip": "203.0.113.9",
    "x-appwrite-country-code": "XX",
}


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    with AppwriteTestClient.start(LAB, data_dir=tmp_path_factory.mktemp("headers")) as client:
        client.exempt_from_secret_scan(["echo"], "lab probe: it echoes the headers it is given")
        yield client


def assert_none_forged(headers: dict, execution: dict) -> None:
    assert not [k for k in headers if k.startswith("x-open-runtimes-")]
    assert "forged" not in json.dumps(headers)
    assert headers["x-appwrite-trigger"] == "http"
    assert headers["x-appwrite-key"].startswith("ephemeral_")
    assert headers["x-appwrite-user-id"] == "" and headers["x-appwrite-user-jwt"] == ""
    assert headers["x-appwrite-execution-id"] == execution["$id"]
    assert headers["x-appwrite-country-code"] == ""
    # the worker ran with the executor's logging, log id and secret: its log line is there
    assert "echo" in execution["logs"]


def test_no_reserved_header_reaches_the_function_through_its_url(lab):
    response = lab.invoke_http("echo", "/", headers=FORGED)
    assert response.status_code == 200, response.text
    headers = response.json()["headers"]
    [execution] = [
        e for e in lab.executions("echo") if e["$id"] == response.headers["x-appwrite-execution-id"]
    ]
    assert_none_forged(headers, execution)
    assert headers["x-appwrite-client-ip"] == "127.0.0.1"
    assert "x-appwrite-event" not in headers


def test_no_reserved_runtime_header_reaches_the_function_through_an_execution(lab):
    runtime_headers = {k.title(): v for k, v in FORGED.items() if k.startswith("x-open-runtimes-")}
    execution = lab.execute("echo", "/", method="GET", headers=runtime_headers)
    assert execution["responseStatusCode"] == 200
    stored = next(e for e in lab.executions("echo") if e["$id"] == execution["$id"])
    assert_none_forged(json.loads(execution["responseBody"])["headers"], stored)


@pytest.mark.parametrize("name", [k for k in FORGED if k.startswith("x-appwrite-")])
def test_an_execution_may_not_set_appwrites_own_headers(lab, name):
    with pytest.raises(AppwriteException) as raised:
        lab.execute("echo", "/", headers={name: "forged"})
    assert (raised.value.code, raised.value.type) == (400, "general_argument_invalid")
    assert "not start with x-appwrite-" in raised.value.message
