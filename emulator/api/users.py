"""Users API (`/v1/users…`, key-only scopes users.read / users.write).

Also the user operations shared with Account and Teams: `create_user`,
`load_user`, `save_user`, `start_session`.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta, timezone

from starlette.requests import Request
from starlette.routing import Route

from emulator.api import listing, models
from emulator.api import params as p
from emulator.api.auth import caller, encode_session_secret, mint_user_jwt, require_scope, state_of, token_digest
from emulator.api.errors import AppwriteError
from emulator.api.passwords import HASH_OPTIONS, SHA_VERSIONS, hash_password
from emulator.api.responses import json_response, no_content
from emulator.functions import hooks
from emulator.state import EmulatorState
from emulator.store import identity
from emulator.triggers import events

SESSION_DURATION_SECONDS = 31_536_000  # Appwrite's default auth duration: one year
LIST_ATTRIBUTES = (
    "name", "email", "phone", "status", "passwordUpdate", "registration", "emailVerification",
    "phoneVerification", "labels", "impersonator", "accessedAt",
)
MEMBERSHIP_ATTRIBUTES = ("userId", "teamId", "invited", "joined", "confirm", "roles")


def _label(value):
    if not isinstance(value, str) or not value.isalnum() or not value.isascii() or len(value) > 36:
        raise p.Invalid(
            "Value must be a valid string and at least 1 chars and no longer than 36 chars and only consist of "
            "'a-z, A-Z, 0-9' chars"
        )
    return value


# ---------------------------------------------------------------- shared operations


def new_target(user_id: str, provider_type: str, identifier: str, now: str) -> dict:
    return {"$id": p.unique_id(), "$createdAt": now, "$updatedAt": now, "name": "", "userId": user_id,
            "providerId": None, "providerType": provider_type, "identifier": identifier, "expired": False}


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
) -> dict:
    """Insert a new user (409 user_already_exists on a taken id, email or phone)."""
    now = identity.timestamp()
    email = email.lower() if email else None
    if password is not None:
        password_hash = hash_password(password)
    targets = []
    if email:
        targets.append(new_target(user_id, "email", email, now))
    if phone:
        targets.append(new_target(user_id, "sms", phone, now))
    doc = {
        "$id": user_id, "$createdAt": now, "$updatedAt": now,
        "$permissions": [f'read("any")', f'update("user:{user_id}")', f'delete("user:{user_id}")'],
        "name": name or "", "password": password_hash, "hash": hash_algorithm,
        "hashOptions": hash_options or dict(HASH_OPTIONS), "registration": now, "status": True, "labels": [],
        "passwordUpdate": now if password_hash else "", "email": email or "", "phone": phone or "",
        "emailVerification": False, "phoneVerification": False, "mfa": False, "prefs": {}, "targets": targets,
        "accessedAt": "",
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


def save_user(state: EmulatorState, doc: dict) -> dict:
    doc["$updatedAt"] = identity.timestamp()
    try:
        return identity.replace(state.db, identity.USERS, doc, email=doc["email"] or None, phone=doc["phone"] or None)
    except identity.Conflict:
        raise AppwriteError("user_already_exists") from None


def start_session(
    state: EmulatorState, user: dict, provider: str, provider_uid: str = "", factors=(),
    duration: int = SESSION_DURATION_SECONDS,
) -> dict:
    """Create a session; the returned doc carries the one-time `secret` (cookie value)."""
    now = datetime.now(timezone.utc)
    token = secrets.token_hex(64)
    doc = {
        "$id": p.unique_id(), "$createdAt": identity.timestamp(now), "$updatedAt": identity.timestamp(now),
        "userId": user["$id"], "expire": identity.timestamp(now + timedelta(seconds=duration)),
        "provider": provider, "providerUid": provider_uid, "factors": list(factors), "ip": "127.0.0.1",
        "clientType": "library", "clientName": "Emulator", "secretHash": token_digest(token),
        "$permissions": [f'read("user:{user["$id"]}")', f'update("user:{user["$id"]}")',
                         f'delete("user:{user["$id"]}")'],
    }
    doc = identity.insert(state.db, identity.SESSIONS, doc, user_id=user["$id"])
    user["accessedAt"] = doc["$createdAt"]
    identity.replace(state.db, identity.USERS, user, email=user["email"] or None, phone=user["phone"] or None)
    return dict(doc, secret=encode_session_secret(user["$id"], token))


def user_sessions(state: EmulatorState, user_id: str) -> list[dict]:
    now = identity.timestamp()
    return [s for s in identity.select(state.db, identity.SESSIONS, "user_id = ?", (user_id,)) if s["expire"] > now]


def issue_jwt(state: EmulatorState, user: dict, session_id: str, duration: int) -> str:
    """`recent` = the user's latest session (or none); an unknown session → 404."""
    sessions = user_sessions(state, user["$id"])
    if session_id == "recent":
        session_id = sessions[-1]["$id"] if sessions else ""
    elif not any(s["$id"] == session_id for s in sessions):
        raise AppwriteError("user_session_not_found")
    return mint_user_jwt(state, user["$id"], session_id, duration)


