"""Running the project's functions as Appwrite runs them (reference appwrite-runtime.md §3–§6).

One `Runner` per emulator. It packs each function from `appwrite.json` the way the CLI
does (re-packing when its files change), runs it in a warm worker through the executor,
and records every execution so the SDK can list and get it. Synchronous executions wait
(30 s cap → 408), asynchronous ones run on a small thread pool. What triggers executions
lives beside it: `fanout.py` (events), `schedules.py` (cron, `scheduledAt`), `routes.py`
(REST) and `domains.py` (function URLs).
"""

from __future__ import annotations

import concurrent.futures
import functools
import logging
import pathlib
import secrets
import shutil
import sys
import threading
import time
from collections.abc import Callable

from emulator.core import after_response, clock
from emulator.core.callers import CallerKind
from emulator.core.errors import AppwriteError
from emulator.core.state import EmulatorState
from emulator.manifest import FunctionSpec, Manifest
from emulator.manifest.variables import function_variables, project_variables
from emulator.packaging import EnvironmentCache, deploy_dir
from emulator.runtime import Deployment, Executor, function_env

from .headers import request_headers
from .model import (
    STORED_REQUEST_HEADERS,
    STORED_RESPONSE_HEADERS,
    Execution,
    Invocation,
    Response,
    Status,
    Trigger,
    header_list,
    keep_last,
)
from .records import ExecutionRecords

SYNC_LIMIT = 30  # seconds Appwrite waits for a synchronous execution
FinishListener = Callable[[Execution, Invocation], None]
log = logging.getLogger("emulator.executions")


