"""The console's way to read and write the project: the emulator's own REST API, called
in-process with the admin key (through every middleware, route, validator and event, as
any API write — never raw SQL).

    api = ConsoleAPI(app, project_id, admin_key)
    rows = await api.get("/tablesdb/main/tables/notes/rows", queries=[...])
    await api.call("PATCH", "/users/ID/status", json={"status": False})

A failed call raises `APIError` with Appwrite's message and type, which the pages show.
"""

from __future__ import annotations

from typing import Any

import httpx
from starlette.types import ASGIApp


class APIError(Exception):
    def __init__(self, status: int, message: str, type: str = ""):
        super().__init__(message)
        self.status = status
        self.message = message
        self.type = type


class ConsoleAPI:
    def __init__(self, app: ASGIApp, project_id: str, key: str):
        self._app = app
        self._headers = {
            "x-appwrite-project": project_id,
            "x-appwrite-key": key,
            "x-emulator-console": "1",  # the requests monitor labels these
        }

    async def call(
        self,
        method: str,
        path: str,
        *,
        queries: list[str] | None = None,
        params: dict[str, Any] | None = None,
        json: Any = None,
    ) -> Any:
        query: dict[str, Any] = dict(params or {})
        if queries:
            query["queries[]"] = list(queries)
        transport = httpx.ASGITransport(app=self._app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://console.local/v1", headers=self._headers
        ) as client:
            response = await client.request(method, path, params=query or None, json=json)
        if response.status_code == 204 or not response.content:
            return None
        try:
            body = response.json()
        except ValueError:
            body = {"message": response.text[:500]}
        if response.status_code >= 400:
            raise APIError(
                response.status_code, str(body.get("message", "")), str(body.get("type", ""))
            )
        return body

    async def raw(self, path: str, params: dict[str, Any] | None = None) -> httpx.Response:
        """A GET whose answer is not JSON (a file's bytes, a preview)."""
        transport = httpx.ASGITransport(app=self._app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://console.local/v1", headers=self._headers
        ) as client:
            return await client.get(path, params=params)

    async def get(self, path: str, **kwargs) -> Any:
        return await self.call("GET", path, **kwargs)