def emit(request: Request, pattern: str, params: dict[str, str], payload: dict) -> None:
    """Fire Appwrite's event for a successful write (subscribed functions run asynchronously)."""
    hooks.publish(state_of(request), pattern, params, payload, caller(request))


def emit_session(request: Request, action: str, session: dict) -> None:
    emit(request, events.USER_SESSION.format(action=action), {"userId": session["userId"], "sessionId": session["$id"]},
         models.session(session, show_secret=False))


def emit_user(request: Request, action: str, user: dict) -> None:
    emit(request, events.USER.format(action=action), {"userId": user["$id"]}, models.user(user))


def search_text(doc: dict) -> str:
    return " ".join(str(doc.get(k) or "") for k in ("$id", "email", "phone", "name"))


def membership_list(state: EmulatorState, memberships: list[dict], query: listing.ListQuery, search: str | None,
                    count_total: bool) -> dict:
    users = {}
    teams = {}
    for m in memberships:
        users.setdefault(m["userId"], identity.get(state.db, identity.USERS, m["userId"]))
        teams.setdefault(m["teamId"], identity.get(state.db, identity.TEAMS, m["teamId"]))

    def text(m: dict) -> str:
        member = users.get(m["userId"]) or {}
        return " ".join([m["$id"], m["userId"], m["teamId"], member.get("name", ""), member.get("email", ""),
                         (teams.get(m["teamId"]) or {}).get("name", "")])

    if search:
        memberships = [m for m in memberships if listing.fulltext_match(text(m), search)]
    total, page = listing.apply(memberships, query, cursor_label="Membership", count_total=count_total)
    return {"total": total,
            "memberships": [models.membership(m, users.get(m["userId"]), teams.get(m["teamId"])) for m in page]}


# ---------------------------------------------------------------- routes


def _read(request: Request) -> None:
    require_scope(caller(request), "users.read")


def _write(request: Request) -> None:
    require_scope(caller(request), "users.write")


async def list_users(request: Request):
    _read(request)
    args = await p.params_of(request)
    query = listing.parse(args.optional("queries", lambda v: v), LIST_ATTRIBUTES)
    search = args.optional("search", p.text(256), "")
    count_total = args.optional("total", p.boolean, True)
    docs = identity.select(state_of(request).db, identity.USERS)
    if search:
        docs = [d for d in docs if listing.fulltext_match(search_text(d), search)]
    total, page = listing.apply(docs, query, cursor_label="User", search_text=search_text, count_total=count_total)
    return json_response(models.user_list(total, page))


async def create(request: Request):
    _write(request)
    args = await p.params_of(request)
    doc = create_user(
        state_of(request),
        user_id=args.required("userId", p.custom_id),
        email=args.optional("email", p.email),
        phone=args.optional("phone", p.phone),
        password=args.optional("password", p.password),
        name=args.optional("name", p.text(128), ""),
    )
    emit_user(request, "create", doc)
    return json_response(models.user(doc), 201)


def _scrypt_options(args: p.Params) -> dict:
    return {
        "type": "scrypt", "salt": args.required("passwordSalt", p.text(128)),
        "costCpu": args.required("passwordCpu", p.integer_range(1, 2**31 - 1)),
        "costMemory": args.required("passwordMemory", p.integer_range(1, 2**31 - 1)),
        "costParallel": args.required("passwordParallel", p.integer_range(1, 2**31 - 1)),
        "length": args.required("passwordLength", p.integer_range(1, 2**31 - 1)),
    }


def _sha_version(value):
    if value not in SHA_VERSIONS:
        raise p.Invalid(f"Value must be one of ({', '.join(SHA_VERSIONS)})")
    return value


IMPORT_OPTIONS = {
    "argon2": lambda args: dict(HASH_OPTIONS),
    "bcrypt": lambda args: {"type": "bcrypt"},
    "md5": lambda args: {"type": "md5"},
    "phpass": lambda args: {"type": "phpass"},
    "sha": lambda args: {"type": "sha", "version": args.optional("passwordVersion", _sha_version, "sha3-512")},
    "scrypt": _scrypt_options,
}


