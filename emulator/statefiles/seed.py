"""A generic seed file for any appwrite.json project: users, teams, memberships, rows and
files, in JSON or YAML, applied through the REST API with the admin key
(`serve --seed FILE.json`, `AppwriteTestClient.apply_seed(FILE)`).

    {
      "version": 1,
      "fireEvents": false,
      "users": [{"$id": "alice", "email": "alice@example.test", "password": "alice-password-1",
                 "name": "Alice", "labels": ["admin"], "emailVerification": true}],
      "teams": [{"$id": "desk", "name": "News desk"}],
      "memberships": [{"teamId": "desk", "userId": "alice", "roles": ["owner"]}],
      "rows": [{"databaseId": "main", "tableId": "notes",
                "rows": [{"$id": "n1", "$permissions": ["read(\\"any\\")"], "text": "hi"}]}],
      "files": [{"bucketId": "photos", "fileId": "p1", "path": "files/p1.png",
                 "permissions": ["read(\\"any\\")"]}]
    }

Users take `password` (hashed by the emulator) or `passwordHash` (an argon2 hash, as
`users.createArgon2User`), and optionally `name`, `phone`, `labels`, `emailVerification`,
`phoneVerification`, `prefs`, `status` (false = blocked). `databaseId` may be left out
when appwrite.json declares one database. Rows are written as given (`$createdAt` and
`$updatedAt` too, when set); their columns are validated as any API write. `path` of a file
is relative to the seed file; its bucket must exist (appwrite.json `buckets`).

`fireEvents` (default false): a seed is a known state written as is, so by default the
functions subscribed to these writes do not run; set it to true to run them as if clients
had written the data.
"""

from __future__ import annotations

import json
import pathlib
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import httpx

SEED_VERSION = 1
KEYS = {"version", "fireEvents", "users", "teams", "memberships", "rows", "files", "$comment"}
USER_KEYS = {
    "$id",
    "email",
    "phone",
    "password",
    "passwordHash",
    "name",
    "labels",
    "emailVerification",
    "phoneVerification",
    "prefs",
    "status",
}


class SeedError(Exception):
    """A seed file that cannot be read or applied; the message names the item and why."""


@dataclass
class Seed:
    path: pathlib.Path
    fire_events: bool = False
    users: list[dict] = field(default_factory=list)
    teams: list[dict] = field(default_factory=list)
    memberships: list[dict] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)
    files: list[dict] = field(default_factory=list)


def is_seed_file(path: pathlib.Path) -> bool:
    return path.suffix.lower() in (".json", ".yaml", ".yml")


def load_seed(path: str | pathlib.Path) -> Seed:
    path = pathlib.Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise SeedError(f"{path}: {e.strerror}") from None
    try:
        if path.suffix.lower() in (".yaml", ".yml"):
            import yaml

            data = yaml.safe_load(text)
        else:
            data = json.loads(text)
    except Exception as e:  # json's ValueError, yaml's YAMLError
        raise SeedError(f"{path}: not valid {path.suffix[1:].upper()}: {e}") from None
    if not isinstance(data, dict):
        raise SeedError(f"{path}: a seed file is an object with users, teams, rows, …")
    unknown = set(data) - KEYS
    if unknown:
        raise SeedError(f"{path}: unknown keys {sorted(unknown)} (known: {sorted(KEYS)})")
    if data.get("version", SEED_VERSION) != SEED_VERSION:
        raise SeedError(f"{path}: seed version {data.get('version')!r}; this emulator reads 1")
    seed = Seed(path, fire_events=bool(data.get("fireEvents", False)))
    for name in ("users", "teams", "memberships", "rows", "files"):
        items = data.get(name, [])
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise SeedError(f"{path}: {name} must be a list of objects")
        setattr(seed, name, items)
    for user in seed.users:
        if set(user) - USER_KEYS:
            raise SeedError(
                f"{path}: user {user.get('$id')}: unknown {sorted(set(user) - USER_KEYS)}"
            )
    return seed


class _API:
    def __init__(self, endpoint: str, project_id: str, key: str):
        self.client = httpx.Client(
            base_url=endpoint,
            headers={"x-appwrite-project": project_id, "x-appwrite-key": key},
            timeout=60,
        )

    def call(self, what: str, method: str, path: str, **kwargs) -> Any:
        response = self.client.request(method, path, **kwargs)
        if response.status_code >= 400:
            try:
                message = response.json().get("message", response.text)
            except ValueError:
                message = response.text[:300]
            raise SeedError(f"{what}: {response.status_code} {message}")
        return response.json() if response.content else None


