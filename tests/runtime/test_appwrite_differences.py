"""Where the emulator's runtime used to differ from Appwrite's (issue 10 item 3), each
checked against the real open-runtimes server and executor:

* the server passes `statusCode` through `int()` (aiohttp's `set_status`), lets a body of
  None be empty, and parses the port of `Host` with `int()` (open-runtimes server.py);
* the executor calls the runtime with curl: `Accept: */*`, `Authorization: Basic …` next
  to the caller's headers, and no body at all when it is "0" (open-runtimes/executor
  `Docker.php` and `app/controllers.php`).
"""

from __future__ import annotations

import base64
import itertools
import json
import textwrap

import pytest

from emulator.runtime import Deployment, Executor

_ids = itertools.count()

ECHO = """
def main(context):
    r = context.req
    return context.res.json({"body": r.body_text, "headers": r.headers,
                             "host": r.host, "port": r.port, "url": r.url})
"""


@pytest.fixture(scope="module")
def executor(tmp_path_factory):
    with Executor(workdir=tmp_path_factory.mktemp("workers")) as running:
        yield running


@pytest.fixture
def deploy(tmp_path):
    def make(source: str) -> Deployment:
        root = tmp_path / f"deployment{next(_ids)}"
        (root / "src").mkdir(parents=True)
        (root / "src" / "main.py").write_text(textwrap.dedent(source))
        return Deployment(f"fn{next(_ids)}", root=root, entrypoint="src/main.py")

    return make


def returning(value: str) -> str:
    return f"def main(context):\n    return {value}\n"


@pytest.mark.parametrize(
    "status, expected", [('"201"', 201), ("202.7", 202), ('" 404 "', 404), ("418", 418)]
)
def test_status_code_goes_through_int_as_in_aiohttp(executor, deploy, status, expected):
    result = executor.execute(deploy(returning(f'{{"body": "x", "statusCode": {status}}}')))
    assert (result.status_code, result.body) == (expected, b"x")


@pytest.mark.parametrize("status", ['"abc"', "None", '"20 1"'])
def test_a_status_code_int_refuses_is_500_with_the_error(executor, deploy, status):
    result = executor.execute(deploy(returning(f'{{"body": "x", "statusCode": {status}}}')))
    assert result.status_code == 500 and result.body == b""
    assert "Traceback" in result.errors and (
        "ValueError" in result.errors or "TypeError" in result.errors
    )


def test_a_body_of_none_is_200_with_an_empty_body(executor, deploy):
    result = executor.execute(deploy(returning('{"body": None}')))
    assert (result.status_code, result.body) == (200, b"")
    assert result.headers["content-type"] == "text/plain; charset=utf-8"
    assert result.errors == ""


def test_a_body_of_another_type_is_500(executor, deploy):
    result = executor.execute(deploy(returning('{"body": 5}')))
    assert result.status_code == 500
    assert "ValueError: Unsupported body type <class 'int'>" in result.errors


@pytest.mark.parametrize("host", ["example.com:abc", "example.com:", "[::1]:3000"])
def test_a_host_header_whose_port_is_not_a_number_is_500(executor, deploy, host):
    result = executor.execute(deploy(ECHO), method="GET", headers={"host": host})
    assert result.status_code == 500 and result.body == b""
    assert "ValueError: invalid literal for int() with base 10" in result.errors


def test_a_host_header_with_a_port_sets_port_and_url(executor, deploy):
    result = executor.execute(
        deploy(ECHO), method="GET", path="/p?q=1", headers={"host": "ex.test:8080"}
    )
    seen = json.loads(result.body)
    assert (seen["host"], seen["port"], seen["url"]) == (
        "ex.test",
        8080,
        "http://ex.test:8080/p?q=1",
    )


def test_the_executor_sends_accept_and_basic_authorization(executor, deploy):
    deployment = deploy(ECHO)
    headers = json.loads(executor.execute(deployment, method="GET").body)["headers"]
    assert headers["accept"] == "*/*"
    scheme, _, credentials = headers["authorization"].partition(" ")
    user, _, secret = base64.b64decode(credentials).decode().partition(":")
    assert (scheme, user) == ("Basic", "opr") and secret == executor.worker_secret(
        deployment.function_id
    )


def test_the_callers_accept_and_authorization_come_first(executor, deploy):
    sent = {"accept": "application/json", "authorization": "Bearer a-jwt"}
    result = executor.execute(deploy(ECHO), method="GET", headers=sent)
    headers = json.loads(result.body)["headers"]
    assert headers["accept"] == "application/json"
    assert headers["authorization"] == "Bearer a-jwt"  # the runtime keeps the first of two


def test_a_body_of_0_is_dropped_by_the_executor(executor, deploy):
    seen = json.loads(executor.execute(deploy(ECHO), method="POST", body="0").body)
    assert seen["body"] == ""
    assert "content-length" not in seen["headers"] and "content-type" not in seen["headers"]


@pytest.mark.parametrize("body", ["00", "0 ", "1"])
def test_other_short_bodies_arrive_with_curls_content_type(executor, deploy, body):
    seen = json.loads(executor.execute(deploy(ECHO), method="POST", body=body).body)
    assert seen["body"] == body
    assert seen["headers"]["content-length"] == str(len(body))
    assert seen["headers"]["content-type"] == "application/x-www-form-urlencoded"


def test_an_empty_body_sends_no_content_length(executor, deploy):
    seen = json.loads(executor.execute(deploy(ECHO), method="POST", body="").body)
    assert "content-length" not in seen["headers"]


@pytest.mark.parametrize("headers", ['{"x-a": 5}', '{"x-a": "1\\r\\nx-b: 2"}'])
def test_a_header_aiohttp_cannot_write_drops_the_connection_not_the_worker(
    executor, deploy, headers
):
    deployment = deploy(returning(f'{{"body": "x", "headers": {headers}}}'))
    failed = executor.execute(deployment)
    assert failed.status_code == 500 and failed.body == b""
    assert failed.errors == "Internal curl error has occurred within the executor! Error Number: 52"
    pid = executor.worker_pid(deployment.function_id)
    assert pid is not None  # the worker is still up
    again = executor.execute(deployment)
    assert not again.cold_start and executor.worker_pid(deployment.function_id) == pid


def test_a_callers_runtime_headers_never_reach_the_worker(executor, deploy, tmp_path):
    """The secret, timeout, log file name and the emulator's clock are the executor's."""
    clock = deploy(
        "import datetime\n"
        "def main(context):\n"
        "    return context.res.text(str(datetime.datetime.now().year))\n"
    )
    forged = {
        "x-open-runtimes-emulator-now": "1999-01-01T00:00:00+00:00",
        "x-open-runtimes-log-id": "../../escaped",
        "X-Open-Runtimes-Timeout": "0",
    }
    result = executor.execute(clock, method="GET", headers=forged)
    assert result.status_code == 200 and result.text != "1999"
    assert not list(executor.workdir.rglob("escaped*"))