def _import_user(algorithm: str):
    """`POST /users/<algorithm>`: a user whose password arrives already hashed."""

    async def endpoint(request: Request):
        _write(request)
        args = await p.params_of(request)
        user_id = args.required("userId", p.custom_id)
        email = args.required("email", p.email)
        hashed = args.required("password", p.password)
        options = IMPORT_OPTIONS[algorithm](args)
        doc = create_user(state_of(request), user_id=user_id, email=email, password_hash=hashed,
                          hash_algorithm=algorithm, hash_options=options, name=args.optional("name", p.text(128), ""))
        emit_user(request, "create", doc)
        return json_response(models.user(doc), 201)

    return endpoint


async def get(request: Request):
    _read(request)
    return json_response(models.user(load_user(state_of(request), p.path_id(request, "userId"))))


async def delete(request: Request):
    _write(request)
    state = state_of(request)
    user = load_user(state, p.path_id(request, "userId"))
    identity.delete(state.db, identity.USERS, user["$id"])
    emit_user(request, "delete", user)
    return no_content()


def _updater(param: str, validator, apply, event: str):
    """A PATCH/PUT endpoint that changes one user attribute (event `users.ID.update.<event>`)."""

    async def endpoint(request: Request):
        _write(request)
        state = state_of(request)
        user = load_user(state, p.path_id(request, "userId"))
        value = (await p.params_of(request)).required(param, validator)
        apply(user, value)
        saved = save_user(state, user)
        emit(request, events.USER_ATTRIBUTE.format(attribute=event), {"userId": saved["$id"]}, models.user(saved))
        return json_response(models.user(saved))

    return endpoint


def _set_email(user: dict, email: str) -> None:
    email = email.lower()
    if email != user["email"]:
        user["emailVerification"] = False
    user["email"] = email
    now = identity.timestamp()
    targets = [t for t in user["targets"] if t["providerType"] != "email"]
    user["targets"] = targets + ([new_target(user["$id"], "email", email, now)] if email else [])


def _set_phone(user: dict, phone: str) -> None:
    if phone != user["phone"]:
        user["phoneVerification"] = False
    user["phone"] = phone
    now = identity.timestamp()
    targets = [t for t in user["targets"] if t["providerType"] != "sms"]
    user["targets"] = targets + ([new_target(user["$id"], "sms", phone, now)] if phone else [])


def _set_password(user: dict, password: str) -> None:
    user["password"] = hash_password(password)
    user["hash"] = "argon2"
    user["hashOptions"] = dict(HASH_OPTIONS)
    user["passwordUpdate"] = identity.timestamp()


def _optional_phone(value):
    return "" if value == "" else p.phone(value)


def _optional_email(value):
    return "" if value == "" else p.email(value)


async def get_prefs(request: Request):
    _read(request)
    user = load_user(state_of(request), p.path_id(request, "userId"))
    return json_response(models.preferences(user.get("prefs")))


async def update_prefs(request: Request):
    _write(request)
    state = state_of(request)
    user = load_user(state, p.path_id(request, "userId"))
    user["prefs"] = (await p.params_of(request)).required("prefs", p.json_object)
    saved = save_user(state, user)
    emit(request, events.USER_ATTRIBUTE.format(attribute="prefs"), {"userId": saved["$id"]}, models.user(saved))
    return json_response(models.preferences(saved["prefs"]))


async def list_sessions(request: Request):
    _read(request)
    state = state_of(request)
    user = load_user(state, p.path_id(request, "userId"))
    return json_response(models.session_list(user_sessions(state, user["$id"])))


async def create_session(request: Request):
    _write(request)
    state = state_of(request)
    user = load_user(state, p.path_id(request, "userId"))
    session = start_session(state, user, "server", factors=["server"])
    emit_session(request, "create", session)
    return json_response(models.session(session, show_secret=caller(request).is_privileged), 201)


async def delete_sessions(request: Request):
    _write(request)
    state = state_of(request)
    user = load_user(state, p.path_id(request, "userId"))
    state.db.execute(f"DELETE FROM {identity.SESSIONS} WHERE user_id = ?", (user["$id"],))
    return no_content()


async def delete_session(request: Request):
    _write(request)
    state = state_of(request)
    user = load_user(state, p.path_id(request, "userId"))
    session = identity.get(state.db, identity.SESSIONS, p.path_id(request, "sessionId"))
    if session is None or session["userId"] != user["$id"]:
        raise AppwriteError("user_session_not_found")
    identity.delete(state.db, identity.SESSIONS, session["$id"])
    emit_session(request, "delete", session)
    return no_content()


async def create_jwt(request: Request):
    _write(request)
    state = state_of(request)
    user = load_user(state, p.path_id(request, "userId"))
    args = await p.params_of(request)
    session_id = args.optional("sessionId", p.any_string, "recent")
    duration = args.optional("duration", p.integer_range(0, 3600), 900)
    return json_response(models.jwt(issue_jwt(state, user, session_id, duration)), 201)


