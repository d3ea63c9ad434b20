"""Running the project's functions as Appwrite runs them: HTTP executions (sync and
async), event triggers with loop detection, and cron schedules
(reference appwrite-runtime.md §3–§6).

One `Functions` service per emulator. It packs each function from `appwrite.json` the
way the CLI does (re-packing when its files change), runs it in a warm worker through
the executor, gives every execution a dynamic key with the function's scopes, and
stores every execution so the SDK can list and get it.
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import datetime as dt
import json
import pathlib
import secrets
import shutil
import sys
import threading
import time
from typing import Any

from emulator import clock
from emulator.api import auth
from emulator.api.errors import AppwriteError
from emulator.manifest import FunctionSpec, Manifest
from emulator.packaging import EnvironmentCache, deploy_dir
from emulator.runtime import Deployment, Executor, function_env
from emulator.runtime.environment import APPWRITE_VERSION
from emulator.state import EmulatorState
from emulator.triggers import events as event_names
from emulator.triggers.cron import Scheduler, due_times

from . import store

SYNC_LIMIT = 30  # seconds Appwrite waits for a synchronous execution
DEFAULT_LOOP_LIMIT = 3
GEO_HEADERS = {
    "x-appwrite-country-code": "",
    "x-appwrite-continent-code": "",
    "x-appwrite-continent-eu": "false",
}


@dataclasses.dataclass
class Invocation:
    """One execution request, whatever triggered it."""

    function_id: str
    trigger: str  # http | event | schedule
    method: str = "POST"
    path: str = "/"
    headers: dict[str, str] = dataclasses.field(default_factory=dict)
    body: str | bytes = ""
    caller: auth.Caller | None = None  # who asked (http); None for events and schedules
    asynchronous: bool = False
    via_domain: bool = False  # the function's own URL: raw request in, raw response out
    event: str | None = None
    event_user_id: str = ""
    parent_id: str | None = None  # the execution whose write caused this one
    at: dt.datetime | None = None  # run with this moment as "now" (controllable clock)
    client_ip: str = ""
    scheduled_at: dt.datetime | None = None  # a one-off execution held until then (`scheduledAt`)


class Functions:
    """The functions of one manifest, executed in worker processes."""

    def __init__(
        self,
        state: EmulatorState,
        manifest: Manifest,
        *,
        workdir: pathlib.Path,
        endpoint: str = "",
        python: pathlib.Path | None = None,
        loop_limit: int = DEFAULT_LOOP_LIMIT,
        max_parallel: int = 4,
    ):
        self.state = state
        self.manifest = manifest
        self.endpoint = endpoint
        self.python = python or pathlib.Path(sys.executable)
        self.loop_limit = loop_limit
        self.sync_limit = SYNC_LIMIT
        self.workdir = pathlib.Path(workdir)
        self.executor = Executor(self.workdir / "workers")
        # Each function runs on its own runtime-env, built from its requirements.txt (cached).
        self.environments = EnvironmentCache.for_project(manifest.root)
        self.scheduler = Scheduler(
            {f.id: f.schedule for f in manifest.functions if f.schedule},
            clock.now(),
            on_due=self._scheduled,
            on_tick=self.release_scheduled,
        )
        self._deployments: dict[str, Deployment] = {}
        self._pool = concurrent.futures.ThreadPoolExecutor(
            max_parallel, thread_name_prefix="execution"
        )
        self._pending: set[concurrent.futures.Future] = set()
        self._lock = threading.Lock()
        self._now_of: dict[str, dt.datetime] = {}
        store.init_schema(state.db)
        state.extensions["functions"] = self

    # -- lookup ------------------------------------------------------------------------------
    def spec(self, function_id: str) -> FunctionSpec:
        try:
            return self.manifest.function(function_id)
        except KeyError:
            raise AppwriteError("function_not_found") from None

    def deployment(self, spec: FunctionSpec) -> Deployment:
        with self._lock:
            if spec.id not in self._deployments:
                root = self.workdir / "deployments" / spec.id

                def refresh(spec=spec, root=root) -> None:
                    shutil.rmtree(root, ignore_errors=True)
                    deploy_dir(spec, root, self.manifest.root)

                env = function_env(
                    function_id=spec.id,
                    function_name=spec.name,
                    deployment_id="local",
                    project_id=self.state.project_id,
                    endpoint=self.endpoint,
                    runtime=spec.runtime,
                    function_variables=dict(spec.vars),
                )
                self._deployments[spec.id] = Deployment(
                    spec.id,
                    root=root,
                    entrypoint=spec.entrypoint,
                    python=self.python,
                    env=env,
                    timeout=spec.timeout,
                    logging=spec.logging,
                    watch=spec.path,
                    refresh=refresh,
                    build=self.environments.step(spec.id, spec.commands, spec.runtime),
                )
            return self._deployments[spec.id]

    def now_of(self, execution_id: str) -> dt.datetime | None:
        """The controllable-clock moment an execution runs at (None: real time)."""
        return self._now_of.get(execution_id)

    # -- executions ----------------------------------------------------------------------------
    def execute(self, invocation: Invocation) -> dict[str, Any]:
        """Create an execution; runs it now (sync) or in the background (async).
        Returns the stored execution (with the emulator's private fields)."""
        spec = self.spec(invocation.function_id)
        execution = self._new_execution(spec, invocation)
        if invocation.scheduled_at is not None:
            execution["status"] = "scheduled"
            execution["trigger"] = "schedule"
            execution["scheduledAt"] = clock.iso(invocation.scheduled_at)
            execution["_invocation"] = _held(invocation)
            store.save(self.state.db, execution)
            return dict(execution)
        store.save(self.state.db, execution)
        accepted = dict(execution)  # as it was when accepted; the run updates `execution`
        future = self._submit(spec, execution, invocation)
        if invocation.asynchronous:
            return accepted
        try:
            return future.result(timeout=self.sync_limit)
        except concurrent.futures.TimeoutError:
            execution["_syncTimedOut"] = True
            raise AppwriteError(
                "function_synchronous_timeout",
                "Synchronous function execution timed out. Use asynchronous execution instead, or ensure "
                "the execution duration doesn't exceed 30 seconds.",
                code=408,
            ) from None

    def _submit(self, spec, execution, invocation) -> concurrent.futures.Future:
        future = self._pool.submit(self._run, spec, execution, invocation)
        with self._lock:
            self._pending.add(future)
        future.add_done_callback(self._done)
        return future

    def _done(self, future) -> None:
        with self._lock:
            self._pending.discard(future)

    def _new_execution(self, spec: FunctionSpec, inv: Invocation) -> dict[str, Any]:
        now = clock.iso(inv.at)
        caller = inv.caller
        permissions = [f'read("user:{caller.user_id}")'] if caller and caller.kind == "user" else []
        return {
            "$id": secrets.token_hex(10),
            "$createdAt": now,
            "$updatedAt": now,
            "$permissions": permissions,
            "functionId": spec.id,
            "resourceId": spec.id,
            "resourceType": "functions",
            "deploymentId": "local",
            "trigger": inv.trigger,
            "status": "waiting" if inv.asynchronous else "processing",
            "requestMethod": inv.method,
            "requestPath": inv.path,
            "requestHeaders": [],
            "responseStatusCode": 0,
            "responseBody": "",
            "responseHeaders": [],
            "logs": "",
            "errors": "",
            "duration": 0.0,
            "_event": inv.event,
            "_parentId": inv.parent_id,
        }

    def _run(
        self, spec: FunctionSpec, execution: dict[str, Any], inv: Invocation
    ) -> dict[str, Any]:
        execution_id = execution["$id"]
        if inv.at is not None:
            self._now_of[execution_id] = inv.at
        try:
            loop = self._loop_chain(spec.id, inv.parent_id) if inv.trigger == "event" else None
            if loop:
                return self._finish(
                    execution,
                    status=500,
                    body=b"",
                    headers={},
                    logs="",
                    errors=loop,
                    duration=0.0,
                    loop=True,
                )
            headers = self._request_headers(spec, execution_id, inv)
            execution["requestHeaders"] = store.header_list(headers, store.STORED_REQUEST_HEADERS)
            execution["status"] = "processing"
            store.save(self.state.db, execution)
            result = self.executor.execute(
                self.deployment(spec),
                method=inv.method,
                path=inv.path,
                headers=headers,
                body=inv.body,
                timeout=spec.timeout,
                now=inv.at,
            )
            return self._finish(
                execution,
                status=result.status_code,
                body=result.body,
                headers=result.headers,
                logs=result.logs,
                errors=result.errors,
                duration=result.duration,
            )
        except Exception as e:  # a worker that cannot start: a failed execution, not a crash
            return self._finish(
                execution,
                status=500,
                body=b"",
                headers={},
                logs="",
                errors=f"{type(e).__name__}: {e}",
                duration=0.0,
            )
        finally:
            self._now_of.pop(execution_id, None)

    def _finish(self, execution, *, status, body, headers, logs, errors, duration, loop=False):
        failed = status >= 500 or execution.get("_syncTimedOut") or loop
        execution.update(
            {
                "$updatedAt": clock.iso(),
                "status": "failed" if failed else "completed",
                "responseStatusCode": status,
                "responseBody": body.decode("utf-8", "replace")
                if isinstance(body, bytes)
                else str(body),
                "responseHeaders": store.header_list(headers, store.STORED_RESPONSE_HEADERS),
                "logs": store.keep_last(logs),
                "errors": store.keep_last(errors),
                "duration": round(duration, 6),
            }
        )
        if loop:
            execution["_loop"] = True
        store.save(self.state.db, execution)
        execution["_response"] = {"status": status, "headers": headers, "body": body}
        return execution

    def _request_headers(
        self, spec: FunctionSpec, execution_id: str, inv: Invocation
    ) -> dict[str, str]:
        """What Appwrite adds per trigger (reference §3.1), over the caller's headers."""
        headers = {k.lower(): v for k, v in inv.headers.items()}
        key = auth.mint_dynamic_key(self.state, list(spec.scopes), spec.timeout + 60, execution_id)
        user_id, jwt = "", ""
        caller = inv.caller
        if (
            inv.trigger == "http"
            and not inv.via_domain
            and caller is not None
            and caller.kind == "user"
        ):
            user_id = caller.user_id
            session_id = (caller.session or {}).get("$id", "")
            jwt = auth.mint_user_jwt(self.state, user_id, session_id, spec.timeout + 60)
        if inv.trigger == "event":
            user_id = inv.event_user_id
        headers.update(
            {
                "x-appwrite-trigger": inv.trigger,
                "x-appwrite-execution-id": execution_id,
                "x-appwrite-key": key,
                "x-appwrite-user-id": user_id,
                "x-appwrite-user-jwt": jwt,
            }
        )
        if inv.trigger == "event":
            headers["x-appwrite-event"] = inv.event or ""
            headers["content-type"] = "application/json"
            headers["user-agent"] = f"Appwrite/{APPWRITE_VERSION}"
        elif inv.trigger == "schedule" or inv.asynchronous:
            headers["x-appwrite-event"] = ""
        if inv.trigger == "http":
            headers["x-appwrite-client-ip"] = inv.client_ip
            # curl's default content-type for a body is the executor's (runtime.curl_headers).
        headers.update(GEO_HEADERS)  # no geo database locally: Appwrite's values for unknown IPs
        return headers

    # -- loop detection --------------------------------------------------------------------------
    def _loop_chain(self, function_id: str, parent_id: str | None) -> str | None:
        """An error text when re-entering `function_id` would exceed the loop limit."""
        chain = []
        current = parent_id
        while current:
            parent = store.get(self.state.db, current)
            if parent is None:
                break
            chain.append(parent)
            current = parent.get("_parentId")
        if sum(1 for e in chain if e["functionId"] == function_id) < self.loop_limit:
            return None
        steps = [
            f"{e['functionId']} (execution {e['$id']}, triggered by {e.get('_event') or e['trigger']})"
            for e in reversed(chain)
        ]
        return (
            f"Event loop stopped: function {function_id} was triggered {len(chain) + 1} times in one "
            f"causal chain (limit {self.loop_limit} re-entries). On Appwrite this would run forever.\n"
            "Chain of executions and the writes that caused them:\n  "
            + "\n  ".join(steps)
            + f"\n  → {function_id} (not run)\nMake the write idempotent, skip when nothing changes, or "
            "write to another table."
        )

    # -- events ------------------------------------------------------------------------------------
    def publish(
        self,
        pattern: str,
        params: dict[str, str],
        payload: dict[str, Any],
        caller: auth.Caller | None,
    ) -> list[dict[str, Any]]:
        """Fan a write's event out to every subscribed function (async executions)."""
        names = event_names.generate_events(pattern, params)
        subscribed = [(f.id, f.events) for f in self.manifest.functions if f.events]
        targets = event_names.subscribers(names, subscribed)
        if not targets:
            return []
        parent_id = (
            (caller.claims or {}).get("executionId") if caller and caller.kind == "key" else None
        )
        at = self._now_of.get(parent_id) if parent_id else None
        user_id = caller.user_id if caller and caller.kind == "user" else ""
        body = json.dumps(payload, separators=(",", ":"))
        return [
            self.execute(
                Invocation(
                    fid,
                    "event",
                    body=body,
                    asynchronous=True,
                    event=names[0],
                    event_user_id=user_id,
                    parent_id=parent_id,
                    at=at,
                )
            )
            for fid in targets
        ]

    # -- schedules ----------------------------------------------------------------------------------
    def run_schedule(self, function_id: str, at: dt.datetime | None = None) -> dict[str, Any]:
        """Run a function as its cron trigger would, at `at` (default now); waits for it."""
        return self.execute(Invocation(function_id, "schedule", at=at))

    def due_at(self, at: dt.datetime) -> list[str]:
        """Ids of the functions whose schedule has a tick at `at` (minute precision)."""
        minute = clock.parse_iso(clock.iso(at)).replace(second=0, microsecond=0)
        return [
            f.id
            for f in self.manifest.functions
            if f.schedule and list(due_times(f.schedule, minute - dt.timedelta(minutes=1), minute))
        ]

    def tick(self, at: dt.datetime) -> list[dict[str, Any]]:
        """Run what is due at `at` (`python -m emulator tick --at`), and release the one-off
        executions scheduled by then."""
        ran = [self.run_schedule(fid, at) for fid in self.due_at(at)]
        return ran + self.release_scheduled(at, at_their_time=True)

    def advance(self, until: dt.datetime) -> list[dict[str, Any]]:
        """Run every tick between the scheduler's mark and `until`, in time order."""
        ran = [self.run_schedule(fid, moment) for fid, moment in self.scheduler.advance(until)]
        return ran + self.release_scheduled(until, at_their_time=True)

    def release_scheduled(
        self, until: dt.datetime, *, at_their_time: bool = False
    ) -> list[dict[str, Any]]:
        """Start the one-off executions (`scheduledAt`) that are due by `until`; they run
        in the background with trigger `schedule`, as Appwrite's scheduler starts them
        (`at_their_time`: with their `scheduledAt` as "now", for the controllable clock)."""
        started = []
        for execution in store.with_status(self.state.db, "scheduled"):
            moment = clock.parse_iso(execution["scheduledAt"])
            if moment > until:
                continue
            held = execution.pop("_invocation")
            invocation = Invocation(
                execution["functionId"],
                "schedule",
                method=held["method"],
                path=held["path"],
                headers=held["headers"],
                body=held["body"],
                asynchronous=True,
                at=moment if at_their_time else None,
            )
            execution["status"] = "waiting"
            store.save(self.state.db, execution)
            self._submit(self.spec(execution["functionId"]), execution, invocation)
            started.append(execution)
        return started

    def _scheduled(self, function_id: str, moment: dt.datetime) -> None:
        self.execute(Invocation(function_id, "schedule", asynchronous=True))

    # -- waiting and shutdown -------------------------------------------------------------------------
    def wait_idle(self, timeout: float = 60.0) -> None:
        """Wait until no execution is pending (including the ones those trigger)."""
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                pending = list(self._pending)
            if not pending:
                return
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"{len(pending)} executions still running after {timeout}s")
            concurrent.futures.wait(pending, timeout=remaining)

    def close(self) -> None:
        self.scheduler.stop()
        self._pool.shutdown(wait=True, cancel_futures=True)
        self.executor.close()


def _held(invocation: Invocation) -> dict[str, Any]:
    """What a scheduled execution needs to run later (kept in the store, never shown)."""
    body = (
        invocation.body.decode("utf-8", "replace")
        if isinstance(invocation.body, bytes)
        else invocation.body
    )
    return {
        "method": invocation.method,
        "path": invocation.path,
        "headers": dict(invocation.headers),
        "body": body,
    }
