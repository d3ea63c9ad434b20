"""The caller's roles in an article's team, from the Teams API (the I/O half of
shared.permissions): the team's memberships filtered by userId, with the execution's key
(scope `teams.read`); a team that no longer exists is no team: nobody holds a role in it.
(Lists need no team lookup: they are made with the caller's JWT, listing.py.)
"""

from __future__ import annotations

from ..shared import Identity, Request, server_client
from ..shared.gone import fetch_or_none
from ..shared.permissions import TeamRoles, team_roles

PAGE = 100


def roles_in_team(req: Request, caller: Identity | None, team_id: str | None) -> TeamRoles:
    """`{team_id: roles}` when the caller is a confirmed member of `team_id`, else `{}`."""
    if caller is None or not team_id:
        return {}
    from appwrite.query import Query  # the Teams service only on routes that ask for roles
    from appwrite.services.teams import Teams

    teams = Teams(server_client(req.headers))
    queries = [Query.equal("userId", [caller.id]), Query.limit(PAGE)]
    found = fetch_or_none(
        lambda: teams.list_memberships(team_id, queries=queries), deadline=req.deadline
    )
    return {} if found is None else team_roles(found["memberships"])
