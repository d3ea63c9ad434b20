"""Function executions through the SDK under test (15.x here, 27.x in .venv-sdk27):
the Execution model parses, the semantics hold, and the bodies fit the server's spec."""

import pathlib

import httpx
import pytest
from appwrite.exception import AppwriteException
from appwrite.query import Query
from appwrite.services.functions import Functions

from emulator.stack import Stack
from tests.emulator.conftest import as_dict
from tests.emulator.spec import require_spec

LAB = pathlib.Path(__file__).resolve().parents[1] / "triggers" / "lab" / "appwrite.json"


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    stack = Stack.start(LAB, data_dir=tmp_path_factory.mktemp("executions"), realtime_cron=False)
    yield stack
    stack.close()


@pytest.fixture
def functions(lab):
    from appwrite.client import Client

    return Functions(
        Client().set_endpoint(lab.endpoint).set_project(lab.project_id).set_key(lab.api_key)
    )


def raw(lab, method, path, **kwargs):
    headers = {"x-appwrite-project": lab.project_id, "x-appwrite-key": lab.api_key}
    return httpx.request(method, lab.endpoint + path, headers=headers, timeout=60, **kwargs)


def test_sync_execution_model_parses_with_this_sdk(functions):
    execution = as_dict(functions.create_execution("echo", body="hi", path="/model", method="POST"))
    assert execution["status"] == "completed"
    assert execution["trigger"] == "http"
    assert execution["responseStatusCode"] == 200
    assert execution["requestMethod"] == "POST" and execution["requestPath"] == "/model"
    assert isinstance(execution["duration"], float)
    assert {"name": "content-type", "value": "application/json; charset=utf-8"} in execution[
        "responseHeaders"
    ]


def test_get_and_list_parse_with_this_sdk(functions):
    created = as_dict(functions.create_execution("echo", path="/listed", method="GET"))
    fetched = as_dict(functions.get_execution("echo", created["$id"]))
    assert fetched["$id"] == created["$id"]
    listed = as_dict(functions.list_executions("echo", queries=[Query.limit(100)]))
    assert listed["total"] >= 1
    assert created["$id"] in [as_dict(e)["$id"] for e in listed["executions"]]


def test_async_execution_is_202_waiting(lab, functions):
    execution = as_dict(functions.create_execution("echo", xasync=True))
    assert execution["status"] == "waiting"
    lab.executions.wait_idle()
    assert as_dict(functions.get_execution("echo", execution["$id"]))["status"] == "completed"


def test_delete_execution_is_204_then_404(lab, functions):
    created = as_dict(functions.create_execution("echo"))
    response = raw(lab, "DELETE", f"/functions/echo/executions/{created['$id']}", json={})
    assert response.status_code == 204 and response.content == b""
    with pytest.raises(AppwriteException) as error:
        functions.get_execution("echo", created["$id"])
    assert (error.value.code, error.value.type) == (404, "execution_not_found")


@pytest.mark.parametrize(
    "method, path, body, status",
    [
        ("POST", "/functions/echo/executions", {"path": "/spec", "method": "GET"}, 201),
        ("POST", "/functions/echo/executions", {"async": True}, 202),
        ("GET", "/functions/echo/executions", None, 200),
        ("POST", "/functions/nope/executions", {}, 404),
        ("POST", "/functions/echo/executions", {"method": "TRACE"}, 400),
    ],
)
def test_bodies_fit_the_server_spec(lab, method, path, body, status):
    spec = require_spec()
    response = raw(lab, method, path, json=body) if method != "GET" else raw(lab, method, path)
    assert response.status_code == status, response.text
    # The spec lists only 201 for createExecution; an async 202 carries the same Execution model.
    spec.check(method, "/v1" + path, 201 if status == 202 else status, response.json())
