"""A small HTTP router: method + path pattern with `{name}` parameters.

A parameter matches one non-empty path segment; a literal segment wins over a
parameter (`/articles/search` before `/articles/{id}`, whatever the order they were
added in). A trailing slash is ignored (`/articles/` is `/articles`). Unknown path →
`NotFound`; known path with another method → `MethodNotAllowed` carrying the `Allow`
header. Methods are compared exactly, as HTTP defines them (case-sensitive): any method a
caller sends — `get`, `PROPFIND`, `TRACE` — gets one of these JSON answers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .errors import MethodNotAllowed, NotFound, echo
from .records import Frozen, set_field

METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD"})


def _param(segment: str) -> str | None:
    """The name of a `{name}` segment (an ASCII identifier), else None. String tests, not a
    regular expression: registering routes at import compiles nothing (decision 0019)."""
    if len(segment) > 2 and segment[0] == "{" and segment[-1] == "}":
        name = segment[1:-1]
        if name.isascii() and name.isidentifier():
            return name
    return None


def _segments(path: str) -> list[str]:
    trimmed = path.strip("/")
    return trimmed.split("/") if trimmed else []


class Route(Frozen):
    __slots__ = ("handler", "method", "pattern", "segments")
    method: str
    pattern: str
    handler: Callable[..., Any]
    segments: tuple[str, ...]

    def __init__(
        self, method: str, pattern: str, handler: Callable[..., Any], segments: tuple[str, ...]
    ):
        set_field(self, "method", method)
        set_field(self, "pattern", pattern)
        set_field(self, "handler", handler)
        set_field(self, "segments", segments)

    @property
    def specificity(self) -> tuple[bool, ...]:
        return tuple(_param(s) is None for s in self.segments)

    def match_path(self, path: str) -> dict[str, str] | None:
        parts = _segments(path)
        if len(parts) != len(self.segments):
            return None
        params: dict[str, str] = {}
        for want, have in zip(self.segments, parts, strict=True):
            name = _param(want)
            if name is not None:
                if not have:
                    return None
                params[name] = have
            elif want != have:
                return None
        return params


class Match(Frozen):
    __slots__ = ("params", "route")
    route: Route
    params: dict[str, str]

    def __init__(self, route: Route, params: dict[str, str]):
        set_field(self, "route", route)
        set_field(self, "params", params)


class Router:
    def __init__(self) -> None:
        self.routes: list[Route] = []

    def add(self, method: str, pattern: str, handler: Callable[..., Any]) -> Route:
        method = method.upper()
        if method not in METHODS:
            raise ValueError(f"unknown HTTP method {method!r}")
        if not pattern.startswith("/"):
            raise ValueError(f"route pattern must start with '/': {pattern!r}")
        segments = tuple(_segments(pattern))
        names = [name for s in segments if (name := _param(s)) is not None]
        if len(names) != len(set(names)):
            raise ValueError(f"duplicate parameter in {pattern!r}")
        if any(("{" in s or "}" in s) and _param(s) is None for s in segments):
            raise ValueError(f"a parameter must be a whole segment: {pattern!r}")
        for route in self.routes:
            if route.method == method and route.segments == segments:
                raise ValueError(f"route {method} {pattern} is already defined")
        route = Route(method, pattern, handler, segments)
        self.routes.append(route)
        return route

    def match(self, method: str, path: str) -> Match:
        """The route for `method` + `path`; raises `NotFound` or `MethodNotAllowed`."""
        allowed: list[str] = []
        best: Match | None = None
        for route in self.routes:
            params = route.match_path(path)
            if params is None:
                continue
            allowed.append(route.method)
            if route.method == method and (
                best is None or route.specificity > best.route.specificity
            ):
                best = Match(route, params)
        if best is not None:
            return best
        if allowed:
            raise MethodNotAllowed(allowed, f"Method {echo(method)} is not allowed here.")
        raise NotFound(f"No route for {echo(path)}.", code="route_not_found")
