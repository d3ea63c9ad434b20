"""Appwrite's own e2e suites, ported: fixtures and the marks every case carries.

Each test is one case of Appwrite's PHP e2e tests (`tests/e2e/Services/...` of
appwrite/appwrite), rewritten in Python, and says where it comes from:

    @appwrite("Users/UsersBase.php::testCreateUser", "1.9.6")

It runs twice, through the `api` fixture: `[raw]` (httpx, the REST API as the reference
describes it) and `[sdk]` (the installed appwrite SDK's service methods). Marks:

* `@gap("…")` — the emulator differs from Appwrite today: the case is an xfail(strict), so it
  turns into a failure the day the emulator is fixed (then remove the mark).
  `@gap("…", transports=("raw",))` limits it to one transport (e.g. a status the SDK never shows).
* `@deliberate("…")` — a difference `docs/emulator.md` documents (skip).
* `@raw_only("…")` — the SDK cannot send this request (e.g. it refuses a missing required
  parameter before sending): the `[sdk]` run is skipped with that reason.

The emulator server is the session fixture of `tests/emulator/conftest.py` (imported, not
copied), shared by every case in a worker. `python -m tests.contract.coverage` counts the cases.
"""

from __future__ import annotations

import pathlib
import secrets

import pytest

from tests.contract.harness import Api, Auth, RawApi, SdkApi
from tests.emulator.conftest import SDK_GET_BOOLEANS_WORK, emulator  # noqa: F401 (fixture)

APPWRITE_REPO = "https://github.com/appwrite/appwrite"


def appwrite(ref: str, version: str = "1.9.6"):
    """The PHP case this test ports: `<path under tests/e2e/Services>::<method>` at a tag."""
    return pytest.mark.appwrite(ref=ref, version=version)


def gap(reason: str, transports: tuple[str, ...] = ("raw", "sdk")):
    return pytest.mark.gap(reason=reason, transports=transports)


def deliberate(reason: str):
    return pytest.mark.deliberate(reason=reason)


def raw_only(reason: str):
    return pytest.mark.raw_only(reason=reason)


def pytest_configure(config):
    for line in (
        "appwrite(ref, version): the Appwrite e2e case (file::method) a contract test ports",
        "gap(reason, transports): known emulator gap — xfail(strict) on those transports",
        "deliberate(reason): documented deliberate difference — skipped",
        "raw_only(reason): the SDK cannot express the request — [sdk] skipped",
        "fuzz: spec-driven fuzzing of the REST API",
    ):
        config.addinivalue_line("markers", line)


def transports(config) -> set[str]:
    return {t.strip() for t in config.getoption("contract_transports").split(",") if t.strip()}


def fuzz_long(config) -> bool:
    return bool(config.getoption("contract_fuzz_long"))


def pytest_collection_modifyitems(config, items):
    wanted = transports(config)
    here = pathlib.Path(__file__).parent
    kept, dropped = [], []
    for item in items:
        transport = getattr(item, "callspec", None) and item.callspec.params.get("api")
        if here not in item.path.parents:
            kept.append(item)
            continue
        if transport is None:  # a case with one way of sending it (not per transport)
            kept.append(item)
            _apply_marks(item, "raw")
            continue
        if transport not in wanted:
            dropped.append(item)
            continue
        kept.append(item)
        _apply_marks(item, transport)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


def _apply_marks(item, transport: str) -> None:
    for mark in item.iter_markers("appwrite"):  # read by tests/contract/coverage.py
        item.user_properties.append(("appwrite", f"{mark.kwargs['ref']}@{mark.kwargs['version']}"))
    item.user_properties.append(("transport", transport))
    for mark in item.iter_markers("deliberate"):
        item.add_marker(pytest.mark.skip(reason=f"deliberate: {mark.kwargs['reason']}"))
    for mark in item.iter_markers("raw_only"):
        if transport == "sdk":
            item.add_marker(pytest.mark.skip(reason=f"raw only: {mark.kwargs['reason']}"))
    for mark in item.iter_markers("gap"):
        if transport in mark.kwargs["transports"]:
            item.add_marker(pytest.mark.xfail(strict=True, reason=f"gap: {mark.kwargs['reason']}"))


@pytest.fixture(params=["raw", "sdk"])
def api(request, emulator) -> Api:  # noqa: F811
    """The admin-key caller, over raw HTTP or through the SDK."""
    cls = RawApi if request.param == "raw" else SdkApi
    return cls(emulator.endpoint, emulator.project_id, Auth(key=emulator.api_key))


@pytest.fixture
def raw(emulator) -> RawApi:  # noqa: F811
    """Raw HTTP with the key, for set-up steps that are not the case under test."""
    return RawApi(emulator.endpoint, emulator.project_id, Auth(key=emulator.api_key))


@pytest.fixture
def uid():
    """`uid("db")` → a fresh id with that prefix (cases share one server)."""
    return lambda prefix="x": f"{prefix}{secrets.token_hex(5)}"


@pytest.fixture
def get_booleans(api):
    """Skip an SDK run whose GET booleans this SDK sends as True/False (Appwrite rejects them)."""
    if api.transport == "sdk" and not SDK_GET_BOOLEANS_WORK:
        pytest.skip("SDK 15.3 sends GET booleans as True/False, which Appwrite rejects (400)")


ANY_CRUD = ['read("any")', 'create("any")', 'update("any")', 'delete("any")']


@pytest.fixture
def database(api, uid):
    """A fresh TablesDB database (made by the case's own transport) → its id."""
    r = api.post("/tablesdb", {"databaseId": uid("db"), "name": "Test Database"})
    assert r.status == 201, r
    return r["$id"]


@pytest.fixture
def table(api, database, uid):
    """`table(columns=[(type, payload)], indexes=[payload], **table_fields)` → `(db, table)` ids.

    Columns and indexes are made one by one with their own endpoints, as the PHP suite does."""

    def make(columns=(), indexes=(), **fields):
        body = {
            "tableId": fields.pop("tableId", uid("t")),
            "name": fields.pop("name", "Test Table"),
            "permissions": fields.pop("permissions", ANY_CRUD),
            "rowSecurity": fields.pop("rowSecurity", True),
            **fields,
        }
        r = api.post(f"/tablesdb/{database}/tables", body)
        assert r.status == 201, r
        base = f"/tablesdb/{database}/tables/{r['$id']}"
        for kind, payload in columns:
            c = api.post(f"{base}/columns/{kind}", payload)
            assert c.status == 202, c
        for payload in indexes:
            i = api.post(f"{base}/indexes", payload)
            assert i.status == 202, i
        return database, r["$id"]

    return make
