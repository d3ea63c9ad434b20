"""The article access matrix (DESIGN §4) as pure functions: row permissions and caller checks.

Two faces of one rule, kept side by side so they cannot drift apart:

- `article_permissions(author_id, team_id, status)` — the Appwrite permission strings
  written on an article row and on its cover file (`read_permissions(row)`): **read only**,
  so direct SDK reads (and realtime, and Storage downloads) obey the matrix's read column,
  and nobody can write a row or a cover directly;
- `can_read / can_update / can_delete(caller, row, roles)` — the whole matrix in code,
  for the functions, whose API key bypasses row permissions. Every write goes through them.

Why rows grant no `update`/`delete` (DESIGN §4): in Appwrite a row's `update` covers every
column *and* the row's own `$permissions`, and a user may grant any role he holds (`any`
included). An author holding `update` could rewrite `authorId`, `status`, `publishedAt`
and let guests change the row.

| article        | read                       | update / publish       | delete                 |
|----------------|----------------------------|------------------------|------------------------|
| published      | anyone, guests too         | author, team editor or | author, team admin,    |
| draft, sched., | author, team members,      | admin, site admin      | site admin             |
| archived       | site admin                 | (both rows)            | (both rows)            |

"Team admin" is a membership role `admin` or `owner` (Appwrite gives a team's creator the
role `owner`). "Site admin" is a user with the label `admin`. `any` is only ever granted
read, and only on published articles. Strings follow Appwrite's format exactly
(`read("user:ID")`, `read("team:ID")`), the same as `appwrite.Permission`/`Role`.
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
    """The `$permissions` of an article row with this author, team and status: reads only."""
    if not author_id:
        raise ValueError("an article needs an author")
    if status == PUBLISHED:
        return [_perm("read", "any")]
    readers = [f"user:{author_id}"]
    if team_id:
        readers.append(f"team:{team_id}")
    readers.append(f"label:{ADMIN_LABEL}")
    return [_perm("read", role) for role in readers]


def read_permissions(article: Mapping[str, Any]) -> list[str]:
    """The permissions an article's row **and its cover file** carry: `article_permissions` of
    its author, team and status. The one rule for both, so a cover is readable by exactly
    those who may read its article (directly from Storage too)."""
    return article_permissions(article["authorId"], article.get("teamId"), article["status"])


def is_public(permissions: Iterable[str]) -> bool:
    """Whether these permissions let anyone (guests too) read."""
    return _perm("read", "any") in set(permissions)


def same_permissions(stored: Iterable[str], wanted: Iterable[str]) -> bool:
    """Whether a row's stored `$permissions` are exactly `wanted` (order does not matter)."""
    return sorted(set(stored)) == sorted(set(wanted))


# -- checks in code ---------------------------------------------------------------


def team_roles(memberships: Iterable[Mapping[str, Any]]) -> dict[str, tuple[str, ...]]:
    """Team id → roles, from Appwrite Membership models; open invitations count for nothing."""
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
    """Anyone (guests too) reads a published article; else author, team members, site admins."""
    if row.get("status") == PUBLISHED:
        return True
    if caller is None:
        return False
    return caller.is_admin or _is_author(caller, row) or _roles_in_team(row, roles) is not None


def can_update(caller: Caller | None, row: Mapping[str, Any], roles: TeamRoles = NO_TEAMS) -> bool:
    """Update, publish, schedule, archive: author, team editor/admin/owner, site admin."""
    if caller is None:
        return False
    held = _roles_in_team(row, roles) or ()
    return (
        caller.is_admin
        or _is_author(caller, row)
        or any(role in held for role in TEAM_EDITOR_ROLES + TEAM_ADMIN_ROLES)
    )


def can_delete(caller: Caller | None, row: Mapping[str, Any], roles: TeamRoles = NO_TEAMS) -> bool:
    """Delete: author, team admin/owner, site admin."""
    if caller is None:
        return False
    held = _roles_in_team(row, roles) or ()
    return (
        caller.is_admin or _is_author(caller, row) or any(role in held for role in TEAM_ADMIN_ROLES)
    )
