"""The people of the security tests, each with an SDK client of their own, and the rows
they aim at: one of every kind of caller Appwrite knows.

guest (no session), anonymous (an anonymous session: a user without an e-mail), author,
editor and team admin (confirmed members of the author's team), owner (the team's
creator), site admin (label `admin`, no API key), stranger (a signed-up user with no
relation to the article).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from appwrite.client import Client
from appwrite.services.account import Account
from appwrite.services.tables_db import TablesDB
from appwrite.services.teams import Teams

from emulator.testing import AppwriteTestClient

TEAM_ROLES = {"member": ["member"], "editor": ["editor"], "team_admin": ["admin"]}


def unique(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:10]}"


def anonymous_user(appwrite: AppwriteTestClient) -> tuple[dict, str]:
    """A user of an anonymous session (no e-mail) and a JWT of that session."""
    session = Account(appwrite.admin_client()).create_anonymous_session()
    client = appwrite.guest_client().set_session(session["secret"])
    account = Account(client)
    return account.get(), account.create_jwt()["jwt"]


@dataclass
class People:
    """Users by kind, their JWTs, and one team: owner, author, member, editor, team admin."""

    appwrite: AppwriteTestClient
    team_id: str
    users: dict[str, dict]
    jwts: dict[str, str] = field(default_factory=dict)

    @classmethod
    def gather(cls, appwrite: AppwriteTestClient) -> People:
        users = {
            kind: appwrite.create_user(f"{kind}-{uuid.uuid4().hex[:10]}@example.com", name=kind)
            for kind in ("author", "member", "editor", "team_admin", "owner", "stranger")
        }
        users["site_admin"] = appwrite.create_user(
            f"admin-{uuid.uuid4().hex[:10]}@example.com", name="Admin", labels=["admin"]
        )
        users["anonymous"], anonymous_jwt = anonymous_user(appwrite)
        team_id = unique("desk")
        Teams(appwrite.as_user(users["owner"])).create(team_id, "Desk")
        keyed = Teams(appwrite.admin_client())
        for kind in ("author", "member", "editor", "team_admin"):
            keyed.create_membership(
                team_id, TEAM_ROLES.get(kind, ["member"]), user_id=users[kind]["$id"]
            )
        appwrite.wait_for_executions()
        return cls(appwrite, team_id, users, {"anonymous": anonymous_jwt})

    def id(self, kind: str) -> str:
        return self.users[kind]["$id"]

    def jwt(self, kind: str) -> str:
        if kind not in self.jwts:
            self.jwts[kind] = self.appwrite.jwt_for(self.users[kind])
        return self.jwts[kind]

    def client(self, kind: str) -> Client:
        """The SDK client of `kind`: a guest has no credentials, the others their JWT."""
        client = self.appwrite.guest_client()
        return client if kind == "guest" else client.set_jwt(self.jwt(kind))

    def tables(self, kind: str) -> TablesDB:
        return TablesDB(self.client(kind))

    def headers(self, kind: str) -> dict[str, str]:
        return {} if kind == "guest" else {"authorization": f"Bearer {self.jwt(kind)}"}

    def call(self, kind: str, function: str, method: str, path: str, json: Any = None):
        return self.appwrite.invoke_http(
            function, path, method=method, json=json, headers=self.headers(kind)
        )
