"""Issue 9 item 9, the emulator's side: Appwrite's HTTP server takes at most 12 MiB per
request (Swoole `package_max_length`, headers included) and refuses more with 413 before
any route runs. The emulator does the same on its API and on every function URL, answering
Appwrite's JSON error shape, and reads an oversized body in small pieces: a 100 MB upload
costs it no more memory than a small one. Scheduled executions keep their request in a
bounded column on Appwrite; the emulator refuses one that would not fit there."""

from __future__ import annotations

import datetime as dt
import pathlib
import signal

import httpx
import pytest
from appwrite.exception import AppwriteException
from appwrite.query import Query
from appwrite.services.functions import Functions
from appwrite.services.users import Users

from emulator.http.limits import MAX_REQUEST_BYTES
from emulator.services.executions.routes import SCHEDULED_REQUEST_LIMIT
from tests.reliability.support import Served, end_processes, worker_processes

MB = 1024 * 1024


def chunks(total: int, size: int = MB):
    """`total` bytes of JSON-ish filler, produced piece by piece (never held whole)."""
    sent = 0
    piece = b"x" * size
    while sent < total:
        part = piece[: min(size, total - sent)]
        sent += len(part)
        yield part


def assert_too_large(response: httpx.Response) -> None:
    assert response.status_code == 413, response.text[:300]
    body = response.json()
    assert (body["code"], body["type"]) == (413, "general_bad_request")
    assert str(MAX_REQUEST_BYTES) in body["message"]


def api_headers(appwrite) -> dict:
    return {
        "content-type": "application/json",
        "x-appwrite-project": appwrite.project_id,
        "x-appwrite-key": appwrite.stack.api_key,
    }


def test_the_sdk_gets_a_413_for_a_request_over_12_mib(appwrite, unique_email):
    users = Users(appwrite.admin_client())
    email = unique_email("huge")
    with pytest.raises(AppwriteException) as raised:
        users.create("unique()", email=email, password="password-123", name="x" * (13 * MB))
    assert (raised.value.code, raised.value.type) == (413, "general_bad_request")
    assert users.list(queries=[Query.equal("email", [email])])["total"] == 0


def test_a_request_under_the_cap_reaches_its_route(appwrite):
    with pytest.raises(AppwriteException) as raised:  # the route's own 400, not a 413
        Users(appwrite.admin_client()).create(
            "unique()", email="under@example.com", password="password-123", name="x" * (11 * MB)
        )
    assert raised.value.code == 400
    assert "name" in raised.value.message


def test_a_chunked_request_over_the_cap_is_refused_too(appwrite):
    """No Content-Length: the body is counted as it arrives and refused once past 12 MiB."""
    response = httpx.post(
        f"{appwrite.endpoint}/users",
        content=chunks(20 * MB),
        headers=api_headers(appwrite),
        timeout=120,
    )
    assert "content-length" not in response.request.headers
    assert_too_large(response)


def test_a_function_url_refuses_a_request_over_the_cap_without_running_it(appwrite):
    before = len(appwrite.executions("articles"))
    response = httpx.post(
        appwrite.stack.function_urls["articles"] + "/articles",
        content=chunks(13 * MB),
        headers={"content-type": "application/json", "content-length": str(13 * MB)},
        timeout=120,
    )
    assert_too_large(response)
    assert len(appwrite.executions("articles")) == before


def test_a_scheduled_execution_keeps_only_what_appwrite_can_store(appwrite):
    functions = Functions(appwrite.admin_client())
    at = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)).isoformat()
    with pytest.raises(AppwriteException) as raised:
        functions.create_execution(
            "articles", body="x" * SCHEDULED_REQUEST_LIMIT, xasync=True, scheduled_at=at
        )
    assert (raised.value.code, raised.value.type) == (400, "general_argument_invalid")
    assert "65535" in raised.value.message
    held = functions.create_execution(
        "articles", body="x" * (SCHEDULED_REQUEST_LIMIT - 500), xasync=True, scheduled_at=at
    )
    assert held["status"] == "scheduled"


# -- memory: a 100 MB body, against a real `serve` process ----------------------------------


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    data = tmp_path_factory.mktemp("limits") / "data"
    with Served.start(data) as served:
        yield served
    end_processes(worker_processes(data))


def peak_rss(pid: int) -> int:
    """The process's peak resident memory so far (VmHWM), in bytes."""
    status = pathlib.Path(f"/proc/{pid}/status").read_text()
    [line] = [line for line in status.splitlines() if line.startswith("VmHWM:")]
    return int(line.split()[1]) * 1024


@pytest.mark.parametrize("target", ["api", "function url"])
def test_a_100_mb_body_costs_the_emulator_no_memory(served, target):
    url = served.creds["endpoint"] + "/users"
    if target == "function url":
        url = served.creds["functions"]["articles"] + "/articles"
    headers = {
        "content-type": "application/json",
        "x-appwrite-project": served.creds["projectId"],
        "x-appwrite-key": served.creds["apiKey"],
    }
    assert httpx.get(url, headers=headers, timeout=60).status_code == 200  # warm
    before = peak_rss(served.pid)
    response = httpx.post(
        url,
        content=chunks(100 * MB),
        headers=headers | {"content-length": str(100 * MB)},
        timeout=300,
    )
    assert_too_large(response)
    grown = peak_rss(served.pid) - before
    print(f"\nMEMORY {target}: 100 MB body → 413, peak RSS grew by {grown / MB:.1f} MB")
    assert grown < 32 * MB, f"the emulator's peak memory grew by {grown // MB} MB"
    assert httpx.get(url, headers=headers, timeout=60).status_code == 200  # still serving


def test_the_emulator_survives_and_stops_cleanly(served):
    assert served.kill(signal.SIGTERM) == 0
