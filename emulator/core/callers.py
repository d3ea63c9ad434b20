"""Who a request acts as (pure data), and the scopes each kind of caller holds.

A `Caller` is resolved once per request by the identity service
(`emulator.services.identity.callers`). Keys bypass row permissions but never scopes;
users and guests get the scopes of their role. `Caller.roles` are Appwrite's
authorization roles (§6.2 of the reference): `any`, `guests` | `users`, `user:ID`,
verification dimensions, the team/member roles of confirmed memberships and `label:L`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import StrEnum

from emulator.core.errors import AppwriteError


class CallerKind(StrEnum):
    KEY = "key"  # the admin API key or a dynamic key
    USER = "user"  # a session or a JWT
    GUEST = "guest"  # no credentials (or an unknown key)


# app/config/roles.php: what a guest and a signed-in user may call.
GUEST_SCOPES = frozenset(
    {
        "global",
        "public",
        "home",
        "console",
        "graphql",
        "sessions.write",
        "documents.read",
        "documents.write",
        "rows.read",
        "rows.write",
        "files.read",
        "files.write",
        "locale.read",
        "avatars.read",
        "execution.write",
        "executions.write",
    }
)
# A signed-in user may call everything a guest may, and these.
USER_SCOPES = GUEST_SCOPES | {
    "account",
    "teams.read",
    "teams.write",
    "execution.read",
    "executions.read",
    "projects.read",
    "projects.write",
    "targets.read",
    "targets.write",
    "subscribers.write",
    "assistant.read",
}


@dataclass(frozen=True)
class Caller:
    """The resolved identity of one request."""

    kind: CallerKind
    roles: tuple[str, ...]
    scopes: frozenset[str] | None  # None: every scope (the admin API key)
    user: dict | None = None
    session: dict | None = None
    project_id: str = ""
    claims: dict = field(default_factory=dict)  # dynamic key payload (executionId, now, …)
    via_jwt: bool = False  # a user authenticated by a JWT rather than by the session itself
    impersonator_id: str = ""  # the impersonating user when `user` is the impersonated one

    @property
    def user_id(self) -> str:
        return self.user["$id"] if self.user else ""

    @property
    def is_privileged(self) -> bool:
        """Keys bypass row/table permissions (never scopes)."""
        return self.kind == CallerKind.KEY

    @property
    def is_admin_key(self) -> bool:
        """The project's own API key (every scope), not a function's dynamic key."""
        return self.kind == CallerKind.KEY and self.scopes is None

    @property
    def role_label(self) -> str:
        return {CallerKind.KEY: "applications", CallerKind.USER: "users"}.get(self.kind, "guests")

    @property
    def actor(self) -> str:
        """The name Appwrite puts in scope errors."""
        if self.kind == CallerKind.KEY:
            return f"app.{self.project_id}@service.localhost"
        return (self.user or {}).get("email") or "User"

    def has_scope(self, scope: str) -> bool:
        return self.scopes is None or scope in self.scopes


def require_scope(caller: Caller, *any_of: str) -> None:
    """401 general_unauthorized_scope unless the caller holds one of `any_of`."""
    if any(caller.has_scope(scope) for scope in any_of):
        return
    listed = json.dumps(list(any_of), separators=(",", ":"))
    raise AppwriteError(
        "general_unauthorized_scope",
        f"{caller.actor} (role: {caller.role_label}) missing scopes ({listed})",
    )
