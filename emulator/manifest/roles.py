"""Roles and permissions in appwrite.json: Appwrite's own validator (`emulator.core.permissions`,
the one the API uses) plus two checks of the manifest's own.

* A `label:` role can never match: Appwrite labels are 1 to 36 alphanumeric characters, so a
  role naming any other label is valid to Appwrite yet grants nothing.
* Nobody may be granted create/update/delete/write for `any` (guests included): data changes
  go through functions with a key, never straight from any client.
"""

from __future__ import annotations

import re

from emulator.core import permissions

_LABEL = re.compile(r"[A-Za-z0-9]{1,36}")
FORBIDDEN_FOR_ANY = frozenset({"create", "update", "delete", "write"})


def role_problem(role: str) -> str | None:
    """Why `role` is not usable in appwrite.json, or None."""
    problem = permissions.role_problem(role)
    if problem is not None:
        return f"role '{role}': {problem}"
    name, _, identifier = role.partition("/")[0].partition(":")
    if name == "label" and not _LABEL.fullmatch(identifier):
        return f"label '{identifier}' can never match: labels are 1 to 36 alphanumeric chars"
    return None


def permission_problem(permission: str, noun: str = "rows") -> str | None:
    """Why `permission` is malformed or lets anyone change data (the `noun`: rows, files),
    or None."""
    problem = permissions.permission_problem(permission)
    if problem is not None:
        return f"'{permission}': {problem}"
    action, role = permissions.parse_permission(permission)
    if (label := role_problem(role)) is not None:
        return f"'{permission}': {label}"
    if role == "any" and action in FORBIDDEN_FOR_ANY:
        return (
            f"'{permission}' lets anyone {action} {noun}; "
            "never grant 'any' create/update/delete/write"
        )
    return None
