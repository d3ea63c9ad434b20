"""Who is calling: API key, dynamic key, session or JWT user, or guest.

`caller(request)` resolves the caller once per request (cached on `request.state`).
Keys bypass row permissions but never scopes; users and guests get the scopes of
their role. `Caller.roles` are Appwrite's authorization roles (§6.2 of the
reference): `any`, `guests` | `users`, `user:ID`, verification dimensions, the
team/member roles of confirmed memberships and `label:L`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
from dataclasses import dataclass, field
from datetime import timedelta

import jwt
from starlette.requests import Request

from emulator import clock
from emulator.api.errors import AppwriteError
from emulator.state import EmulatorState
from emulator.store import identity

JWT_ALGORITHM = "HS256"
ACCESS_REFRESH = timedelta(hours=24)
DYNAMIC_KEY_PREFIXES = ("ephemeral_", "dynamic_")

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

    kind: str  # "key" | "user" | "guest"
    roles: tuple[str, ...]
    scopes: frozenset[str] | None  # None: every scope (the admin API key)
    user: dict | None = None
    session: dict | None = None
    project_id: str = ""
    claims: dict = field(default_factory=dict)  # dynamic key payload (executionId, …)
    via_jwt: bool = False  # a user authenticated by a JWT rather than by the session itself

    @property
    def user_id(self) -> str:
        return self.user["$id"] if self.user else ""

    @property
    def is_privileged(self) -> bool:
        """Keys bypass row/table permissions (never scopes)."""
        return self.kind == "key"

    @property
    def role_label(self) -> str:
        return {"key": "applications", "user": "users"}.get(self.kind, "guests")

    @property
    def actor(self) -> str:
        """The name Appwrite puts in scope errors."""
        if self.kind == "key":
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


def state_of(request: Request) -> EmulatorState:
    return request.app.state.emulator


def caller(request: Request) -> Caller:
    """The request's caller, resolved once."""
    cached = getattr(request.state, "caller", None)
    if cached is None:
        cached = resolve(state_of(request), request.headers, request.cookies)
        request.state.caller = cached
    return cached


# ---------------------------------------------------------------- resolution


def resolve(state: EmulatorState, headers, cookies: dict[str, str]) -> Caller:
    key = headers.get("x-appwrite-key", "")
    token = headers.get("x-appwrite-jwt", "")
    session_secret = headers.get("x-appwrite-session", "") or cookies.get(
        f"a_session_{state.project_id}", ""
    )
    if key:
        if session_secret:
            raise AppwriteError("user_api_key_and_session_set")
        return _key_caller(state, key)
    if token:
        if session_secret:
            raise AppwriteError("user_jwt_and_cookie_set")
        return _jwt_caller(state, token)
    if session_secret:
        user, session = _session_user(state, session_secret)
        if user is not None:
            return user_caller(state, user, session)
    return guest(state)


def guest(state: EmulatorState) -> Caller:
    return Caller(
        kind="guest", roles=("any", "guests"), scopes=GUEST_SCOPES, project_id=state.project_id
    )


def user_caller(
    state: EmulatorState, user: dict, session: dict | None = None, via_jwt: bool = False
) -> Caller:
    if not user.get("status", True):
        raise AppwriteError("user_blocked")
    _touch(state, user)
    return Caller(
        kind="user",
        roles=tuple(user_roles(state, user)),
        scopes=USER_SCOPES,
        user=user,
        session=session,
        project_id=state.project_id,
        via_jwt=via_jwt,
    )


def _touch(state: EmulatorState, user: dict) -> None:
    """Refresh `accessedAt` at most once a day, as Appwrite does (APP_USER_ACCESS)."""
    now = clock.now()
    if user.get("accessedAt", "") < identity.timestamp(now - ACCESS_REFRESH):
        user["accessedAt"] = identity.timestamp(now)
        identity.replace(
            state.db,
            identity.USERS,
            user,
            email=user.get("email") or None,
            phone=user.get("phone") or None,
        )


