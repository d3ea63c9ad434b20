"""A test client for Appwrite functions: drive a running emulator the way clients, events
and cron do. Usable from any script or test runner (it does not import pytest); the pytest
fixtures that provide it are in `emulator.testing`.

    from emulator.testclient import AppwriteTestClient

    with AppwriteTestClient.start("appwrite.json") as appwrite:      # a fresh emulator
        response = appwrite.invoke_http("my-function", "/hello", method="POST", json={...})
        row, executions = appwrite.emit_row_created("notes", {"text": "hi"})
        execution = appwrite.run_schedule("nightly", at="2026-03-01T03:00Z")
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import pathlib
import sqlite3
import threading
from collections.abc import Iterator
from typing import Any

import httpx

from emulator import secretscan
from emulator.core import clock
from emulator.stack import Stack


def plain(answer: Any) -> Any:
    """An SDK answer as the API sent it: SDK 15.x returns dicts; newer SDKs return model
    objects, whose rows keep their columns apart under `data` (put back beside `$id` here)."""
    if hasattr(answer, "to_dict"):
        data = answer.to_dict()
        if "$tableId" in data and isinstance(data.get("data"), dict):
            data = {k: v for k, v in data.items() if k != "data"} | data["data"]
        return data
    if isinstance(answer, list):
        return [plain(item) for item in answer]
    return answer


def run_python_seed(path: pathlib.Path, client: AppwriteTestClient) -> str:
    """Load `path` as a module and call its `seed(client)`; returns what it returns."""
    import importlib.util

    from emulator.statefiles.seed import SeedError

    spec = importlib.util.spec_from_file_location(f"emulator_seed_{path.stem}", path)
    if spec is None or spec.loader is None or not path.is_file():
        raise SeedError(f"--seed {path}: not a Python, JSON or YAML file")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    if not callable(getattr(module, "seed", None)):
        raise SeedError(f"--seed {path}: defines no seed(client) function")
    return str(module.seed(client))


def _moment(value: dt.datetime | str | None) -> dt.datetime | None:
    return clock.parse_iso(value) if isinstance(value, str) else value


class AppwriteTestClient:
    """Drives a running `Stack`. Works with the appwrite SDK 15.x and the newest (27.x): what
    it returns is always plain JSON-like data (dicts), whatever the SDK's answer type."""

    def __init__(self, stack: Stack):
        self.stack = stack
        self._transport: httpx.HTTPTransport | None = None  # kept-alive connections (_http)
        self._transport_lock = threading.Lock()
        secretscan.REGISTRY.watch(stack)  # its executions are scanned for secrets on close

    @classmethod
    def start(
        cls,
        manifest: str | pathlib.Path,
        data_dir: str | pathlib.Path | None = None,
        *,
        tls: bool = False,
        **options: Any,
    ) -> AppwriteTestClient:
        """A fresh emulator for the project of `manifest` (a temporary data dir by default),
        with cron driven only by this client (`tick`, `advance_clock`, `run_schedule`).
        `tls=True` serves the API and function URLs over HTTPS (`Stack.start` options). Each
        function is packed and built on its first execution (`build_now=True` does all at
        start, as `serve` does)."""
        options.setdefault("build_now", False)
        return cls(
            Stack.start(manifest, data_dir=data_dir, realtime_cron=False, tls=tls, **options)
        )

    def close(self) -> None:
        with self._transport_lock:
            if self._transport is not None:
                self._transport.close()
                self._transport = None
        self.stack.close()

    def __enter__(self) -> AppwriteTestClient:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- clients --------------------------------------------------------------------------------
    @property
    def endpoint(self) -> str:
        return self.stack.endpoint

    @property
    def project_id(self) -> str:
        return self.stack.project_id

    def admin_client(self):
        """An SDK client with the admin API key (every scope, permissions bypassed)."""
        return self.guest_client().set_key(self.stack.api_key)

    def guest_client(self):
        """An SDK client with no credentials (role `guests`). Over TLS it is marked
        `set_self_signed()`: the SDK has no per-client CA option; a script that wants the
        certificate verified sets REQUESTS_CA_BUNDLE to `stack.tls.trust` instead."""
        from appwrite.client import Client

        client = Client().set_endpoint(self.endpoint).set_project(self.project_id)
        return client.set_self_signed(True) if self.stack.tls else client

    def _verify(self):
        """What httpx verifies the emulator's certificate with (its own CA over TLS)."""
        if self.stack.tls is None:
            return True
        import ssl

        return ssl.create_default_context(cafile=str(self.stack.tls.ca))

    def _http(self, method: str, url: str, **options: Any) -> httpx.Response:
        """One raw request, as `httpx.request` sends it (no cookies kept, no redirects
        followed), over connections kept alive between calls: a new client per call would
        load the certificate store each time, which costs more than most executions."""
        with self._transport_lock:
            if self._transport is None:
                self._transport = httpx.HTTPTransport(
                    verify=self._verify(),
                    # below the servers' keep-alive (5 s), so an idle connection is never
                    # reused just as the server closes it
                    limits=httpx.Limits(keepalive_expiry=2.0),
                )
            transport = self._transport
        options.setdefault("timeout", 60)
        client = httpx.Client(transport=transport, timeout=options.pop("timeout"))
        return client.request(method, url, **options)  # not closed: that closes the transport

    def create_user(
        self,
        email: str,
        password: str = "password-123",
        name: str = "",
        *,
        labels: list[str] | None = None,
        verified: bool = True,
    ) -> dict:
        """A user created through the Users API (fires `users.*.create`)."""
        from appwrite.services.users import Users

        users = Users(self.admin_client())
        secretscan.REGISTRY.remember(password)
        user = plain(users.create("unique()", email=email, password=password, name=name))
        if verified:
            users.update_email_verification(user["$id"], True)
        if labels:
            users.update_labels(user["$id"], labels)
        return plain(users.get(user["$id"]))

    def jwt_for(self, user: dict | str) -> str:
        """A fresh JWT for a user (by dict, id or email), as `account.create_jwt` gives."""
        from appwrite.query import Query
        from appwrite.services.users import Users

        users = Users(self.admin_client())
        if isinstance(user, str) and "@" in user:
            found = plain(users.list(queries=[Query.equal("email", [user])]))["users"]
            if not found:
                raise LookupError(f"no user with email {user!r}")
            user = found[0]
        user_id = user["$id"] if isinstance(user, dict) else user
        session = plain(users.create_session(user_id))
        return plain(users.create_jwt(user_id, session_id=session["$id"]))["jwt"]

    def as_user(self, user: dict | str):
        """An SDK client acting as `user` through a JWT (permissions apply)."""
        return self.guest_client().set_jwt(self.jwt_for(user))

    # -- HTTP -------------------------------------------------------------------------------------
    def invoke_http(
        self,
        function_id: str,
        path: str = "/",
        *,
        method: str = "GET",
        json: Any = None,
        body: bytes | str | None = None,
        headers: dict[str, str] | None = None,
        user: dict | str | None = None,
    ) -> httpx.Response:
        """A raw request to the function's own URL (`Authorization: Bearer <jwt>` for `user`)."""
        url = self.stack.function_urls.get(function_id)
        if url is None:
            raise LookupError(f"no function {function_id!r} in appwrite.json")
        headers = dict(headers or {})
        if user is not None:
            headers["authorization"] = f"Bearer {self.jwt_for(user)}"
        return self._http(method, url + path, json=json, content=body, headers=headers)

    def execute(
        self,
        function_id: str,
        path: str = "/",
        *,
        method: str = "POST",
        body: str = "",
        headers: dict[str, str] | None = None,
        user: dict | str | None = None,
        asynchronous: bool = False,
    ) -> dict:
        """A REST execution (`functions.create_execution`), with the admin key or as `user`."""
        from appwrite.services.functions import Functions

        client = self.as_user(user) if user is not None else self.admin_client()
        execution = Functions(client).create_execution(
            function_id,
            body=body,
            xasync=asynchronous,
            path=path,
            method=method,
            headers=headers or {},
        )
        return plain(execution)

    # -- events ------------------------------------------------------------------------------------
    @contextlib.contextmanager
    def caused_executions(self, timeout: float = 60.0) -> Iterator[list[dict]]:
        """Collects the executions started inside the block (and those they cause),
        once all have finished:

            with appwrite.caused_executions() as executions:
                tables.create_row(...)
            assert [e["functionId"] for e in executions] == ["enrich-article"]
        """
        records = self.stack.executions.records
        mark = records.mark()
        collected: list[dict] = []
        yield collected
        self.stack.executions.wait_idle(timeout)
        _, executions = records.since(mark)
        collected.extend(e.model(with_logs=True) for e in executions)

    def default_database(self) -> str:
        """The manifest's database, when it declares exactly one."""
        databases = [d.id for d in self.stack.manifest.databases]
        if len(databases) != 1:
            raise LookupError(
                f"the manifest declares {len(databases)} databases ({', '.join(databases)}): "
                "name one with database_id="
            )
        return databases[0]

    def emit_row_created(
        self,
        table_id: str,
        data: dict,
        *,
        database_id: str | None = None,
        row_id: str = "unique()",
        permissions: list[str] | None = None,
    ) -> tuple[dict, list[dict]]:
        """Create a row with the admin key; returns it and the executions its events caused.
        `database_id` defaults to the manifest's only database."""
        from appwrite.services.tables_db import TablesDB

        database_id = database_id or self.default_database()
        with self.caused_executions() as executions:
            row = TablesDB(self.admin_client()).create_row(
                database_id, table_id, row_id, data, permissions
            )
        return plain(row), executions

    def deliver_event(
        self, function_id: str, event: str, payload: Any, *, user_id: str = ""
    ) -> dict:
        """Deliver an event to one function as Appwrite's event worker does (trigger `event`,
        `x-appwrite-event`, the payload as body), e.g. again, to prove a handler idempotent;
        waits for it and returns the execution. `payload` is JSON-encoded unless a string."""
        from emulator.services.executions.model import Invocation, Trigger

        body = payload if isinstance(payload, str) else json.dumps(payload)
        invocation = Invocation(
            function_id, Trigger.EVENT, body=body, event=event, event_user_id=user_id
        )
        execution = self.stack.executions.runner.execute(invocation)
        return execution.model(with_logs=True)

    def wait_for_executions(self, timeout: float = 60.0) -> None:
        """Wait until no execution is running or queued."""
        self.stack.executions.wait_idle(timeout)

    # -- cron --------------------------------------------------------------------------------------
    def run_schedule(self, function_id: str, at: dt.datetime | str | None = None) -> dict:
        """Run the function as its cron trigger does, with `at` as its clock; waits for it
        and for the executions its writes cause."""
        execution = self.stack.executions.schedules.run_schedule(function_id, _moment(at))
        self.wait_for_executions()
        return execution.model(with_logs=True)

    def advance_clock(self, until: dt.datetime | str) -> list[dict]:
        """Run every cron tick from the scheduler's mark up to `until`, in order."""
        executions = self.stack.executions.schedules.advance(_moment(until))
        self.wait_for_executions()
        return [e.model(with_logs=True) for e in executions]

    def tick(self, at: dt.datetime | str) -> list[dict]:
        """What `python -m emulator tick --at` does: run the cron jobs due at `at` and
        release the one-off executions scheduled by then; waits for all of them."""
        executions = self.stack.executions.schedules.tick(_moment(at))
        self.wait_for_executions()
        records = self.stack.executions.records
        return [records.get(e.id).model(with_logs=True) for e in executions]

    def set_clock(self, at: dt.datetime | str) -> None:
        """Move the scheduler's mark without running anything (start of a simulation)."""
        self.stack.executions.schedules.set_clock(_moment(at))

    # -- state -------------------------------------------------------------------------------
    def snapshot(self) -> sqlite3.Connection:
        """The whole state (rows, users, teams, executions, …) copied in memory, once no
        execution is running; `restore(snapshot)` brings it back (SQLite's backup API: no
        re-provisioning, milliseconds for a small project)."""
        self.wait_for_executions()
        return self.stack.state.db.snapshot()

    def restore(self, snapshot: sqlite3.Connection) -> None:
        """Back to the state of `snapshot`, once no execution is running. Warm workers
        stay; the cron mark is not moved."""
        self.wait_for_executions()
        self.stack.state.db.restore(snapshot)

    def apply_seed(self, path: str | pathlib.Path) -> str:
        """Apply a seed file: JSON/YAML (`emulator.statefiles.seed`), written through the
        API, its events paused unless it says `fireEvents`; or a Python file whose
        `seed(client)` gets this client. Returns what to print."""
        path = pathlib.Path(path)
        from emulator.statefiles import seed as seeds

        if not seeds.is_seed_file(path):
            return run_python_seed(path, self)
        seed = seeds.load_seed(path)
        executions = self.stack.executions
        paused = not seed.fire_events
        if paused:
            self.stack.state.unsubscribe(executions.fanout)
        try:
            return seeds.apply_seed(
                seed,
                endpoint=self.endpoint,
                project_id=self.project_id,
                api_key=self.stack.api_key,
                databases=[d.id for d in self.stack.manifest.databases],
            )
        finally:
            if paused:
                self.stack.state.subscribe(executions.fanout)
            self.wait_for_executions()

    # -- faults (emulator-only) ----------------------------------------------------------------
    def inject_fault(
        self,
        method: str,
        path: str,
        fault: str,
        *,
        times: int | None = 1,
        dynamic_keys_only: bool = False,
        delay: float = 0.0,
        retry_after: int = 1,
    ) -> dict:
        """Make the API answer requests matching `method` (or "*") and `path` (a glob of the
        request path, e.g. "/v1/tablesdb/*/rows/*") with `fault` — "429" (with retry-after),
        "500", "503", "delay" (`delay` seconds, then served), "drop" (connection closed
        unanswered) or "lost" (served, then the connection closed without the answer) — for
        the next `times` matches (None: until cleared), optionally only
        for functions' dynamic keys. Returns the rule; its "matched" count is in `faults()`."""
        return self._faults_call(
            "POST",
            json={
                "method": method,
                "path": path,
                "fault": fault,
                "times": times,
                "dynamicKeysOnly": dynamic_keys_only,
                "delay": delay,
                "retryAfter": retry_after,
            },
        )

    def faults(self) -> dict:
        """The active fault rules (with how often each matched) and the recent requests."""
        return self._faults_call("GET")

    def clear_faults(self) -> None:
        """Remove every injected fault."""
        self._faults_call("DELETE")

    def _faults_call(self, method: str, json: Any = None) -> Any:
        headers = {"x-appwrite-project": self.project_id, "x-appwrite-key": self.stack.api_key}
        response = self._http(
            method, f"{self.endpoint}/emulator/faults", json=json, headers=headers, timeout=30
        )
        if response.status_code >= 400:
            raise RuntimeError(f"fault injection: {response.status_code} {response.text}")
        return response.json() if response.content else None

    # -- secret scan ------------------------------------------------------------------------------
    def exempt_from_secret_scan(self, function_ids: list[str], reason: str) -> None:
        """Skip these functions' stored executions in the run's secret scan (for probes that
        echo their credentials on purpose); the report lists them with `reason`."""
        secretscan.REGISTRY.exempt(self.stack, function_ids, reason)

    def execution_stats(self, execution_id: str) -> dict:
        """Emulator-only: the API traffic an execution caused — `requests` (round trips
        made with its dynamic key), `connections`, `newConnections`, `tlsHandshakes`
        (`emulator/http/traffic.py`; also `GET /v1/emulator/executions/{id}/stats`)."""
        return self.stack.api.app.state.traffic.stats(execution_id)

    def executions(self, function_id: str) -> list[dict]:
        """Every stored execution of a function, oldest first (with logs)."""
        records = self.stack.executions.records
        return [e.model(with_logs=True) for e in records.all_for(function_id)]
