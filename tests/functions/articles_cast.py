"""The cast of the access matrix for the `articles` tests, and calls to its function URL.

One team with an owner (who created it), a plain member, an editor and an admin; the
author is a plain member too. Outside it: a site admin, a stranger and guests.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import httpx
from appwrite.services.tables_db import TablesDB
from appwrite.services.teams import Teams

from emulator.testclient import AppwriteTestClient

FUNCTION = "articles"
KINDS = ("author", "member", "editor", "team_admin", "owner", "site_admin", "stranger", "guest")
ROLES = {"author": ["member"], "member": ["member"], "editor": ["editor"], "team_admin": ["admin"]}


def unique(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:10]}"


@dataclass
class Cast:
    appwrite: AppwriteTestClient
    team_id: str
    users: dict[str, dict]
    _jwts: dict[str, str] = field(default_factory=dict)

    @classmethod
    def assemble(cls, appwrite: AppwriteTestClient, site_admin: dict) -> Cast:
        users = {
            kind: appwrite.create_user(f"{kind}-{uuid.uuid4().hex[:10]}@example.com", name=kind)
            for kind in ("author", "member", "editor", "team_admin", "owner", "stranger")
        }
        users["site_admin"] = site_admin
        team_id = unique("team")
        Teams(appwrite.as_user(users["owner"])).create(team_id, "Desk")  # the creator is its owner
        teams = Teams(appwrite.admin_client())
        for kind, roles in ROLES.items():
            teams.create_membership(
                team_id, roles, user_id=users[kind]["$id"]
            )  # key: confirmed at once
        return cls(appwrite, team_id, users)

    def id(self, kind: str) -> str:
        return self.users[kind]["$id"]

    def jwt(self, kind: str) -> str:
        if kind not in self._jwts:
            self._jwts[kind] = self.appwrite.jwt_for(self.users[kind])
        return self._jwts[kind]

    def call(
        self, kind: str | None, method: str, path: str, json: Any = None, **kwargs: Any
    ) -> httpx.Response:
        """A request to the function URL as `kind` (None or "guest": no JWT);
        `params` become the query."""
        headers = dict(kwargs.pop("headers", {}) or {})
        params = kwargs.pop("params", None)
        if params:
            path += "?" + urlencode(params)
        if kind not in (None, "guest"):
            headers["authorization"] = f"Bearer {self.jwt(kind)}"
        return self.appwrite.invoke_http(
            FUNCTION, path, method=method, json=json, headers=headers, **kwargs
        )

    def create(self, kind: str = "author", *, team: bool = True, **fields: Any) -> dict:
        body = {
            "title": fields.pop("title", "A story"),
            "body": fields.pop("body", "Words, words."),
            **fields,
        }
        if team:
            body["teamId"] = self.team_id
        response = self.call(kind, "POST", "/articles", body)
        assert response.status_code == 201, response.text
        return response.json()

    def published(self, kind: str = "author", **fields: Any) -> dict:
        row = self.create(kind, **fields)
        response = self.call(kind, "POST", f"/articles/{row['$id']}/publish")
        assert response.status_code == 200, response.text
        return response.json()

    def sdk_tables(self, kind: str) -> TablesDB:
        """TablesDB as the user itself (row permissions apply), or as a guest."""
        client = self.appwrite.guest_client()
        if kind != "guest":
            client.set_jwt(self.jwt(kind))
        return TablesDB(client)


def error_code(response: httpx.Response) -> str:
    return response.json()["error"]["code"]


def pointers(response: httpx.Response) -> set[str]:
    assert response.status_code == 400, response.text
    return {d["path"] for d in response.json()["error"]["details"]}