class Runner:
    """The functions of one manifest, executed in worker processes."""

    def __init__(
        self,
        state: EmulatorState,
        manifest: Manifest,
        records: ExecutionRecords,
        *,
        workdir: pathlib.Path,
        endpoint: str = "",
        python: pathlib.Path | None = None,
        max_parallel: int = 4,
        extra_env: dict[str, str] | None = None,
    ):
        self.state = state
        self.manifest = manifest
        self.records = records
        self.endpoint = endpoint
        self.python = python or pathlib.Path(sys.executable)
        self.sync_limit = SYNC_LIMIT
        # Set in every worker on top of Appwrite's variables: the emulator's own, e.g. the
        # CA bundle that makes the functions trust its TLS certificate (serve --tls).
        self.extra_env = dict(extra_env or {})
        self.workdir = pathlib.Path(workdir)
        self.executor = Executor(self.workdir / "workers")
        # Each function runs on its own runtime-env, built from its requirements.txt (cached).
        self.environments = EnvironmentCache.for_project(manifest.root)
        self._deployments: dict[str, Deployment] = {}
        self._pool = concurrent.futures.ThreadPoolExecutor(
            max_parallel, thread_name_prefix="execution"
        )
        self._pending: set[concurrent.futures.Future] = set()
        self._lock = threading.Lock()
        self._finish_listeners: list[FinishListener] = []
        self._submitting = threading.Lock()
        self._closing = False  # once set, new executions stay queued in the store
        self._running: dict[str, list[str]] = {}  # function id → executions in its worker

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
                    project_variables=project_variables(self.manifest),
                    function_variables=function_variables(spec),
                )
                env.update(self.extra_env)
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

    def prepare_all(self) -> None:
        """Pack and build every function now, as Appwrite builds a deployment when it is
        created: progress and failures are reported as they happen (cached environments are
        reused), and a function whose build failed answers its executions with the build log."""
        for spec in self.manifest.functions:
            self.executor.prepare(self.deployment(spec))

    # -- executions ----------------------------------------------------------------------------
    def execute(self, invocation: Invocation) -> Execution:
        """Create an execution; runs it now (sync), in the background (async), or holds it
        for the scheduler (`scheduled_at`). Returns the execution (finished when sync)."""
        spec = self.spec(invocation.function_id)
        execution = self._new_execution(spec, invocation)
        if invocation.scheduled_at is not None:
            execution.status = Status.SCHEDULED
            execution.trigger = Trigger.SCHEDULE
            execution.scheduled_at = clock.iso(invocation.scheduled_at)
            execution.held = invocation.record()
            self.records.save(execution)
            return execution
        if invocation.asynchronous:
            execution.held = invocation.record()  # queued: it survives a restart (`recovery.py`)
        self.records.save(execution)
        accepted = Execution.from_record(execution.record())  # as accepted; the run updates it
        future = self.submit(spec, execution, invocation)
        if invocation.asynchronous:
            return accepted
        try:
            return future.result(timeout=self.sync_limit)
        except concurrent.futures.CancelledError:
            raise AppwriteError(
                "general_server_error",
                "The emulator is shutting down: the execution was not run.",
                code=503,
            ) from None
        except concurrent.futures.TimeoutError:
            execution.sync_timed_out = True
            raise AppwriteError(
                "function_synchronous_timeout",
                "Synchronous function execution timed out. Use asynchronous execution instead, "
                "or ensure the execution duration doesn't exceed 30 seconds.",
                code=408,
            ) from None

    def submit(
        self, spec: FunctionSpec, execution: Execution, invocation: Invocation
    ) -> concurrent.futures.Future:
        """Run a recorded execution on the pool. While the runner closes, it is not run: a
        waiting execution stays queued in the store and runs on the next start."""
        with self._submitting:
            if self._closing:
                future: concurrent.futures.Future = concurrent.futures.Future()
                future.cancel()
                return future
            gate = after_response.current() if invocation.asynchronous else None
            if gate is None:
                future = self._pool.submit(self._run, spec, execution, invocation)
            else:  # caused by an API request: it starts once that request has answered
                future = self._pool.submit(self._run_after, gate, spec, execution, invocation)
        with self._lock:
            self._pending.add(future)
        # listeners first: once `_done` runs, `wait_idle` may return
        future.add_done_callback(functools.partial(self._tell_finished, invocation))
        future.add_done_callback(self._done)
        return future

    def _run_after(self, gate, spec: FunctionSpec, execution: Execution, inv: Invocation):
        """`_run`, once the API request that queued it has answered (as Appwrite queues a
        request's events after its response; `core/after_response.py`)."""
        gate.wait(after_response.LIMIT)
        return self._run(spec, execution, inv)

    def on_finish(self, listener: FinishListener) -> None:
        """Call `listener(execution, invocation)` when an execution finishes (in the thread
        that ran it): the terminal's live log, the console."""
        self._finish_listeners.append(listener)

    def _tell_finished(self, invocation: Invocation, future: concurrent.futures.Future) -> None:
        if future.cancelled() or future.exception() is not None:
            return
        for listener in list(self._finish_listeners):
            try:
                listener(future.result(), invocation)
            except Exception:  # a listener's bug must not break the execution
                log.exception("execution finish listener failed")

    def _done(self, future) -> None:
        with self._lock:
            self._pending.discard(future)

    def _new_execution(self, spec: FunctionSpec, inv: Invocation) -> Execution:
        now = clock.iso(inv.at)
        caller = inv.caller
        permissions = (
            [f'read("user:{caller.user_id}")'] if caller and caller.kind == CallerKind.USER else []
        )
        return Execution(
            id=secrets.token_hex(10),
            function_id=spec.id,
            trigger=inv.trigger,
            status=Status.WAITING if inv.asynchronous else Status.PROCESSING,
            created_at=now,
            updated_at=now,
            permissions=permissions,
            request_method=inv.method,
            request_path=inv.path,
            event=inv.event,
            parent_id=inv.parent_id,
        )

    def _run(self, spec: FunctionSpec, execution: Execution, inv: Invocation) -> Execution:
        if inv.stopped:
            return self._finish(execution, Response(500, {}, b""), "", inv.stopped, 0.0, loop=True)
        try:
            headers = request_headers(self.state, spec, execution.id, inv)
            execution.request_headers = header_list(headers, STORED_REQUEST_HEADERS)
            queued = (execution.status, execution.held) != (Status.PROCESSING, None)
            execution.status = Status.PROCESSING
            execution.held = None  # running: a restart marks it failed, never runs it again
            if queued:  # a sync execution was stored as processing when accepted
                self.records.save(execution)
            with self._lock:
                self._running.setdefault(spec.id, []).append(execution.id)
            try:
                result = self.executor.execute(
                    self.deployment(spec),
                    method=inv.method,
                    path=inv.path,
                    headers=headers,
                    body=inv.body,
                    timeout=spec.timeout,
                    now=inv.at,
                )
            finally:
                with self._lock:
                    self._running[spec.id].remove(execution.id)
            response = Response(result.status_code, result.headers, result.body)
            return self._finish(execution, response, result.logs, result.errors, result.duration)
        except Exception as e:  # a worker that cannot start: a failed execution, not a crash
            error = f"{type(e).__name__}: {e}"
            return self._finish(execution, Response(500, {}, b""), "", error, 0.0)

    def _finish(
        self,
        execution: Execution,
        response: Response,
        logs: str,
        errors: str,
        duration: float,
        *,
        loop: bool = False,
    ) -> Execution:
        failed = response.status >= 500 or execution.sync_timed_out or loop
        body = response.body
        execution.updated_at = clock.iso()
        execution.status = Status.FAILED if failed else Status.COMPLETED
        execution.response_status_code = response.status
        execution.response_body = (
            body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body)
        )
        execution.response_headers = header_list(response.headers, STORED_RESPONSE_HEADERS)
        execution.logs = keep_last(logs)
        execution.errors = keep_last(errors)
        execution.duration = round(duration, 6)
        execution.loop = loop
        execution.held = None
        self.records.save(execution)
        execution.response = response
        return execution

    def running(self, function_id: str | None = None) -> list[str]:
        """The executions now in a worker (of one function, or of all)."""
        with self._lock:
            if function_id is not None:
                return list(self._running.get(function_id, ()))
            return [e for ids in self._running.values() for e in ids]

    # -- waiting and shutdown ----------------------------------------------------------------------
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
        """Finish the running executions; the queued ones stay `waiting` in the store (the
        next start runs them, `recovery.py`)."""
        with self._submitting:
            self._closing = True
        self._pool.shutdown(wait=True, cancel_futures=True)
        self.executor.close()
