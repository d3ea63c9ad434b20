"""A test client for Appwrite functions, and the pytest fixtures that provide it.

Enable the fixtures in your `conftest.py`:

    pytest_plugins = ["emulator.testing"]

and point them at your project (default: the nearest appwrite.json above the rootdir):

    # pytest.ini / pyproject:  [tool.pytest.ini_options]  appwrite_manifest = "appwrite.json"

Fixtures:
* `appwrite` (session) — an `AppwriteTestClient` on a fresh emulator (free port, fresh
  data dir), provisioned from the manifest, with every function runnable;
* `appwrite_admin` — an SDK `Client` with the admin key.

    def test_signup(appwrite):
        response = appwrite.invoke_http("accounts", "/signup", method="POST", json={...})
        assert response.status_code == 201
        row, executions = appwrite.emit_row_created("articles", {...})
        assert executions[0]["status"] == "completed"
        execution = appwrite.run_schedule("publish-scheduled", at="2026-03-01T03:00Z")
"""

from __future__ import annotations

import contextlib
import datetime as dt
import pathlib
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from emulator.functions import store
from emulator.stack import Stack, parse_moment


class AppwriteTestClient:
    """Drives a running `Stack` the way clients, events and cron do."""

    def __init__(self, stack: Stack):
        self.stack = stack

    # -- clients --------------------------------------------------------------------------------
    @property
    def endpoint(self) -> str:
        return self.stack.endpoint

    @property
    def project_id(self) -> str:
        return self.stack.project_id

    def admin_client(self):
        """An SDK client with the admin API key (every scope, permissions bypassed)."""
        from appwrite.client import Client

        return (
            Client()
            .set_endpoint(self.endpoint)
            .set_project(self.project_id)
            .set_key(self.stack.api_key)
        )

    def guest_client(self):
        """An SDK client with no credentials (role `guests`)."""
        from appwrite.client import Client

        return Client().set_endpoint(self.endpoint).set_project(self.project_id)

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
        user = users.create("unique()", email=email, password=password, name=name)
        if verified:
            users.update_email_verification(user["$id"], True)
        if labels:
            users.update_labels(user["$id"], labels)
        return users.get(user["$id"])

    def jwt_for(self, user: dict | str) -> str:
        """A fresh JWT for a user (by dict, id or email), as `account.create_jwt` gives."""
        from appwrite.query import Query
        from appwrite.services.users import Users

        users = Users(self.admin_client())
        if isinstance(user, str) and "@" in user:
            found = users.list(queries=[Query.equal("email", [user])])["users"]
            if not found:
                raise LookupError(f"no user with email {user!r}")
            user = found[0]
        user_id = user["$id"] if isinstance(user, dict) else user
        session = users.create_session(user_id)
        return users.create_jwt(user_id, session_id=session["$id"])["jwt"]

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
            raise LookupError(
                f"{function_id} has no URL: its execute roles include neither 'any' nor 'guests'"
            )
        headers = dict(headers or {})
        if user is not None:
            headers["authorization"] = f"Bearer {self.jwt_for(user)}"
        return httpx.request(
            method, url + path, json=json, content=body, headers=headers, timeout=60
        )

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
        return Functions(client).create_execution(
            function_id,
            body=body,
            xasync=asynchronous,
            path=path,
            method=method,
            headers=headers or {},
        )

    # -- events -------------------------------------------------------------------------------------
    @contextlib.contextmanager
    def caused_executions(self, timeout: float = 60.0) -> Iterator[list[dict]]:
        """Collects the executions started inside the block (and those they cause),
        once all have finished:

            with appwrite.caused_executions() as executions:
                tables.create_row(...)
            assert [e["functionId"] for e in executions] == ["enrich-article"]
        """
        mark = store.mark(self.stack.state.db)
        collected: list[dict] = []
        yield collected
        self.stack.functions.wait_idle(timeout)
        _, executions = store.since(self.stack.state.db, mark)
        collected.extend(store.public(e, with_logs=True) for e in executions)

    def emit_row_created(
        self,
        table_id: str,
        data: dict,
        *,
        database_id: str = "newsroom",
        row_id: str = "unique()",
        permissions: list[str] | None = None,
    ) -> tuple[dict, list[dict]]:
        """Create a row with the admin key; returns it and the executions its events caused."""
        from appwrite.services.tables_db import TablesDB

        with self.caused_executions() as executions:
            row = TablesDB(self.admin_client()).create_row(
                database_id, table_id, row_id, data, permissions
            )
        return row, executions

    def wait_for_executions(self, timeout: float = 60.0) -> None:
        """Wait until no execution is running or queued."""
        self.stack.functions.wait_idle(timeout)

    # -- cron ---------------------------------------------------------------------------------------
    def run_schedule(self, function_id: str, at: dt.datetime | str | None = None) -> dict:
        """Run the function as its cron trigger does, with `at` as its clock; waits for it
        and for the executions its writes cause."""
        moment = parse_moment(at) if isinstance(at, str) else at
        execution = self.stack.functions.run_schedule(function_id, moment)
        self.stack.functions.wait_idle()
        return store.public(execution, with_logs=True)

    def advance_clock(self, until: dt.datetime | str) -> list[dict]:
        """Run every cron tick from the scheduler's mark up to `until`, in order."""
        moment = parse_moment(until) if isinstance(until, str) else until
        executions = self.stack.functions.advance(moment)
        self.stack.functions.wait_idle()
        return [store.public(e, with_logs=True) for e in executions]

    def tick(self, at: dt.datetime | str) -> list[dict]:
        """What `python -m emulator tick --at` does: run the cron jobs due at `at` and
        release the one-off executions scheduled by then; waits for all of them."""
        moment = parse_moment(at) if isinstance(at, str) else at
        executions = self.stack.functions.tick(moment)
        self.stack.functions.wait_idle()
        return [
            store.public(store.get(self.stack.state.db, e["$id"]), with_logs=True)
            for e in executions
        ]

    def set_clock(self, at: dt.datetime | str) -> None:
        """Move the scheduler's mark without running anything (start of a simulation)."""
        moment = parse_moment(at) if isinstance(at, str) else at
        self.stack.functions.scheduler.reset(moment)

    def executions(self, function_id: str) -> list[dict]:
        """Every stored execution of a function, oldest first (with logs)."""
        return [
            store.public(e, with_logs=True) for e in store.all_for(self.stack.state.db, function_id)
        ]


def _manifest_path(config: pytest.Config) -> pathlib.Path:
    configured = config.getini("appwrite_manifest")
    if configured:
        return (config.rootpath / configured).resolve()
    from emulator.manifest import find_manifest

    found = find_manifest(config.rootpath)
    if found is None:
        raise pytest.UsageError(
            "emulator.testing: no appwrite.json found; set `appwrite_manifest` in the pytest config"
        )
    return found


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        "appwrite_manifest", "path of appwrite.json for the emulator.testing fixtures", default=""
    )


@pytest.fixture(scope="session")
def appwrite(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[AppwriteTestClient]:
    """A fresh emulator with every function of the project, for the whole test session."""
    stack = Stack.start(
        _manifest_path(request.config),
        data_dir=tmp_path_factory.mktemp("appwrite"),
        realtime_cron=False,
    )
    try:
        yield AppwriteTestClient(stack)
    finally:
        stack.close()


@pytest.fixture
def appwrite_admin(appwrite: AppwriteTestClient):
    """An SDK client with the emulator's admin API key."""
    return appwrite.admin_client()


__all__ = ["AppwriteTestClient", "appwrite", "appwrite_admin"]
