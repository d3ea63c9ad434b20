"""The article access matrix (DESIGN §4) as pure functions: row permissions and caller checks.

Two faces of one rule, kept side by side so they cannot drift apart:

- `article_permissions(author_id, team_id, status)` — the Appwrite permission strings
  written on an article row, so direct SDK access by users obeys the matrix;
- `can_read / can_update / can_delete(caller, row, roles)` — the same matrix in code,
  for functions, whose API key bypasses row permissions.

| article        | read                       | update / publish       | delete                 |
|----------------|----------------------------|------------------------|------------------------|
| published      | anyone, guests too         | author, team editor or | author, team admin,    |
| draft, sched., | author, team members,      | admin, site admin      | site admin             |
| archived       | site admin                 | (both rows)            | (both rows)            |

"Team admin" is a membership role `admin` or `owner` (Appwrite gives a team's creator the
role `owner`). "Site admin" is a user with the label `admin`. `any` is only ever granted
read, and only on published articles. Strings follow Appwrite's format exactly
(`read("user:ID")`, `update("team:ID/editor")`), the same as `appwrite.Permission`/`Role`.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from types import MappingProxyType
from typing import Any, Protocol

PUBLISHED = "published"
ADMIN_LABEL = "admin"
TEAM_EDITOR_ROLES = ("editor",)
TEAM_ADMIN_ROLES = ("admin", "owner")

TeamRoles = Mapping[str, Collection[str]]
"""The caller's confirmed memberships: team id → that membership's roles."""
NO_TEAMS: TeamRoles = MappingProxyType({})


class Caller(Protocol):
    """What the checks need of a caller; `shared.Identity` fits."""

    id: str

    @property
    def is_admin(self) -> bool: ...


# -- row permissions --------------------------------------------------------------


def _perm(action: str, role: str) -> str:
    return f'{action}("{role}")'


def article_permissions(author_id: str, team_id: str | None, status: str) -> list[str]:
    """The `$permissions` of an article row with this author, team and status."""
    if not author_id:
        raise ValueError("an article needs an author")
    author = f"user:{author_id}"
    site_admin = f"label:{ADMIN_LABEL}"
    readers = ["any"] if status == PUBLISHED else [author]
    updaters = [author]
    deleters = [author]
    if team_id:
        if status != PUBLISHED:
            readers.append(f"team:{team_id}")
        updaters += [f"team:{team_id}/{role}" for role in TEAM_EDITOR_ROLES + TEAM_ADMIN_ROLES]
        deleters += [f"team:{team_id}/{role}" for role in TEAM_ADMIN_ROLES]
    if status != PUBLISHED:
        readers.append(site_admin)
    updaters.append(site_admin)
    deleters.append(site_admin)
    return (
        [_perm("read", r) for r in readers]
        + [_perm("update", r) for r in updaters]
        + [_perm("delete", r) for r in deleters]
    )


# -- checks in code ---------------------------------------------------------------


def team_roles(memberships: Iterable[Mapping[str, Any]]) -> dict[str, tuple[str, ...]]:
    """Team id → roles, from Appwrite Membership models; unconfirmed invitations count for nothing."""
    roles: dict[str, tuple[str, ...]] = {}
    for membership in memberships:
        if membership.get("confirm"):
            team = str(membership["teamId"])
            roles[team] = tuple(
                dict.fromkeys([*roles.get(team, ()), *map(str, membership.get("roles") or ())])
            )
    return roles


def _roles_in_team(row: Mapping[str, Any], roles: TeamRoles) -> Collection[str] | None:
    team_id = row.get("teamId")
    if not team_id or team_id not in roles:
        return None
    return roles[team_id]


def _is_author(caller: Caller | None, row: Mapping[str, Any]) -> bool:
    return caller is not None and bool(caller.id) and caller.id == row.get("authorId")


def can_read(caller: Caller | None, row: Mapping[str, Any], roles: TeamRoles = NO_TEAMS) -> bool:
    """Anyone (guests too) reads a published article; otherwise author, team members, site admins."""
    if row.get("status") == PUBLISHED:
        return True
    if caller is None:
        return False
    return caller.is_admin or _is_author(caller, row) or _roles_in_team(row, roles) is not None


def can_update(
    caller: Caller | None, row: Mapping[str, Any], roles: TeamRoles = NO_TEAMS
) -> bool:
    """Update, publish, schedule, archive: author, team editor/admin/owner, site admin."""
    if caller is None:
        return False
    held = _roles_in_team(row, roles) or ()
    return (
        caller.is_admin
        or _is_author(caller, row)
        or any(role in held for role in TEAM_EDITOR_ROLES + TEAM_ADMIN_ROLES)
    )


def can_delete(
    caller: Caller | None, row: Mapping[str, Any], roles: TeamRoles = NO_TEAMS
) -> bool:
    """Delete: author, team admin/owner, site admin."""
    if caller is None:
        return False
    held = _roles_in_team(row, roles) or ()
    return (
        caller.is_admin or _is_author(caller, row) or any(role in held for role in TEAM_ADMIN_ROLES)
    )