async def list_memberships(request: Request):
    _read(request)
    state = state_of(request)
    user = load_user(state, p.path_id(request, "userId"))
    args = await p.params_of(request)
    query = listing.parse(args.optional("queries", lambda v: v), MEMBERSHIP_ATTRIBUTES)
    search = args.optional("search", p.text(256), "")
    count_total = args.optional("total", p.boolean, True)
    memberships = identity.select(state.db, identity.MEMBERSHIPS, "user_id = ?", (user["$id"],))
    return json_response(membership_list(state, memberships, query, search, count_total))


async def create_token(request: Request):
    """A one-time secret that `account.create_session(userId, secret)` exchanges for a session."""
    _write(request)
    state = state_of(request)
    user = load_user(state, p.path_id(request, "userId"))
    args = await p.params_of(request)
    length = args.optional("length", p.integer_range(4, 128), 6)
    expire_seconds = args.optional("expire", p.integer_range(60, 3600), 900)
    now = datetime.now(timezone.utc)
    secret = secrets.token_hex(64)[:length]
    token = {"$id": p.unique_id(), "$createdAt": identity.timestamp(now), "userId": user["$id"],
             "expire": identity.timestamp(now + timedelta(seconds=expire_seconds)), "phrase": ""}
    user.setdefault("tokens", []).append(dict(token, secretHash=token_digest(secret)))
    save_user(state, user)
    return json_response(dict(token, secret=secret if caller(request).is_privileged else ""), 201)


def redeem_token(state: EmulatorState, user_id: str, secret: str) -> dict:
    """The user owning an unexpired token with this secret (the token is used up); else 401."""
    user = identity.get(state.db, identity.USERS, user_id)
    now = identity.timestamp()
    digest = token_digest(secret)
    for token in (user or {}).get("tokens", []):
        if token["expire"] > now and secrets.compare_digest(token["secretHash"], digest):
            user["tokens"] = [t for t in user["tokens"] if t["expire"] > now and t is not token]
            return save_user(state, user)
    raise AppwriteError("user_invalid_token")


async def list_targets(request: Request):
    _read(request)
    user = load_user(state_of(request), p.path_id(request, "userId"))
    return json_response({"total": len(user["targets"]), "targets": user["targets"]})


def routes(state: EmulatorState) -> list[Route]:
    def set_attr(name):
        return lambda user, value: user.__setitem__(name, value)

    return [
        Route("/users", list_users, methods=["GET"]),
        Route("/users", create, methods=["POST"]),
        *(Route(f"/users/{algorithm}", _import_user(algorithm), methods=["POST"]) for algorithm in IMPORT_OPTIONS),
        Route("/users/{userId}", get, methods=["GET"]),
        Route("/users/{userId}", delete, methods=["DELETE"]),
        Route("/users/{userId}/email", _updater("email", _optional_email, _set_email, "email"), methods=["PATCH"]),
        Route("/users/{userId}/phone", _updater("number", _optional_phone, _set_phone, "phone"), methods=["PATCH"]),
        Route("/users/{userId}/name", _updater("name", p.text(128), set_attr("name"), "name"), methods=["PATCH"]),
        Route("/users/{userId}/password", _updater("password", p.password, _set_password, "password"), methods=["PATCH"]),
        Route("/users/{userId}/status", _updater("status", p.boolean, set_attr("status"), "status"), methods=["PATCH"]),
        Route("/users/{userId}/labels",
              _updater("labels", p.array_of(_label, 1000), lambda u, v: u.__setitem__("labels", list(dict.fromkeys(v))), "labels"),
              methods=["PUT"]),
        Route("/users/{userId}/verification",
              _updater("emailVerification", p.boolean, set_attr("emailVerification"), "verification"), methods=["PATCH"]),
        Route("/users/{userId}/verification/phone",
              _updater("phoneVerification", p.boolean, set_attr("phoneVerification"), "verification"), methods=["PATCH"]),
        Route("/users/{userId}/mfa", _updater("mfa", p.boolean, set_attr("mfa"), "mfa"), methods=["PATCH"]),
        Route("/users/{userId}/prefs", get_prefs, methods=["GET"]),
        Route("/users/{userId}/prefs", update_prefs, methods=["PATCH"]),
        Route("/users/{userId}/sessions", list_sessions, methods=["GET"]),
        Route("/users/{userId}/sessions", create_session, methods=["POST"]),
        Route("/users/{userId}/sessions", delete_sessions, methods=["DELETE"]),
        Route("/users/{userId}/sessions/{sessionId}", delete_session, methods=["DELETE"]),
        Route("/users/{userId}/jwts", create_jwt, methods=["POST"]),
        Route("/users/{userId}/memberships", list_memberships, methods=["GET"]),
        Route("/users/{userId}/targets", list_targets, methods=["GET"]),
        Route("/users/{userId}/tokens", create_token, methods=["POST"]),
    ]
