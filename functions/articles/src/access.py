"""The caller's team memberships, from the Teams API (the I/O half of shared.permissions).

- one team: its memberships filtered by userId, with the execution's key (scope `teams.read`);
  a team that no longer exists is no team: nobody holds a role in it;
- every team of the caller (for listing): `Teams.list` with the caller's own JWT, which Appwrite
  answers with the teams the user is a confirmed member of.
"""

from __future__ import annotations

from typing import Any

from appwrite.query import Query
from appwrite.services.teams import Teams

from ..shared import Identity, Request, jwt_from_headers, retry, server_client, user_client
from ..shared.gone import fetch_or_none
from ..shared.permissions import TeamRoles, team_roles

PAGE = 100


def roles_in_team(req: Request, caller: Identity | None, team_id: str | None) -> TeamRoles:
    """`{team_id: roles}` when the caller is a confirmed member of `team_id`, else `{}`."""
    if caller is None or not team_id:
        return {}
    teams = Teams(server_client(req.headers))
    queries = [Query.equal("userId", [caller.id]), Query.limit(PAGE)]
    found = fetch_or_none(
        lambda: teams.list_memberships(team_id, queries=queries), deadline=req.deadline
    )
    return {} if found is None else team_roles(found["memberships"])


def my_team_ids(req: Request, caller: Identity | None) -> list[str]:
    """Ids of every team the caller is a confirmed member of (paged through)."""
    jwt = jwt_from_headers(req.headers)
    if caller is None or jwt is None:
        return []
    teams = Teams(user_client(jwt))
    ids: list[str] = []
    cursor: list[str] = []
    while True:
        queries = [Query.limit(PAGE), *cursor]
        found: dict[str, Any] = retry(
            lambda queries=queries: teams.list(queries=queries), deadline=req.deadline
        )
        batch = [team["$id"] for team in found["teams"]]
        ids += batch
        if len(batch) < PAGE:
            return ids
        cursor = [Query.cursor_after(batch[-1])]
