"""User operations shared by the Users, Account and Teams APIs.

Creating, loading and saving users (409/404 as Appwrite answers), sessions and
their secrets, user JWTs, one-time tokens, attribute setters, membership lists,
and the events a write fires.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from starlette.requests import Request

from emulator.core import clock, ids
from emulator.core.errors import AppwriteError
from emulator.core.keys import encode_session_secret, mint_user_jwt, token_digest
from emulator.core.state import EmulatorState, WriteEvent
from emulator.http import listing
from emulator.http.request import state_of
from emulator.services.identity import models
from emulator.services.identity import store as identity
from emulator.services.identity.callers import caller
from emulator.services.identity.passwords import HASH_OPTIONS, hash_password
from emulator.triggers import events

SESSION_DURATION_SECONDS = 31_536_000  # Appwrite's default auth duration: one year
MAX_SESSIONS = 10  # Appwrite's default sessions limit per user (APP_LIMIT_USER_SESSIONS_DEFAULT)
MEMBERSHIP_ATTRIBUTES = ("userId", "teamId", "invited", "joined", "confirm", "roles")
MEMBERSHIP_TYPES = {
    "invited": "datetime",
    "joined": "datetime",
    "confirm": "boolean",
    "roles": "array",
}
# Logs lists take only limit and offset (Appwrite: `new Queries([new Limit(), new Offset()])`).
LOG_QUERY_METHODS = frozenset({"limit", "offset"})


def new_target(user_id: str, provider_type: str, identifier: str, now: str) -> dict:
    return {
        "$id": ids.unique_id(),
        "$createdAt": now,
        "$updatedAt": now,
        "name": "",
        "userId": user_id,
        "providerId": None,
        "providerType": provider_type,
        "identifier": identifier,
        "expired": False,
    }


def create_user(
    state: EmulatorState,
    *,
    user_id: str,
    email: str | None = None,
    phone: str | None = None,
    password: str | None = None,
    name: str = "",
    password_hash: str | None = None,
    hash_algorithm: str = "argon2",
    hash_options: dict | None = None,
    accessed: bool = False,
) -> dict:
    """Insert a new user (409 user_already_exists on a taken id, email or phone).
    `accessed`: the user made this request (account sign-ups: Appwrite sets `accessedAt`)."""
    now = clock.iso()
    email = email.lower() if email else None
    if password is not None:
        password_hash = hash_password(password)
    targets = []
    if email:
        targets.append(new_target(user_id, "email", email, now))
    if phone:
        targets.append(new_target(user_id, "sms", phone, now))
    doc = {
        "$id": user_id,
        "$createdAt": now,
        "$updatedAt": now,
        "$permissions": ['read("any")', f'update("user:{user_id}")', f'delete("user:{user_id}")'],
        "name": name or "",
        "password": password_hash,
        "hash": hash_algorithm,
        "hashOptions": hash_options or dict(HASH_OPTIONS),
        "registration": now,
        "status": True,
        "labels": [],
        "passwordUpdate": now if password_hash else "",
        "email": email or "",
        "phone": phone or "",
        "emailVerification": False,
        "phoneVerification": False,
        "mfa": False,
        "prefs": {},
        "targets": targets,
        "accessedAt": now if accessed else "",
    }
    try:
        return identity.insert(state.db, identity.USERS, doc, email=email, phone=phone or None)
    except identity.Conflict:
        raise AppwriteError("user_already_exists") from None


def load_user(state: EmulatorState, user_id: str) -> dict:
    doc = identity.get(state.db, identity.USERS, user_id)
    if doc is None:
        raise AppwriteError("user_not_found")
    return doc


def save_user(state: EmulatorState, doc: dict, conflict: str = "user_already_exists") -> dict:
    """Store a changed user; a taken email/phone answers 409 `conflict`."""
    doc["$updatedAt"] = clock.iso()
    try:
        return identity.replace(
            state.db, identity.USERS, doc, email=doc["email"] or None, phone=doc["phone"] or None
        )
    except identity.Conflict:
        raise AppwriteError(conflict) from None


def start_session(
    state: EmulatorState,
    user: dict,
    provider: str,
    provider_uid: str = "",
    factors=(),
    duration: int = SESSION_DURATION_SECONDS,
    client: dict[str, str] | None = None,
) -> dict:
    """Create a session; the returned doc carries the one-time `secret` (cookie value).
    `client`: the fields derived from the request (`useragent.session_client`)."""
    now = clock.now()
    token = secrets.token_hex(64)
    doc = {
        "$id": ids.unique_id(),
        "$createdAt": clock.iso(now),
        "$updatedAt": clock.iso(now),
        "userId": user["$id"],
        "expire": clock.iso(now + timedelta(seconds=duration)),
        "provider": provider,
        "providerUid": provider_uid,
        "factors": list(factors),
        **(client or {"ip": "127.0.0.1", "clientType": "library", "clientName": "Emulator"}),
        "secretHash": token_digest(token),
        "$permissions": [
            f'read("user:{user["$id"]}")',
            f'update("user:{user["$id"]}")',
            f'delete("user:{user["$id"]}")',
        ],
    }
    doc = identity.insert(state.db, identity.SESSIONS, doc, user_id=user["$id"])
    for stale in identity.select(state.db, identity.SESSIONS, "user_id = ?", (user["$id"],))[
        :-MAX_SESSIONS
    ]:  # Appwrite keeps the newest `maxSessions` (default 10) and deletes the rest
        identity.delete(state.db, identity.SESSIONS, stale["$id"])
    user["accessedAt"] = doc["$createdAt"]
    identity.replace(
        state.db, identity.USERS, user, email=user["email"] or None, phone=user["phone"] or None
    )
    return dict(doc, secret=encode_session_secret(user["$id"], token))


def user_sessions(state: EmulatorState, user_id: str) -> list[dict]:
    now = clock.iso()
    return [
        s
        for s in identity.select(state.db, identity.SESSIONS, "user_id = ?", (user_id,))
        if s["expire"] > now
    ]


def issue_jwt(state: EmulatorState, user: dict, session_id: str, duration: int) -> str:
    """`recent` = the user's latest session (or none); a session the user does not have
    gives a JWT without a session, as Appwrite's `users.createJWT` does."""
    sessions = user_sessions(state, user["$id"])
    if session_id == "recent":
        session_id = sessions[-1]["$id"] if sessions else ""
    elif not any(s["$id"] == session_id for s in sessions):
        session_id = ""
    return mint_user_jwt(state.secret, user["$id"], session_id, duration)