def apply_seed(
    seed: Seed, *, endpoint: str, project_id: str, api_key: str, databases: list[str]
) -> str:
    """Write the seed through the REST API; returns what to print. `databases`: the
    manifest's database ids (the default when a row group names none)."""
    api = _API(endpoint, project_id, api_key)
    try:
        return _apply(api, seed, databases)
    finally:
        api.client.close()


def _apply(api: _API, seed: Seed, databases: list[str]) -> str:
    lines = []
    for user in seed.users:
        lines += _user(api, user)
    for team in seed.teams:
        what = f"team {team.get('$id')}"
        api.call(
            what,
            "POST",
            "/teams",
            json={"teamId": team.get("$id", "unique()"), "name": team.get("name", "")},
        )
    for membership in seed.memberships:
        what = f"membership of {membership.get('userId')} in {membership.get('teamId')}"
        api.call(
            what,
            "POST",
            f"/teams/{quote(str(membership.get('teamId', '')))}/memberships",
            json={"userId": membership.get("userId"), "roles": membership.get("roles", [])},
        )
    rows = 0
    for group in seed.rows:
        database_id = group.get("databaseId") or (databases[0] if len(databases) == 1 else None)
        if not database_id or not group.get("tableId"):
            raise SeedError(f"rows: each group names tableId (and databaseId): {group.keys()}")
        path = f"/tablesdb/{quote(database_id)}/tables/{quote(group['tableId'])}/rows"
        for row in group.get("rows", []):
            data = {k: v for k, v in row.items() if k not in ("$id", "$permissions")}
            api.call(
                f"row {group['tableId']}/{row.get('$id')}",
                "POST",
                path,
                json={
                    "rowId": row.get("$id", "unique()"),
                    "data": data,
                    "permissions": row.get("$permissions", []),
                },
            )
            rows += 1
    for item in seed.files:
        _file(api, seed.path.parent, item)
    summary = (
        f"seeded from {seed.path}: {len(seed.users)} users, {len(seed.teams)} teams, "
        f"{len(seed.memberships)} memberships, {rows} rows, {len(seed.files)} files"
        + ("" if seed.fire_events else " (no events fired)")
    )
    return "\n".join([summary, *lines])


def _user(api: _API, user: dict) -> list[str]:
    user_id = user.get("$id", "unique()")
    what = f"user {user.get('email') or user_id}"
    body = {"userId": user_id, "email": user.get("email"), "name": user.get("name", "")}
    if user.get("phone"):
        body["phone"] = user["phone"]
    if "passwordHash" in user:
        created = api.call(
            what, "POST", "/users/argon2", json=body | {"password": user["passwordHash"]}
        )
    else:
        created = api.call(what, "POST", "/users", json=body | {"password": user.get("password")})
    path = f"/users/{quote(created['$id'])}"
    if user.get("labels"):
        api.call(what, "PUT", f"{path}/labels", json={"labels": user["labels"]})
    if user.get("emailVerification"):
        api.call(what, "PATCH", f"{path}/verification", json={"emailVerification": True})
    if user.get("phoneVerification"):
        api.call(what, "PATCH", f"{path}/verification/phone", json={"phoneVerification": True})
    if user.get("prefs"):
        api.call(what, "PATCH", f"{path}/prefs", json={"prefs": user["prefs"]})
    if user.get("status") is False:
        api.call(what, "PATCH", f"{path}/status", json={"status": False})
    if user.get("password") and user.get("email"):
        labels = f"  ({', '.join(user['labels'])})" if user.get("labels") else ""
        return [f"  {user['email']:<28} {user['password']}{labels}"]
    return []


def _file(api: _API, base: pathlib.Path, item: dict) -> None:
    what = f"file {item.get('bucketId')}/{item.get('fileId')}"
    source = (base / str(item.get("path", ""))).resolve()
    if not source.is_file():
        raise SeedError(f"{what}: no file at {source}")
    with source.open("rb") as handle:
        api.call(
            what,
            "POST",
            f"/storage/buckets/{quote(str(item.get('bucketId', '')))}/files",
            data={
                "fileId": item.get("fileId", "unique()"),
                **{f"permissions[{i}]": p for i, p in enumerate(item.get("permissions", []))},
            },
            files={"file": (source.name, handle)},
        )
