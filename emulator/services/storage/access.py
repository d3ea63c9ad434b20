"""Who may do what with a bucket's files: Appwrite's bucket-then-file authorization.

Keys bypass permissions (never scopes). Everyone else needs the bucket's permission for the
action; with `fileSecurity` on, the file's own permission is enough instead. Without either,
the answer is 401 user_unauthorized with utopia's authorization text when the bucket alone
decides, and "not found" for a file a caller may not read (Appwrite's read with
authorization finds nothing). A disabled bucket is not found except for keys.
"""

from __future__ import annotations

import json

from emulator.core import permissions as perms
from emulator.core.callers import Caller
from emulator.core.errors import AppwriteError


def visible_bucket(who: Caller, bucket: dict | None) -> dict:
    """The bucket, or 404 storage_bucket_not_found (missing, or disabled for non-keys)."""
    if bucket is None or (not bucket["enabled"] and not who.is_privileged):
        raise AppwriteError("storage_bucket_not_found")
    return bucket


def denial(action: str, permissions: list[str], roles) -> str:
    """utopia-php/database Authorization's description of a refused action."""
    granted = [role for p in permissions for a, role in [perms.parse_permission(p)] if a == action]
    if not granted:
        return f"No permissions provided for action '{action}'"
    held = json.dumps(perms.ordered_roles(roles), separators=(",", ":"))
    given = json.dumps(granted, separators=(",", ":"))
    return (
        f'Missing "{action}" permission for role "{granted[-1]}". '
        f'Only "{held}" scopes are allowed and "{given}" was given.'
    )


def bucket_allows(who: Caller, bucket: dict, action: str) -> bool:
    return who.is_privileged or perms.allows(bucket["$permissions"], action, who.roles)


def require_bucket(who: Caller, bucket: dict, action: str) -> bool:
    """Whether the bucket grants `action`; 401 if it does not and files have no security
    of their own (then only the file's permissions can still grant it)."""
    valid = bucket_allows(who, bucket, action)
    if not valid and not bucket["fileSecurity"]:
        raise AppwriteError("user_unauthorized", denial(action, bucket["$permissions"], who.roles))
    return valid


def file_allows(who: Caller, file: dict, action: str) -> bool:
    return perms.allows(file["$permissions"], action, who.roles)


def require_grantable(who: Caller, permissions: list[str]) -> None:
    """Users may only put roles they hold into permissions (keys may grant any)."""
    if who.is_privileged:
        return
    if perms.ungrantable_roles(permissions, who.roles):
        listed = ", ".join(perms.ordered_roles(who.roles))
        raise AppwriteError("user_unauthorized", f"Permissions must be one of: ({listed})")


def default_file_permissions(who: Caller) -> list[str]:
    """A file uploaded without `permissions`: the uploading user's read/update/delete;
    none for keys and guests."""
    if who.is_privileged or not who.user_id:
        return []
    return perms.default_row_permissions(who.user_id)
