"""Route dispatch by the path's shape: Starlette's router, without the linear scan.

Starlette tries every route of a router in order until one matches — some 130 regular
expressions for each request to `/v1/...`. A route whose path starts with a literal
segment (`/tablesdb/{databaseId}/...`) can only match a path with that same first segment,
and a route without a `:path` parameter (whose parameters never span a `/`) only a path
with as many segments as its own. `IndexedRouter` tries only the routes that pass both
tests, still in their declared order: the first full match (or, failing one, the first
partial match — a 405) is therefore the route Starlette itself would have chosen. When no
candidate matches at all, Starlette would scan every route again for the path with its
trailing slash added or removed, and redirect there if any matches. The same filter picks
the routes that can match that path: only when one does is the request left to Starlette's
own scan (which then answers the redirect exactly as before); otherwise it goes straight to
the router's 404. A miss no longer costs two passes over some 330 routes (1–2 ms of CPU).

Routes appended after construction (tests do) are indexed on the next request.
"""

from __future__ import annotations

from starlette.routing import BaseRoute, Match, Mount, Route, Router, get_route_path
from starlette.types import Receive, Scope, Send

_MAX_CACHED_SEGMENTS = 32  # longer paths are filtered per request, not remembered


def _shape(route: BaseRoute) -> tuple[str | None, int | None]:
    """(the literal first segment of every path `route` matches, their number of segments);
    None where either is not fixed (a parameter first, a `:path` parameter, a mount)."""
    if not isinstance(route, (Route, Mount)) or not route.path.startswith("/"):
        return None, None
    parts = route.path[1:].split("/")
    first = None if "{" in parts[0] else parts[0]
    fixed = isinstance(route, Route) and ":path}" not in route.path
    return first, len(parts) if fixed else None


class IndexedRouter(Router):
    """A `Router` that tries only the routes that can match the request path's shape."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._shapes: list[tuple[BaseRoute, str | None, int | None]] = []
        self._firsts: set[str] = set()
        self._candidates: dict[tuple[str | None, int], list[BaseRoute]] = {}

    def candidates(self, route_path: str) -> list[BaseRoute]:
        """The routes that can match `route_path` (which starts with `/`), in order."""
        if len(self._shapes) != len(self.routes):
            self._shapes = [(route, *_shape(route)) for route in self.routes]
            self._firsts = {first for _, first, _ in self._shapes if first is not None}
            self._candidates = {}
        parts = route_path[1:].split("/")
        first = parts[0] if parts[0] in self._firsts else None  # unknown ones all alike
        key = (first, len(parts))
        found = self._candidates.get(key)
        if found is None:
            found = [
                route
                for route, literal, count in self._shapes
                if (literal is None or literal == first) and (count is None or count == len(parts))
            ]
            if len(parts) <= _MAX_CACHED_SEGMENTS:
                self._candidates[key] = found
        return found

    async def app(self, scope: Scope, receive: Receive, send: Send) -> None:
        route_path = get_route_path(scope) if scope["type"] == "http" else ""
        if not route_path.startswith("/"):
            await super().app(scope, receive, send)
            return
        if "router" not in scope:
            scope["router"] = self
        partial = partial_scope = None
        for route in self.candidates(route_path):
            match, child_scope = route.matches(scope)
            if match is Match.FULL:
                scope["route"] = route
                scope.update(child_scope)
                await route.handle(scope, receive, send)
                return
            if match is Match.PARTIAL and partial is None:
                partial, partial_scope = route, child_scope
        if partial is not None:
            scope["route"] = partial
            scope.update(partial_scope)
            await partial.handle(scope, receive, send)
            return
        if self._redirect_possible(scope, route_path):
            await super().app(scope, receive, send)  # Starlette's own scan: its redirect
            return
        await self.default(scope, receive, send)  # no route: Starlette's 404

    def _redirect_possible(self, scope: Scope, route_path: str) -> bool:
        """Whether Starlette's trailing-slash redirect could apply: a route matches (fully or
        partly) the path with its trailing slash toggled, as `Router.app` builds it."""
        if not self.redirect_slashes or route_path == "/":
            return False
        path = scope["path"]
        toggled = dict(scope, path=path.rstrip("/") if route_path.endswith("/") else path + "/")
        toggled_route_path = get_route_path(toggled)
        if not toggled_route_path.startswith("/"):
            return True  # outside the index's shapes: let Starlette decide
        return any(
            route.matches(toggled)[0] is not Match.NONE
            for route in self.candidates(toggled_route_path)
        )
