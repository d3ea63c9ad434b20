"""Appwrite role strings (`any`, `user:ID/verified`, `team:ID/editor`, `label:admin`, ...) and
permission strings (`read("any")`), checked the way Appwrite's Roles/Permissions validators do."""

from __future__ import annotations

import re

from .catalog import ID_RULE, is_valid_id

_LABEL = re.compile(r"[A-Za-z0-9]{1,36}")
_DIMENSION = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,80}")
_PERMISSION = re.compile(r'(?P<action>[a-z]+)\("(?P<role>[^"]*)"\)')

# role -> (identifier: "required" | "forbidden", dimension options: None = forbidden, () = any key)
_ROLES: dict[str, tuple[str, tuple[str, ...] | None]] = {
    "any": ("forbidden", None),
    "guests": ("forbidden", None),
    "users": ("forbidden", ("verified", "unverified")),
    "user": ("required", ("verified", "unverified")),
    "team": ("required", ()),
    "member": ("required", None),
    "label": ("required", None),
}
PERMISSION_ACTIONS = ("read", "create", "update", "delete", "write")
# Project rule (DESIGN.md): nobody unauthenticated may change data.
FORBIDDEN_FOR_ANY = frozenset({"create", "update", "delete", "write"})


def role_problem(role: str) -> str | None:
    """Why `role` is not a valid Appwrite role string, or None."""
    if role == "*":
        return 'the wildcard role "*" has been replaced; use "any"'
    if role.startswith("role:"):
        return 'roles with the "role:" prefix have been removed; use "users", "guests" or "any"'
    head, slash, dimension = role.partition("/")
    name, _, identifier = head.partition(":")
    if name not in _ROLES:
        return f"role '{role}' is not allowed; must be one of: {', '.join(_ROLES)}"
    identifier_rule, dimensions = _ROLES[name]
    if identifier_rule == "forbidden" and identifier:
        return f"role '{name}' cannot have an ID value"
    if identifier_rule == "required":
        if not identifier:
            return f"role '{name}' must have an ID value ('{name}:ID')"
        if name == "label" and not _LABEL.fullmatch(identifier):
            return f"label '{identifier}' is invalid: 1 to 36 alphanumeric chars"
        if name != "label" and not is_valid_id(identifier):
            return f"role '{role}': ID '{identifier}' is invalid ({ID_RULE})"
    if slash:
        if dimensions is None:
            return f"role '{name}' cannot have a dimension ('/{dimension}')"
        if dimensions and dimension not in dimensions:
            return f"role '{role}': dimension must be one of: {', '.join(dimensions)}"
        if not _DIMENSION.fullmatch(dimension):
            return f"role '{role}': dimension '{dimension}' is invalid"
    return None


def parse_permission(permission: str) -> tuple[str, str] | None:
    """`'read("any")'` -> `("read", "any")`; None if it is not of that form."""
    match = _PERMISSION.fullmatch(permission)
    return (match["action"], match["role"]) if match else None


def permission_problem(permission: str) -> str | None:
    """Why `permission` is malformed or breaks the project's access rule, or None."""
    parsed = parse_permission(permission)
    if parsed is None:
        return f"'{permission}' is not a permission string like read(\"any\")"
    action, role = parsed
    if action not in PERMISSION_ACTIONS:
        return f"'{permission}': unknown permission '{action}' (expected one of: {', '.join(PERMISSION_ACTIONS)})"
    problem = role_problem(role)
    if problem:
        return f"'{permission}': {problem}"
    if role == "any" and action in FORBIDDEN_FOR_ANY:
        return f"'{permission}' lets anyone {action} rows; never grant 'any' create/update/delete/write"
    return None
