"""Who is calling: the API key, a dynamic key, a session or JWT user, or a guest.

`caller(request)` resolves the caller once per request (cached on `request.state`) for
every service. The `Caller` itself, its kinds and scopes are in `emulator.core.callers`;
the signed tokens in `emulator.core.keys`.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from datetime import timedelta

from starlette.requests import Request

from emulator.core import clock, keys
from emulator.core.callers import GUEST_SCOPES, USER_SCOPES, Caller, CallerKind
from emulator.core.errors import AppwriteError
from emulator.core.state import EmulatorState
from emulator.http.request import state_of
from emulator.services.identity import store as identity

ACCESS_REFRESH = timedelta(hours=24)


def caller(request: Request) -> Caller:
    """The request's caller, resolved once."""
    cached = getattr(request.state, "caller", None)
    if cached is None:
        query = _QueryParamsWhenAsked(request)
        cached = resolve(state_of(request), request.headers, request.cookies, query)
        request.state.caller = cached
    return cached


class _QueryParamsWhenAsked:
    """`request.query_params`, decoded only if a lookup needs them (the impersonation
    parameters, when the caller is a user who may impersonate): a list's long query string
    is otherwise not decoded a second time just to find out who is calling."""

    def __init__(self, request: Request):
        self._request = request

    def get(self, name: str, default: str = "") -> str:
        return self._request.query_params.get(name, default)


def resolve(
    state: EmulatorState, headers, cookies: dict[str, str], query: Mapping[str, str] | None = None
) -> Caller:
    """Key, JWT, session or guest — then impersonation, when the user may impersonate."""
    who = _authenticate(state, headers, cookies)
    if who.user is not None and who.user.get("impersonator"):
        return _impersonating(state, who, headers, {} if query is None else query) or who
    return who


def _authenticate(state: EmulatorState, headers, cookies: dict[str, str]) -> Caller:
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
        kind=CallerKind.GUEST,
        roles=("any", "guests"),
        scopes=GUEST_SCOPES,
        project_id=state.project_id,
    )


def user_caller(
    state: EmulatorState, user: dict, session: dict | None = None, via_jwt: bool = False
) -> Caller:
    if not user.get("status", True):
        raise AppwriteError("user_blocked")
    _touch(state, user)
    return Caller(
        kind=CallerKind.USER,
        roles=tuple(user_roles(state, user)),
        scopes=_user_scopes(user),
        user=user,
        session=session,
        project_id=state.project_id,
        via_jwt=via_jwt,
    )


def _user_scopes(user: dict, impersonating: bool = False) -> frozenset[str]:
    """A user's scopes; an impersonator also reads users, to find a target (Appwrite's
    shared/api.php grants `users.read` to impersonators and while impersonating)."""
    if impersonating or user.get("impersonator"):
        return USER_SCOPES | {"users.read"}
    return USER_SCOPES


IMPERSONATION = (
    ("x-appwrite-impersonate-user-id", "impersonateUserId", "id"),
    ("x-appwrite-impersonate-user-email", "impersonateEmail", "email"),
    ("x-appwrite-impersonate-user-phone", "impersonatePhone", "phone"),
)


def _impersonating(
    state: EmulatorState, actor: Caller, headers, query: Mapping[str, str]
) -> Caller | None:
    """The caller acting as the user the impersonation headers (or query parameters) name;
    None when none is named or no such user exists. The target's `accessedAt` is left alone."""
    for header, param, field in IMPERSONATION:
        value = headers.get(header, "") or query.get(param.lower(), "") or query.get(param, "")
        if not value:
            continue
        if field == "id":
            target = identity.get(state.db, identity.USERS, value)
        elif field == "email":
            target = identity.find_user_by_email(state.db, value.lower())
        else:
            found = identity.select(state.db, identity.USERS, "phone = ?", (value,))
            target = found[0] if found else None
        if target is None:
            return None
        if not target.get("status", True):
            raise AppwriteError("user_blocked")
        return Caller(
            kind=CallerKind.USER,
            roles=tuple(user_roles(state, target)),
            scopes=_user_scopes(target, impersonating=True),
            user=target,
            session=None,
            project_id=state.project_id,
            via_jwt=actor.via_jwt,
            impersonator_id=actor.user_id,
        )
    return None


def _touch(state: EmulatorState, user: dict) -> None:
    """Refresh `accessedAt` at most once a day, as Appwrite does (APP_USER_ACCESS)."""
    now = clock.now()
    if user.get("accessedAt", "") < clock.iso(now - ACCESS_REFRESH):
        user["accessedAt"] = clock.iso(now)
        identity.replace(
            state.db,
            identity.USERS,
            user,
            email=user.get("email") or None,
            phone=user.get("phone") or None,
        )


def _key_caller(state: EmulatorState, key: str) -> Caller:
    if keys.same_secret(key, state.admin_key):
        return Caller(kind=CallerKind.KEY, roles=("any",), scopes=None, project_id=state.project_id)
    if not keys.is_dynamic_key(key):
        # Appwrite decodes it as a standard key of this project and finds no such key
        raise AppwriteError("user_unauthorized")
    try:
        claims = keys.decode_dynamic_key(state.secret, key)
    except keys.InvalidToken:
        raise AppwriteError("project_key_expired") from None
    if claims.get("projectId") != state.project_id:
        return guest(state)
    scopes = frozenset(s for s in claims.get("scopes", []) if isinstance(s, str))
    return Caller(
        kind=CallerKind.KEY,
        roles=("any",),
        scopes=scopes,
        project_id=state.project_id,
        claims=claims,
    )


def _jwt_caller(state: EmulatorState, token: str) -> Caller:
    try:
        claims = keys.decode_user_jwt(state.secret, token)
    except keys.InvalidToken as exc:
        raise AppwriteError("user_jwt_invalid", f"Failed to verify JWT. {exc}") from None
    user = identity.get(state.db, identity.USERS, str(claims.get("userId", "")))
    if user is None:
        return guest(state)
    session = None
    if claims.get("sessionId"):
        session = identity.get(state.db, identity.SESSIONS, claims["sessionId"])
        if session is None or session["userId"] != user["$id"] or session["expire"] <= clock.iso():
            return guest(state)
    return user_caller(state, user, session, via_jwt=True)


def _session_user(state: EmulatorState, secret: str) -> tuple[dict | None, dict | None]:
    decoded = keys.decode_session_secret(secret)
    if decoded is None:
        return None, None
    user_id, token = decoded
    digest = keys.token_digest(token)
    now = clock.iso()
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


def mint_dynamic_key(
    state: EmulatorState, scopes: list[str], ttl_seconds: int, execution_id: str | None = None
) -> str:
    """A dynamic key of this emulator's project (see `emulator.core.keys.mint_dynamic_key`)."""
    return keys.mint_dynamic_key(state.project_id, state.secret, scopes, ttl_seconds, execution_id)
