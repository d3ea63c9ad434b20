"""Who is calling: an identity from a JWT verified by Appwrite, never from a bare user id.

The JWT comes from `x-appwrite-user-jwt` (REST executions by a signed-in user) or from
`Authorization: Bearer <jwt>` (calls to the function's URL). It is verified by calling
`Account.get()` as that user; `x-appwrite-user-id` alone is never trusted (a caller can
smuggle it in, reference: appwrite-runtime.md §3.1). The runtime's own
`Authorization: Basic …` header is ignored.

Writing takes more than a valid JWT: `require_writer` lets only users who signed up with an
e-mail address write (an anonymous session's user has none; decision 0007).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from .client import user_client
from .errors import Forbidden, Unauthorized, from_appwrite
from .patterns import lazy
from .records import Frozen, set_field
from .retry import retry

ADMIN_LABEL = "admin"
JWT_HEADER = "x-appwrite-user-jwt"
_JWT = lazy(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$")
_BEARER = lazy(r"^Bearer\s+(\S+)\s*$", re.I)


class Identity(Frozen):
    __slots__ = ("email", "id", "labels", "name")
    id: str
    email: str
    name: str
    labels: tuple[str, ...]

    def __init__(self, id: str, email: str, name: str, labels: tuple[str, ...] = ()):
        set_field(self, "id", id)
        set_field(self, "email", email)
        set_field(self, "name", name)
        set_field(self, "labels", labels)

    @property
    def is_admin(self) -> bool:
        return ADMIN_LABEL in self.labels

    @property
    def is_anonymous(self) -> bool:
        """No e-mail address: an anonymous session's user (or one made with a phone only)."""
        return not self.email

    @classmethod
    def from_user(cls, user: Mapping[str, Any]) -> Identity:
        """From Appwrite's User model (`$id`, `email`, `name`, `labels`)."""
        return cls(
            id=str(user["$id"]),
            email=str(user.get("email") or ""),
            name=str(user.get("name") or ""),
            labels=tuple(str(label) for label in user.get("labels") or ()),
        )


def jwt_from_headers(headers: Mapping[str, str]) -> str | None:
    """The caller's JWT, or None when the request carries none."""
    jwt = (headers.get(JWT_HEADER) or "").strip()
    if jwt:
        return jwt
    bearer = _BEARER.match(headers.get("authorization") or "")
    return bearer.group(1) if bearer else None


def looks_like_jwt(token: str) -> bool:
    return len(token) <= 4096 and bool(_JWT.match(token))


def authenticate(
    headers: Mapping[str, str],
    env: Mapping[str, str] | None = None,
    *,
    deadline: float = math.inf,
) -> Identity:
    """The verified caller; `Unauthorized` if the JWT is missing, malformed, expired or revoked."""
    jwt = jwt_from_headers(headers)
    if jwt is None:
        raise Unauthorized(
            "Sign in first: send a JWT in x-appwrite-user-jwt or Authorization: Bearer.",
            code="missing_jwt",
        )
    return verify_jwt(jwt, env, deadline=deadline)


def authenticate_optional(
    headers: Mapping[str, str],
    env: Mapping[str, str] | None = None,
    *,
    deadline: float = math.inf,
) -> Identity | None:
    """None for a guest (no JWT); a JWT that is sent must be valid."""
    jwt = jwt_from_headers(headers)
    return None if jwt is None else verify_jwt(jwt, env, deadline=deadline)


def require_writer(who: Identity) -> Identity:
    """`who`, if they may write: a user with an e-mail address. Else 403 `email_required`."""
    if who.is_anonymous:
        raise Forbidden(
            "Sign up with an e-mail address to do this; anonymous sessions can only read.",
            code="email_required",
        )
    return who


def verify_jwt(
    jwt: str, env: Mapping[str, str] | None = None, *, deadline: float = math.inf
) -> Identity:
    if not looks_like_jwt(jwt):
        raise Unauthorized("The JWT is malformed.", code="invalid_jwt")
    from appwrite.exception import AppwriteException
    from appwrite.services.account import Account

    account = Account(user_client(jwt, env))
    try:
        user = retry(account.get, deadline=deadline)
    except AppwriteException as exc:
        if exc.code in (401, 403):
            raise Unauthorized("The JWT is invalid or expired.", code="invalid_jwt") from None
        raise from_appwrite(exc) from exc
    return Identity.from_user(user)


# What callers see of a user or an account (Appwrite's User and Account models): an
# allow-list, so a field Appwrite adds later never leaks by default — no password hash,
# hash algorithm or options, no prefs, targets, MFA state or password dates.
PUBLIC_USER_FIELDS = (
    "$id",
    "$createdAt",
    "$updatedAt",
    "name",
    "email",
    "phone",
    "emailVerification",
    "phoneVerification",
    "status",
    "labels",
    "registration",
    "accessedAt",
)


def public_user(user: Mapping[str, Any]) -> dict[str, Any]:
    """A User (Users API) or an Account (Account API) as callers may see it."""
    return {name: user.get(name) for name in PUBLIC_USER_FIELDS}