def end_sessions(state: EmulatorState, user_id: str, keep: str = "") -> None:
    """Delete a user's sessions but `keep` (a password change with the project's default
    `invalidateSessions`)."""
    state.db.execute(
        f"DELETE FROM {identity.SESSIONS} WHERE user_id = ? AND id != ?", (user_id, keep)
    )


def require_free_target(state: EmulatorState, identifier: str) -> None:
    """Appwrite refuses an e-mail or phone that is already any user's messaging target
    (the user's own included): 409 user_target_already_exists."""
    if identifier and identity.target_taken(state.db, identifier):
        raise AppwriteError("user_target_already_exists")


def emit(request: Request, pattern: str, params: dict[str, str], payload: dict) -> None:
    """Fire Appwrite's event for a successful write (subscribed functions run asynchronously)."""
    state_of(request).publish(WriteEvent(pattern, params, payload, caller(request)))


def emit_session(request: Request, action: str, session: dict) -> None:
    emit(
        request,
        events.USER_SESSION.format(action=action),
        {"userId": session["userId"], "sessionId": session["$id"]},
        models.session(session, show_secret=False),
    )


def emit_user(request: Request, action: str, user: dict, model=models.user) -> None:
    """`users.ID.<action>` with the model the route answers with
    (User, or Account for account routes)."""
    emit(request, events.USER.format(action=action), {"userId": user["$id"]}, model(user))


def search_text(doc: dict) -> str:
    return " ".join(str(doc.get(k) or "") for k in ("$id", "email", "phone", "name"))


