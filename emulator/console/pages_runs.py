"""Executions (live, with logs, errors and their chain of causes; re-run), Requests (live)
and Cron & clock (next runs, run now, move the clock)."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import json
import time
from collections.abc import AsyncIterator

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from emulator.core import clock
from emulator.services.executions.livelog import cause
from emulator.services.executions.model import Execution, Invocation, Status, Trigger
from emulator.triggers.cron import due_times

from .base import Console, action, back, page

LIVE_SECONDS = 300  # a stream ends after this; the browser's EventSource reconnects
POLL_SECONDS = 0.4


def summary(execution: Execution) -> dict:
    return {
        "id": execution.id,
        "functionId": execution.function_id,
        "trigger": str(execution.trigger),
        "status": str(execution.status),
        "statusCode": execution.response_status_code,
        "duration": round(execution.duration * 1000),
        "createdAt": execution.created_at,
        "cause": cause(execution),
        "parentId": execution.parent_id or "",
        "loop": execution.loop,
    }


def _service(console: Console):
    if console.executions is None:
        raise LookupError("this emulator runs no functions")
    return console.executions


@page
async def executions(request: Request, console: Console) -> Response:
    function_id = request.query_params.get("function") or None
    found = _service(console).records.recent(100, function_id)
    return await console.render(
        request,
        "executions.html",
        "executions",
        executions=[summary(e) for e in found],
        functions=[f.id for f in console.manifest.functions],
        function_id=function_id or "",
        notice=request.query_params.get("notice", ""),
        error=request.query_params.get("error", ""),
    )


def _sse(payload: dict) -> str:
    return f"data: {json.dumps(payload)}\n\n"


async def _stream(request: Request, console: Console, poll) -> AsyncIterator[str]:
    """Server-sent events: whatever `poll()` finds new, until the client leaves, the
    console closes or LIVE_SECONDS pass (the browser reconnects)."""
    yield "retry: 1000\n\n"
    ends = time.monotonic() + LIVE_SECONDS
    while time.monotonic() < ends and not console.closing.is_set():
        for payload in await run_in_threadpool(poll):
            yield _sse(payload)
        if await request.is_disconnected():
            return
        await asyncio.sleep(POLL_SECONDS)


def _event_stream(generator) -> StreamingResponse:
    return StreamingResponse(
        generator,
        media_type="text/event-stream",
        headers={"cache-control": "no-store", "x-accel-buffering": "no"},
    )


@page
async def executions_live(request: Request, console: Console) -> Response:
    """Each execution as it appears or changes status (the list page applies them)."""
    records = _service(console).records
    function_id = request.query_params.get("function") or None
    seen: dict[str, tuple[str, str]] = {
        e.id: (str(e.status), e.updated_at) for e in records.recent(100, function_id)
    }

    def poll() -> list[dict]:
        changed = []
        for execution in reversed(records.recent(100, function_id)):
            stamp = (str(execution.status), execution.updated_at)
            if seen.get(execution.id) != stamp:
                seen[execution.id] = stamp
                changed.append(summary(execution))
        return changed

    return _event_stream(_stream(request, console, poll))


def _chain(records, execution: Execution) -> list[Execution]:
    """The executions whose writes led to this one, the first cause first."""
    chain, current, seen = [], execution.parent_id, set()
    while current and current not in seen:
        seen.add(current)
        parent = records.get(current)
        if parent is None:
            break
        chain.append(parent)
        current = parent.parent_id
    return list(reversed(chain))


@page
async def execution(request: Request, console: Console) -> Response:
    records = _service(console).records
    found = records.get(request.path_params["executionId"])
    if found is None:
        return await console.render(
            request, "missing.html", "executions", 404, what="No such execution."
        )
    model = found.model(with_logs=True)
    return await console.render(
        request,
        "execution.html",
        "executions",
        execution=summary(found),
        model=model,
        logs=found.logs,
        errors=found.errors,
        response_body=found.response_body,
        event=found.event or "",
        chain=[summary(e) for e in _chain(records, found)],
        caused=[summary(e) for e in records.caused_by(found.id)],
        rerunnable=console.invocations.get(found.id) is not None or found.trigger != Trigger.EVENT,
        as_json=json.dumps(model, indent=2, ensure_ascii=False),
        notice=request.query_params.get("notice", ""),
        error=request.query_params.get("error", ""),
    )


@action
async def rerun(request: Request, console: Console, form: dict) -> Response:
    """Run the execution again, asynchronously, as it was asked (the same trigger, request,
    body and caller when this emulator still holds them; else the method and path)."""
    service = _service(console)
    original = service.records.get(request.path_params["executionId"])
    if original is None:
        return back("/console/executions", error="No such execution.")
    invocation = console.invocations.get(original.id)
    if invocation is None and original.trigger == Trigger.EVENT:
        return back(
            f"/console/executions/{original.id}",
            error="This event's payload is no longer in memory (it is kept for the "
            "executions of this run of the emulator only).",
        )
    if invocation is None:
        invocation = Invocation(
            original.function_id,
            original.trigger,
            method=original.request_method,
            path=original.request_path,
        )
    again = dataclasses.replace(
        invocation, asynchronous=True, scheduled_at=None, stopped=None, parent_id=None
    )
    started = await run_in_threadpool(service.runner.execute, again)
    return back(f"/console/executions/{started.id}", notice=f"Re-run of {original.id}.")


# -- requests ------------------------------------------------------------------------------------
@page
async def requests_page(request: Request, console: Console) -> Response:
    records = [r.model() for r in console.requests.since(0)][-200:]
    return await console.render(
        request, "requests.html", "requests", records=list(reversed(records))
    )


@page
async def requests_live(request: Request, console: Console) -> Response:
    finished = console.requests.since(0)
    mark = [finished[-1].seq if finished else 0]

    def poll() -> list[dict]:
        new = console.requests.since(mark[0])
        if new:
            mark[0] = new[-1].seq
        return [r.model() for r in new]

    return _event_stream(_stream(request, console, poll))


# -- cron and clock --------------------------------------------------------------------------------
def next_run(expression: str, after: dt.datetime) -> str:
    upcoming = next(iter(due_times(expression, after, after + dt.timedelta(days=400))), None)
    return clock.iso(upcoming) if upcoming else ""


@page
async def cron(request: Request, console: Console) -> Response:
    service = _service(console)
    mark = service.schedules.scheduler.mark
    rows = [
        {
            "id": f.id,
            "schedule": f.schedule,
            "next": next_run(f.schedule, mark),
            "last": service.records.latest_of(f.id),
        }
        for f in console.manifest.functions
        if f.schedule
    ]
    held = [
        summary(e) | {"scheduledAt": e.scheduled_at}
        for e in service.records.with_status(Status.SCHEDULED)
    ]
    soonest = min((r["next"] for r in rows if r["next"]), default=clock.iso(mark))
    return await console.render(
        request,
        "cron.html",
        "cron",
        schedules=rows,
        held=held,
        now=clock.iso(),
        mark=clock.iso(mark),
        suggested=soonest[:16],
        notice=request.query_params.get("notice", ""),
        error=request.query_params.get("error", ""),
    )


@action
async def run_now(request: Request, console: Console, form: dict) -> Response:
    service = _service(console)
    function_id = request.path_params["functionId"]
    try:
        service.runner.spec(function_id)
    except Exception:
        return back("/console/cron", error=f"No function {function_id}.")
    started = await run_in_threadpool(
        service.runner.execute, Invocation(function_id, Trigger.SCHEDULE, asynchronous=True)
    )
    return back("/console/executions", notice=f"{function_id} started ({started.id}).")


def _moment(form: dict) -> dt.datetime:
    text = form.get("at", "").strip()
    try:
        return clock.parse_iso(text)
    except ValueError:
        raise ValueError(f"Not a date and time: {text!r} (e.g. 2026-12-01T10:05)") from None


@action
async def move_clock(request: Request, console: Console, form: dict) -> Response:
    """Move the clock to a moment and run what is due then (`python -m emulator tick`):
    the cron jobs whose schedule has a tick at that minute, and the one-off executions
    (`scheduledAt`) due by then, each with that moment as its clock. The real-time cron
    goes on as before."""
    service = _service(console)
    try:
        at = _moment(form)
    except ValueError as e:
        return back("/console/cron", error=str(e))
    ran = await run_in_threadpool(service.schedules.tick, at)
    names = ", ".join(sorted({e.function_id for e in ran})) or "nothing was due"
    return back(
        "/console/executions",
        notice=f"Clock moved to {clock.iso(at)}: {len(ran)} executions ({names}).",
    )
