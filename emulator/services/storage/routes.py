"""Every route of Storage."""

from __future__ import annotations

from starlette.routing import Route

from emulator.services.storage import routes_buckets, routes_files


def routes() -> list[Route]:
    return routes_buckets.routes() + routes_files.routes()