def _key_caller(state: EmulatorState, key: str) -> Caller:
    if hmac.compare_digest(key.encode("utf-8", "surrogateescape"), state.admin_key.encode()):
        return Caller(kind="key", roles=("any",), scopes=None, project_id=state.project_id)
    prefix = next((p for p in DYNAMIC_KEY_PREFIXES if key.startswith(p)), None)
    if prefix is None:
        return guest(state)  # an unknown standard key is no key at all (Appwrite: guest role)
    try:
        claims = jwt.decode(
            key[len(prefix) :],
            state.secret,
            algorithms=[JWT_ALGORITHM],
            options={"require": ["exp"]},
        )
    except jwt.PyJWTError:
        raise AppwriteError("project_key_expired") from None
    if claims.get("projectId") != state.project_id:
        return guest(state)
    scopes = frozenset(s for s in claims.get("scopes", []) if isinstance(s, str))
    return Caller(
        kind="key", roles=("any",), scopes=scopes, project_id=state.project_id, claims=claims
    )


def _jwt_caller(state: EmulatorState, token: str) -> Caller:
    try:
        claims = jwt.decode(
            token, state.secret, algorithms=[JWT_ALGORITHM], options={"require": ["exp"]}
        )
    except jwt.PyJWTError as exc:
        raise AppwriteError("user_jwt_invalid", f"Failed to verify JWT. {exc}") from None
    user = identity.get(state.db, identity.USERS, str(claims.get("userId", "")))
    if user is None:
        return guest(state)
    session = None
    if claims.get("sessionId"):
        session = identity.get(state.db, identity.SESSIONS, claims["sessionId"])
        if (
            session is None
            or session["userId"] != user["$id"]
            or session["expire"] <= identity.timestamp()
        ):
            return guest(state)
    return user_caller(state, user, session, via_jwt=True)


def _session_user(state: EmulatorState, secret: str) -> tuple[dict | None, dict | None]:
    decoded = decode_session_secret(secret)
    if decoded is None:
        return None, None
    user_id, token = decoded
    digest = token_digest(token)
    now = identity.timestamp()
    for session in identity.select(state.db, identity.SESSIONS, "user_id = ?", (user_id,)):
        if hmac.compare_digest(session.get("secretHash", ""), digest) and session["expire"] > now:
            return identity.get(state.db, identity.USERS, user_id), session
    return None, None


def user_roles(state: EmulatorState, user: dict) -> list[str]:
    uid = user["$id"]
    verified = (
        "verified"
        if user.get("emailVerification") or user.get("phoneVerification")
        else "unverified"
    )
    roles = ["any", "users", f"user:{uid}", f"users/{verified}", f"user:{uid}/{verified}"]
    for membership in identity.select(state.db, identity.MEMBERSHIPS, "user_id = ?", (uid,)):
        if not membership.get("confirm"):
            continue
        team = membership["teamId"]
        roles += [f"team:{team}", f"member:{membership['$id']}"]
        roles += [f"team:{team}/{role}" for role in membership.get("roles", [])]
    roles += [f"label:{label}" for label in user.get("labels", [])]
    return list(dict.fromkeys(roles))


# ---------------------------------------------------------------- tokens


def mint_dynamic_key(
    state: EmulatorState, scopes: list[str], ttl_seconds: int, execution_id: str | None = None
) -> str:
    """An `ephemeral_<JWT>` API key with `scopes`, valid for `ttl_seconds` (functions get one per execution)."""
    claims = {
        "projectId": state.project_id,
        "scopes": list(scopes),
        "exp": int(time.time()) + int(ttl_seconds),
    }
    if execution_id:
        claims["executionId"] = execution_id
    return "ephemeral_" + jwt.encode(claims, state.secret, algorithm=JWT_ALGORITHM)


def mint_user_jwt(state: EmulatorState, user_id: str, session_id: str, duration: int) -> str:
    """A user JWT `{userId, sessionId}` as Appwrite issues it (HS256)."""
    now = int(time.time())
    claims = {"userId": user_id, "sessionId": session_id, "iat": now, "exp": now + int(duration)}
    return jwt.encode(claims, state.secret, algorithm=JWT_ALGORITHM)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def encode_session_secret(user_id: str, token: str) -> str:
    """The value of the session cookie / `x-appwrite-session`: base64 JSON `{id, secret}` as Appwrite encodes it."""
    return base64.b64encode(json.dumps({"id": user_id, "secret": token}).encode()).decode()


def decode_session_secret(value: str) -> tuple[str, str] | None:
    try:
        data = json.loads(base64.b64decode(value, validate=True))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("id"), str)
        or not isinstance(data.get("secret"), str)
    ):
        return None
    return data["id"], data["secret"]