def membership_list(
    state: EmulatorState,
    memberships: list[dict],
    query: listing.ListQuery,
    search: str | None,
    count_total: bool,
) -> dict:
    users = {}
    teams = {}
    for m in memberships:
        users.setdefault(m["userId"], identity.get(state.db, identity.USERS, m["userId"]))
        teams.setdefault(m["teamId"], identity.get(state.db, identity.TEAMS, m["teamId"]))

    def text(m: dict) -> str:
        member = users.get(m["userId"]) or {}
        return " ".join(
            [
                m["$id"],
                m["userId"],
                m["teamId"],
                member.get("name", ""),
                member.get("email", ""),
                (teams.get(m["teamId"]) or {}).get("name", ""),
            ]
        )

    if search:
        memberships = [m for m in memberships if listing.fulltext_match(text(m), search)]
    total, page = listing.apply(
        memberships, query, cursor_label="Membership", count_total=count_total
    )
    return {
        "total": total,
        "memberships": [
            models.membership(m, users.get(m["userId"]), teams.get(m["teamId"])) for m in page
        ],
    }


def set_email(user: dict, email: str) -> None:
    email = email.lower()
    if email != user["email"]:
        user["emailVerification"] = False
    user["email"] = email
    now = clock.iso()
    targets = [t for t in user["targets"] if t["providerType"] != "email"]
    user["targets"] = targets + ([new_target(user["$id"], "email", email, now)] if email else [])


def set_phone(user: dict, phone: str) -> None:
    if phone != user["phone"]:
        user["phoneVerification"] = False
    user["phone"] = phone
    now = clock.iso()
    targets = [t for t in user["targets"] if t["providerType"] != "sms"]
    user["targets"] = targets + ([new_target(user["$id"], "sms", phone, now)] if phone else [])


def set_password(user: dict, password: str) -> None:
    """A new argon2 password; `""` clears it (the Users API allows that: no password then
    signs in)."""
    user["passwordUpdate"] = clock.iso()
    if password == "":
        user["password"] = ""
        return
    user["password"] = hash_password(password)
    user["hash"] = "argon2"
    user["hashOptions"] = dict(HASH_OPTIONS)


PRIVATE_TOKEN_FIELDS = ("kind", "via", "secretHash")


def issue_token(
    state: EmulatorState,
    user: dict,
    kind: str,
    seconds: int,
    length: int = 64,
    *,
    via: str = "token",
    digits: bool = False,
    extra: dict[str, str] | None = None,
    phrase: str = "",
) -> tuple[dict, str]:
    """A one-time token of `kind` ("session", "verification") for `user`: (Token model, secret).
    `via` is how a session token was delivered (token, email, magic-url, phone); `digits` makes
    an OTP."""
    now = clock.now()
    if digits:
        secret = "".join(secrets.choice("0123456789") for _ in range(length))
    else:
        secret = secrets.token_hex(max(length, 64))[:length]
    token = {
        "$id": ids.unique_id(),
        "$createdAt": clock.iso(now),
        "userId": user["$id"],
        "expire": clock.iso(now + timedelta(seconds=seconds)),
        "phrase": phrase,
    }
    user.setdefault("tokens", []).append(
        dict(token, kind=kind, via=via, secretHash=token_digest(secret), **(extra or {}))
    )
    save_user(state, user)
    return token, secret


def redeem_token(state: EmulatorState, user_id: str, secret: str, kind: str) -> tuple[dict, dict]:
    """Use up the user's unexpired `kind` token with this secret: (user, token with `via`);
    else 401 user_invalid_token."""
    user = identity.get(state.db, identity.USERS, user_id)
    now = clock.iso()
    digest = token_digest(secret)
    for token in (user or {}).get("tokens", []):
        if (
            token.get("kind") == kind
            and token["expire"] > now
            and secrets.compare_digest(token["secretHash"], digest)
        ):
            user["tokens"] = [t for t in user["tokens"] if t["expire"] > now and t is not token]
            return save_user(state, user), {
                k: v for k, v in token.items() if k not in ("kind", "secretHash")
            }
    raise AppwriteError("user_invalid_token")


def send_message(state: EmulatorState, kind: str, to: str, url: str, data: dict[str, str]) -> None:
    """Appwrite would e-mail (or text) this: the emulator keeps it in its outbox
    (`identity.messages`). `url`, when given, gets `data` appended to its query as in
    Appwrite's links."""
    if url:
        parts = urlsplit(url)
        url = urlunsplit(parts._replace(query=urlencode([*parse_qsl(parts.query), *data.items()])))
    identity.send_message(
        state.db,
        {"type": kind, "to": to, "url": url, "data": data, "$createdAt": clock.iso()},
    )
