"""The article access matrix: row permissions carry its read column only (DESIGN §4), the
in-code checks carry all of it, and the two agree on reads."""

from __future__ import annotations

import itertools
import re

import pytest
from appwrite.permission import Permission
from appwrite.role import Role

from shared import Identity
from shared.permissions import (
    article_permissions,
    can_delete,
    can_read,
    can_update,
    same_permissions,
    team_roles,
)

STATUSES = ("draft", "scheduled", "published", "archived")
AUTHOR, TEAM = "author1", "team1"


def test_team_draft_permissions_exactly():
    assert article_permissions(AUTHOR, TEAM, "draft") == [
        Permission.read(Role.user(AUTHOR)),
        Permission.read(Role.team(TEAM)),
        Permission.read(Role.label("admin")),
    ]


def test_solo_draft_and_any_published_permissions_exactly():
    assert article_permissions(AUTHOR, None, "scheduled") == [
        'read("user:author1")',
        'read("label:admin")',
    ]
    assert article_permissions(AUTHOR, TEAM, "published") == ['read("any")']


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("team", [None, TEAM])
def test_rows_carry_reads_only_and_any_only_when_published(status, team):
    perms = article_permissions(AUTHOR, team, status)
    assert all(re.fullmatch(r'read\("[^"]+"\)', p) for p in perms)
    assert ('read("any")' in perms) == (status == "published")
    assert len(perms) == len(set(perms))


def test_same_permissions_ignores_order_and_repeats():
    assert same_permissions(['read("any")', 'read("x")'], ['read("x")', 'read("any")'])
    assert same_permissions(['read("x")', 'read("x")'], ['read("x")'])
    assert not same_permissions(['read("x")', 'update("x")'], ['read("x")'])


def test_author_is_required():
    with pytest.raises(ValueError):
        article_permissions("", TEAM, "draft")


def test_team_roles_keeps_confirmed_memberships_only():
    memberships = [
        {"teamId": "t1", "roles": ["editor"], "confirm": True},
        {"teamId": "t2", "roles": ["admin"], "confirm": False},
        {"teamId": "t1", "roles": ["editor", "admin"], "confirm": True},
    ]
    assert team_roles(memberships) == {"t1": ("editor", "admin")}


# -- the checks in code agree with Appwrite's evaluation of the row permissions -------


def caller(kind: str):
    """(identity or None, team roles) of each kind of caller of the matrix."""
    if kind == "guest":
        return None, {}
    ident = Identity(
        id=kind,
        email=f"{kind}@x.test",
        name=kind,
        labels=("admin",) if kind == "site-admin" else (),
    )
    roles = {
        "member": ("reader",),
        "editor": ("editor",),
        "team-admin": ("admin",),
        "owner": ("owner",),
    }
    return ident, ({TEAM: roles[kind]} if kind in roles else {})


def appwrite_roles(ident, roles) -> set[str]:
    """The roles Appwrite gives a caller (as in its Authorization): any, user, teams, labels."""
    if ident is None:
        return {"any", "guests"}
    out = {"any", "users", f"user:{ident.id}"}
    for team, team_role_list in roles.items():
        out.add(f"team:{team}")
        out.update(f"team:{team}/{r}" for r in team_role_list)
    out.update(f"label:{label}" for label in ident.labels)
    return out


def allowed(perms: list[str], action: str, roles: set[str]) -> bool:
    return any(p == f'{action}("{r}")' for p in perms for r in roles)


KINDS = ("author", "member", "editor", "team-admin", "owner", "site-admin", "stranger", "guest")
EXPECTED = {  # kind → (read draft, update, delete)
    "author": (True, True, True),
    "member": (True, False, False),
    "editor": (True, True, False),
    "team-admin": (True, True, True),
    "owner": (True, True, True),
    "site-admin": (True, True, True),
    "stranger": (False, False, False),
    "guest": (False, False, False),
}


@pytest.mark.parametrize("kind,status", list(itertools.product(KINDS, STATUSES)))
def test_matrix_in_code_and_in_row_permissions(kind, status):
    ident, roles = caller(kind)
    author_id = "author" if kind == "author" else AUTHOR
    row = {"authorId": author_id, "teamId": TEAM, "status": status}
    read, update, delete = EXPECTED[kind]
    if status == "published":
        read = True
    assert (
        can_read(ident, row, roles),
        can_update(ident, row, roles),
        can_delete(ident, row, roles),
    ) == (read, update, delete)
    perms = article_permissions(author_id, TEAM, status)
    granted = appwrite_roles(ident, roles)
    # Appwrite lets the row be read by exactly the matrix's readers, and written by nobody.
    assert (
        allowed(perms, "read", granted),
        allowed(perms, "update", granted),
        allowed(perms, "delete", granted),
    ) == (read, False, False)


def test_team_roles_only_count_in_the_articles_team():
    editor_elsewhere = Identity(id="e", email="", name="")
    row = {"authorId": AUTHOR, "teamId": TEAM, "status": "draft"}
    assert not can_read(editor_elsewhere, row, {"other": ("admin",)})
    assert not can_update(editor_elsewhere, row, {"other": ("admin",)})
    solo = {"authorId": AUTHOR, "teamId": None, "status": "draft"}
    assert not can_read(editor_elsewhere, solo, {"": ("admin",)})


def test_an_empty_caller_id_is_never_the_author():
    nobody = Identity(id="", email="", name="")
    assert not can_update(nobody, {"authorId": "", "status": "draft"}, {})


@pytest.mark.parametrize("status", ["draft", "scheduled", "published", "archived"])
def test_an_article_and_its_cover_carry_the_same_read_permissions(status):
    from shared.permissions import is_public, read_permissions

    row = {"authorId": "u1", "teamId": "t1", "status": status, "title": "ignored"}
    assert read_permissions(row) == article_permissions("u1", "t1", status)
    assert is_public(read_permissions(row)) == (status == "published")
