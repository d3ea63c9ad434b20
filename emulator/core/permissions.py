"""Appwrite permission and role strings, and who they admit (pure) — the one validator.

`read("any")`, `update("user:u1")`, `write("team:t1/owner")` … Parsing and the
validator texts follow utopia-php/database (`Permission`, `Role`, `Validator/Permissions`,
`Validator/Roles`); evaluation follows TablesDB's table-vs-row security (reference §6).
The API uses it on every write of permissions, and `emulator check` on appwrite.json
(`role_problem`, `permission_problem`), so both accept exactly the same strings.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

ROW_ACTIONS = ("read", "update", "delete", "write")
TABLE_ACTIONS = ("read", "create", "update", "delete", "write")
MAX_PERMISSIONS = 100

_FORMAT = re.compile(r'^([A-Za-z]+)\("(.*)"\)$', re.S)
_ID = re.compile(r"^(?![._-])[A-Za-z0-9._-]{1,36}$")
_DIMENSION = re.compile(r"^(?![._-])[A-Za-z0-9._-]{1,36}$")
_ROLE_NAMES = ("any", "guests", "users", "user", "team", "member", "label")


class PermissionInvalid(ValueError):
    """A permission string Appwrite's validator rejects; `message` is its text."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def parse_permission(text: object) -> tuple[str, str]:
    """`'read("user:u1")'` → `("read", "user:u1")`; raises `PermissionInvalid`."""
    if not isinstance(text, str):
        raise PermissionInvalid("Every permission must be of type string.")
    if text == "*":
        raise PermissionInvalid('Wildcard permission "*" has been replaced. Use "any" instead.')
    if "role:" in text:
        raise PermissionInvalid(
            'Permissions using the "role:" prefix have been replaced. Use "users", "guests", '
            'or "any" instead.'
        )
    match = _FORMAT.match(text)
    if match is None:
        raise PermissionInvalid(f'Invalid permission string format: "{text}".')
    return match.group(1), match.group(2)


def check_role(role: str) -> None:
    """Validate a role string (`any`, `user:ID/verified`, `team:ID/role`, …)."""
    name, _, rest = role.partition(":")
    identifier, _, dimension = rest.partition("/")
    if not rest and "/" in name:
        name, _, dimension = name.partition("/")
    if name not in _ROLE_NAMES:
        raise PermissionInvalid(
            f'Role "{name}" is not allowed. Must be one of: {", ".join(_ROLE_NAMES)}.'
        )
    if name in ("any", "guests", "users") and identifier:
        raise PermissionInvalid(f'Role "{name}" can not have an ID value.')
    if name in ("any", "guests") and dimension:
        raise PermissionInvalid(f'Role "{name}" can not have a dimension value.')
    if name in ("user", "team", "member", "label"):
        if not identifier:
            raise PermissionInvalid(f'Role "{name}" must have an ID value.')
        if not _ID.match(identifier):
            raise PermissionInvalid(
                "Role ID must contain at most 36 chars. Valid chars are a-z, A-Z, 0-9, period, "
                "hyphen, and underscore. Can't start with a special char"
            )
    if name in ("member", "label") and dimension:
        raise PermissionInvalid(f'Role "{name}" can not have a dimension value.')
    if name in ("users", "user") and dimension and dimension not in ("verified", "unverified"):
        raise PermissionInvalid("Only verified and unverified dimensions are allowed.")
    if name == "team" and "/" in rest and not _DIMENSION.match(dimension):
        raise PermissionInvalid("Dimension must not be empty.")


def role_problem(role: str) -> str | None:
    """Appwrite's message when `role` is not a valid role string, else None."""
    try:
        check_role(role)
    except PermissionInvalid as exc:
        return exc.message
    return None


def permission_problem(text: object, allowed: tuple[str, ...] = TABLE_ACTIONS) -> str | None:
    """Appwrite's message when `text` is not a valid permission string, else None."""
    try:
        normalize([text], allowed, table_level=True)
    except PermissionInvalid as exc:
        return exc.message
    return None


def normalize(
    permissions: Iterable[object], allowed: tuple[str, ...], *, table_level: bool
) -> list[str]:
    """Validate and expand permissions: `write` → create/update/delete (table) or
    update/delete (row).

    Order is kept, duplicates dropped. Raises `PermissionInvalid`.
    """
    permissions = list(permissions)
    if len(permissions) > MAX_PERMISSIONS:
        raise PermissionInvalid(f"Value must a valid array no longer than {MAX_PERMISSIONS} items")
    result: list[str] = []
    for text in permissions:
        action, role = parse_permission(text)
        if action not in allowed:
            raise PermissionInvalid(
                f'Permission "{action}" is not allowed. Must be one of: {", ".join(allowed)}.'
            )
        check_role(role)
        if action == "write":
            actions = ("create", "update", "delete") if table_level else ("update", "delete")
        else:
            actions = (action,)
        for expanded in actions:
            permission = f'{expanded}("{role}")'
            if permission not in result:
                result.append(permission)
    return result


def roles_for(permissions: Iterable[str], action: str) -> set[str]:
    """The roles a (normalized) permission list grants `action` to."""
    roles = set()
    for permission in permissions:
        granted, role = parse_permission(permission)
        if granted == action:
            roles.add(role)
    return roles


def allows(permissions: Iterable[str], action: str, caller_roles: Iterable[str]) -> bool:
    return bool(roles_for(permissions, action) & set(caller_roles))


def row_allowed(
    action: str,
    caller_roles: Iterable[str],
    table_permissions: Iterable[str],
    row_security: bool,
    row_permissions: Iterable[str] = (),
) -> bool:
    """Table-vs-row security: the table grants it, or (rowSecurity on) the row does."""
    roles = set(caller_roles)
    if allows(table_permissions, action, roles):
        return True
    return row_security and action != "create" and allows(row_permissions, action, roles)


def ungrantable_roles(permissions: Iterable[str], caller_roles: Iterable[str]) -> list[str]:
    """Roles in `permissions` the caller does not hold
    (non-key callers may grant only their own)."""
    held = set(caller_roles)
    missing = []
    for permission in permissions:
        _, role = parse_permission(permission)
        if role not in held and role not in missing:
            missing.append(role)
    return missing


def ordered_roles(caller_roles: Iterable[str]) -> list[str]:
    """Caller roles as Appwrite lists them in messages: `any` first, then the rest."""
    roles = set(caller_roles)
    return (["any"] if "any" in roles else []) + sorted(roles - {"any"})


def default_row_permissions(user_id: str | None) -> list[str]:
    """Permissions of a row created without `permissions`: the creating user's, or none for keys."""
    if not user_id:
        return []
    return [f'read("user:{user_id}")', f'update("user:{user_id}")', f'delete("user:{user_id}")']
