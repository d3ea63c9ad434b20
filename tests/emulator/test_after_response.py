"""Work a request starts in the background waits until that request has answered
(`core/after_response.py`, `http/gate.py`), as Appwrite queues a request's events after its
response: an event function never starts before the write that triggered it is answered.

Through a real uvicorn server on 127.0.0.1, with the emulator's own server set-up."""

from __future__ import annotations

import asyncio
import concurrent.futures
import pathlib
import threading

import httpx
import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.responses import JSONResponse
from starlette.routing import Route

from emulator.core import after_response
from emulator.core.state import EmulatorState
from emulator.http.gate import AfterResponse
from emulator.server import start

pytestmark = pytest.mark.sdk_free  # no SDK call: the SDK 27 pass of `make test` skips it


@pytest.fixture
def server(tmp_path: pathlib.Path):
    pool = concurrent.futures.ThreadPoolExecutor(2)
    order: list[str] = []
    started: list[concurrent.futures.Future] = []

    def background(gate: threading.Event | None) -> str:
        if gate is not None:
            gate.wait(after_response.LIMIT)
        order.append("background work")
        return "ran"

    async def write(request):
        # what the runner does for an event's execution: queue it with the request's gate
        started.append(pool.submit(background, after_response.current()))
        await asyncio.sleep(0.3)  # the rest of the request's work
        order.append("answered")
        if request.query_params.get("fail"):
            raise RuntimeError("the handler failed after queueing")
        return JSONResponse({"ok": True}, status_code=201)

    app = Starlette(
        routes=[Route("/write", write, methods=["POST"])],
        middleware=[Middleware(AfterResponse)],
    )
    state = EmulatorState.open(tmp_path / "data", project_id="gate")
    running = start(state, app=app)
    try:
        yield running.endpoint.removesuffix("/v1"), order, started
    finally:
        running.stop()
        pool.shutdown(wait=True)


def test_work_queued_by_a_request_starts_after_its_answer(server):
    base, order, started = server
    answer = httpx.post(f"{base}/write")
    assert answer.status_code == 201
    assert started[0].result(timeout=10) == "ran"
    assert order == ["answered", "background work"]


def test_a_request_that_fails_still_releases_its_work(server):
    base, order, started = server
    answer = httpx.post(f"{base}/write?fail=1")
    assert answer.status_code == 500
    assert started[0].result(timeout=10) == "ran"  # not held until the 30 s safety net
    assert order == ["answered", "background work"]


def test_outside_a_request_there_is_no_gate():
    assert after_response.current() is None
    gate, token = after_response.open_gate()
    try:
        assert after_response.current() is gate and not gate.is_set()
    finally:
        after_response.reset(token)
    assert after_response.current() is None
