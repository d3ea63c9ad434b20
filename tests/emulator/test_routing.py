"""The API's router tries only the routes that fit the path's shape (`emulator/http/routing.py`,
issue 13 item 6): for every path, it must pick the route Starlette's linear scan picks — the
first full match, else the first partial one (a 405) — and leave misses to Starlette."""

from __future__ import annotations

import re

import httpx
import pytest
from starlette.routing import Match, Route

from emulator.app import create_app
from emulator.core.state import EmulatorState
from emulator.http.routing import IndexedRouter
from emulator.server import start

pytestmark = pytest.mark.sdk_free  # no SDK call: the SDK 27 pass of `make test` skips it

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")


def _linear_choice(routes, scope):
    partial = None
    for route in routes:
        match, _ = route.matches(scope)
        if match is Match.FULL:
            return route, "full"
        if match is Match.PARTIAL and partial is None:
            partial = route
    return (partial, "partial") if partial is not None else (None, "none")


def _scope(method: str, path: str) -> dict:
    return {"type": "http", "method": method, "path": path, "root_path": "", "headers": []}


def _paths(router: IndexedRouter) -> list[str]:
    """Each route's path with its parameters filled in, plus near misses around it."""
    paths = {"/", "/nothing", "/nothing/at/all", "//", "/users/", "/tablesdb//tables"}
    for route in router.routes:
        concrete = re.sub(r"\{[^}]+\}", "x1", route.path)
        paths.update({concrete, concrete + "/", concrete + "/extra", concrete.rsplit("/", 1)[0]})
        paths.add(re.sub(r"\{[^}]+\}", "rows", route.path))  # a parameter named like a literal
    return sorted(paths)


@pytest.fixture(scope="module")
def router() -> IndexedRouter:
    app = create_app(EmulatorState.open(None, project_id="p1"))
    inner = app.router.routes[0].app
    assert isinstance(inner, IndexedRouter)
    return inner


def test_the_indexed_router_picks_the_route_starlette_would(router):
    paths = _paths(router)
    assert len(router.routes) > 100 and len(paths) > 400
    for path in paths:
        for method in METHODS:
            scope = _scope(method, path)
            expected = _linear_choice(router.routes, scope)
            assert _linear_choice(router.candidates(path), scope) == expected, (method, path)


def test_candidates_are_few_for_a_row_path(router):
    # the point of the index: a row read tries a handful of routes, not all of them
    assert len(router.candidates("/tablesdb/d/tables/t/rows")) < 15
    assert router.candidates("/nothing") == []


def test_routes_added_later_are_found_and_misses_stay_starlettes():
    state = EmulatorState.open(None, project_id="p1")
    app = create_app(state)

    async def hello(request):
        from starlette.responses import PlainTextResponse

        return PlainTextResponse("hello")

    running = start(state, app=app)
    try:
        headers = {"x-appwrite-project": "p1"}
        missing = httpx.get(f"{running.endpoint}/hello/there", headers=headers)
        assert missing.status_code == 404
        app.router.routes[0].app.routes.append(Route("/hello/{name}", hello))
        found = httpx.get(f"{running.endpoint}/hello/there", headers=headers)
        assert (found.status_code, found.text) == (200, "hello")
        wrong_method = httpx.delete(f"{running.endpoint}/hello/there", headers=headers)
        assert wrong_method.json()["type"] == "general_route_not_found"  # a 405, as Appwrite says
        assert httpx.get(f"{running.endpoint}/nothing", headers=headers).json()["code"] == 404
    finally:
        running.stop()


def _answers(app, requests: list[tuple[str, str]]) -> list:
    """What a router answers for each request it cannot route: (status, location), or the
    status of the HTTPException it raises. One event loop for all of them."""
    import asyncio

    from starlette.exceptions import HTTPException

    async def answer(method: str, path: str):
        scope = _scope(method, path) | {"query_string": b"", "server": ("h", 80), "scheme": "http"}
        sent: list[dict] = []

        async def receive():
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message):
            sent.append(message)

        try:
            await app(scope, receive, send)
        except HTTPException as raised:
            return ("raised", raised.status_code)
        headers = dict(sent[0].get("headers", []))
        return (sent[0]["status"], headers.get(b"location"))

    async def all_of_them():
        return [await answer(method, path) for method, path in requests]

    return asyncio.run(all_of_them())


def test_a_miss_is_answered_as_starlette_answers_it_redirects_included(router):
    from starlette.routing import Router

    plain = Router(routes=router.routes)  # Starlette's own scan over the same routes
    misses = [
        (method, path)
        for path in _paths(router)
        for method in ("GET", "DELETE")  # a miss does not depend on the method
        if _linear_choice(router.routes, _scope(method, path))[1] == "none"
    ]
    expected = _answers(plain.app, misses)
    answers = _answers(router.app, misses)
    assert dict(zip(misses, answers, strict=True)) == dict(zip(misses, expected, strict=True))
    redirects = sum(answer[0] == 307 for answer in expected)
    assert redirects > 50 and len(misses) - redirects > 100  # both kinds were tried


def test_a_miss_does_not_scan_every_route(router, monkeypatch):
    tried = []
    original = Route.matches

    def counted(self, scope):
        tried.append(self.path)
        return original(self, scope)

    monkeypatch.setattr(Route, "matches", counted)
    misses = [("GET", "/nothing/at/all"), ("GET", "/tablesdb/d/tables/t/rows/r/nothing")]
    assert _answers(router.app, misses) == [(404, None), (404, None)]
    assert len(tried) < 30  # Starlette's scan: every route twice (some 660 tries) per miss
