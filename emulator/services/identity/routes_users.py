"""Users API (`/v1/users…`, key-only scopes users.read / users.write)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.routing import Route

from emulator.core import clock
from emulator.core.callers import require_scope
from emulator.core.errors import AppwriteError
from emulator.http import listing
from emulator.http import params as p
from emulator.http.request import state_of
from emulator.http.responses import json_response, no_content
from emulator.services.identity import models
from emulator.services.identity import store as identity
from emulator.services.identity.callers import caller
from emulator.services.identity.operations import (
    LOG_QUERY_METHODS,
    MEMBERSHIP_ATTRIBUTES,
    MEMBERSHIP_TYPES,
    create_user,
    emit,
    emit_session,
    emit_user,
    end_sessions,
    issue_jwt,
    issue_token,
    load_user,
    membership_list,
    new_target,
    require_free_target,
    save_user,
    search_text,
    set_email,
    set_password,
    set_phone,
    start_session,
    user_sessions,
)
from emulator.services.identity.passwords import HASH_OPTIONS, SHA_VERSIONS
from emulator.triggers import events

LIST_ATTRIBUTES = (
    "name",
    "email",
    "phone",
    "status",
    "passwordUpdate",
    "registration",
    "emailVerification",
    "phoneVerification",
    "labels",
    "impersonator",
    "accessedAt",
)
LIST_TYPES = {
    "registration": "datetime",
    "passwordUpdate": "datetime",
    "accessedAt": "datetime",
    "status": "boolean",
    "emailVerification": "boolean",
    "phoneVerification": "boolean",
    "labels": "array",
}


def _label(value):
    if not isinstance(value, str) or not value.isalnum() or not value.isascii() or len(value) > 36:
        raise p.Invalid(
            "Value must be a valid string and at least 1 chars and no longer than 36 chars and "
            "only consist of 'a-z, A-Z, 0-9' chars"
        )
    return value


# ---------------------------------------------------------------- shared operations


# ---------------------------------------------------------------- routes


def _read(request: Request) -> None:
    require_scope(caller(request), "users.read")


def _write(request: Request) -> None:
    require_scope(caller(request), "users.write")


async def list_users(request: Request):
    _read(request)
    args = await p.params_of(request)
    query = listing.parse(args.optional("queries", lambda v: v), LIST_ATTRIBUTES, LIST_TYPES)
    search = args.optional("search", p.text(256), "")
    count_total = args.optional("total", p.boolean, True)
    docs = identity.select(state_of(request).db, identity.USERS)
    if search:
        docs = [d for d in docs if listing.fulltext_match(search_text(d), search)]
    total, page = listing.apply(docs, query, cursor_label="User", count_total=count_total)
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
        "type": "scrypt",
        "salt": args.required("passwordSalt", p.text(128)),
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
    "sha": lambda args: {
        "type": "sha",
        "version": args.optional("passwordVersion", _sha_version, "sha3-512"),
    },
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
        doc = create_user(
            state_of(request),
            user_id=user_id,
            email=email,
            password_hash=hashed,
            hash_algorithm=algorithm,
            hash_options=options,
            name=args.optional("name", p.text(128), ""),
        )
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


def _updater(
    param: str,
    validator,
    apply,
    event: str,
    conflict: str = "user_already_exists",
    before=None,
    after=None,
):
    """A PATCH/PUT endpoint that changes one user attribute (event `users.ID.update.<event>`);
    `before(state, value)` may refuse the value, `after(state, user)` follows the write."""

    async def endpoint(request: Request):
        _write(request)
        state = state_of(request)
        user = load_user(state, p.path_id(request, "userId"))
        value = (await p.params_of(request)).required(param, validator)
        if before is not None:
            before(state, value)
        apply(user, value)
        saved = save_user(state, user, conflict)
        if after is not None:
            after(state, saved)
        emit(
            request,
            events.USER_ATTRIBUTE.format(attribute=event),
            {"userId": saved["$id"]},
            models.user(saved),
        )
        return json_response(models.user(saved))

    return endpoint


def _optional_phone(value):
    return "" if value == "" else p.phone(value)


def _optional_email(value):
    return "" if value == "" else p.email(value)


def _optional_password(value):
    """Appwrite's users.updatePassword takes `""` (it clears the password)."""
    return "" if value == "" else p.password(value)


def _free_target(state, value: str) -> None:
    require_free_target(state, value.lower() if "@" in value else value)


def _end_sessions(state, user: dict) -> None:
    end_sessions(state, user["$id"])  # invalidateSessions, the project default


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
    emit(
        request,
        events.USER_ATTRIBUTE.format(attribute="prefs"),
        {"userId": saved["$id"]},
        models.user(saved),
    )
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
    query = listing.parse(
        args.optional("queries", lambda v: v), MEMBERSHIP_ATTRIBUTES, MEMBERSHIP_TYPES
    )
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
    token, secret = issue_token(state, user, "session", expire_seconds, length)
    return json_response(dict(token, secret=secret if caller(request).is_privileged else ""), 201)


async def list_targets(request: Request):
    _read(request)
    user = load_user(state_of(request), p.path_id(request, "userId"))
    return json_response({"total": len(user["targets"]), "targets": user["targets"]})


TARGET_IDENTIFIERS = {"email": p.email, "sms": p.phone, "push": p.text(2048, 1)}


def _provider_type(value):
    if value not in TARGET_IDENTIFIERS:
        raise p.Invalid("Value must be one of (email, sms, push)")
    return value


def _target_of(user: dict, target_id: str) -> dict:
    found = next((t for t in user["targets"] if t["$id"] == target_id), None)
    if found is None:
        raise AppwriteError("user_target_not_found")
    return found


async def create_target(request: Request):
    _write(request)
    state = state_of(request)
    user = load_user(state, p.path_id(request, "userId"))
    args = await p.params_of(request)
    target_id = args.required("targetId", p.custom_id)
    provider_type = args.required("providerType", _provider_type)
    identifier = args.required("identifier", TARGET_IDENTIFIERS[provider_type])
    if any(t["$id"] == target_id for t in user["targets"]):
        raise AppwriteError("user_target_already_exists")
    target = new_target(user["$id"], provider_type, identifier, clock.iso())
    target.update(
        {
            "$id": target_id,
            "providerId": args.optional("providerId", p.uid),
            "name": args.optional("name", p.text(128), ""),
        }
    )
    user["targets"].append(target)
    save_user(state, user)
    return json_response(target, 201)


async def get_target(request: Request):
    _read(request)
    user = load_user(state_of(request), p.path_id(request, "userId"))
    return json_response(_target_of(user, p.path_id(request, "targetId")))


async def update_target(request: Request):
    _write(request)
    state = state_of(request)
    user = load_user(state, p.path_id(request, "userId"))
    target = _target_of(user, p.path_id(request, "targetId"))
    args = await p.params_of(request)
    if args.has("identifier"):
        target["identifier"] = args.required(
            "identifier", TARGET_IDENTIFIERS[target["providerType"]]
        )
    if args.has("providerId"):
        target["providerId"] = args.required("providerId", p.uid)
    if args.has("name"):
        target["name"] = args.required("name", p.text(128))
    target["$updatedAt"] = clock.iso()
    save_user(state, user)
    return json_response(target)


async def delete_target(request: Request):
    _write(request)
    state = state_of(request)
    user = load_user(state, p.path_id(request, "userId"))
    target = _target_of(user, p.path_id(request, "targetId"))
    user["targets"] = [t for t in user["targets"] if t is not target]
    save_user(state, user)
    return no_content()


async def list_logs(request: Request):
    """The emulator records no activity logs: always an empty list (its queries are checked)."""
    _read(request)
    load_user(state_of(request), p.path_id(request, "userId"))
    args = await p.params_of(request)
    listing.parse(args.optional("queries", lambda v: v), (), methods=LOG_QUERY_METHODS)
    args.optional("total", p.boolean, True)
    return json_response({"total": 0, "logs": []})


async def list_identities(request: Request):
    """OAuth identities do not exist in the emulator: always an empty list."""
    _read(request)
    return json_response({"total": 0, "identities": []})


def routes() -> list[Route]:
    def set_attr(name):
        return lambda user, value: user.__setitem__(name, value)

    return [
        Route("/users", list_users, methods=["GET"]),
        Route("/users", create, methods=["POST"]),
        *(
            Route(f"/users/{algorithm}", _import_user(algorithm), methods=["POST"])
            for algorithm in IMPORT_OPTIONS
        ),
        Route("/users/identities", list_identities, methods=["GET"]),  # before /users/{userId}
        Route("/users/{userId}", get, methods=["GET"]),
        Route("/users/{userId}", delete, methods=["DELETE"]),
        Route(
            "/users/{userId}/email",
            _updater(
                "email",
                _optional_email,
                set_email,
                "email",
                "user_email_already_exists",
                before=_free_target,
            ),
            methods=["PATCH"],
        ),
        Route(
            "/users/{userId}/phone",
            _updater(
                "number",
                _optional_phone,
                set_phone,
                "phone",
                "user_phone_already_exists",
                before=_free_target,
            ),
            methods=["PATCH"],
        ),
        Route(
            "/users/{userId}/name",
            _updater("name", p.text(128), set_attr("name"), "name"),
            methods=["PATCH"],
        ),
        Route(
            "/users/{userId}/password",
            _updater("password", _optional_password, set_password, "password", after=_end_sessions),
            methods=["PATCH"],
        ),
        Route(
            "/users/{userId}/status",
            _updater("status", p.boolean, set_attr("status"), "status"),
            methods=["PATCH"],
        ),
        Route(
            "/users/{userId}/labels",
            _updater(
                "labels",
                p.array_of(_label, 1000),
                lambda u, v: u.__setitem__("labels", list(dict.fromkeys(v))),
                "labels",
            ),
            methods=["PUT"],
        ),
        Route(
            "/users/{userId}/verification",
            _updater("emailVerification", p.boolean, set_attr("emailVerification"), "verification"),
            methods=["PATCH"],
        ),
        Route(
            "/users/{userId}/verification/phone",
            _updater("phoneVerification", p.boolean, set_attr("phoneVerification"), "verification"),
            methods=["PATCH"],
        ),
        Route(
            "/users/{userId}/mfa",
            _updater("mfa", p.boolean, set_attr("mfa"), "mfa"),
            methods=["PATCH"],
        ),
        Route("/users/{userId}/prefs", get_prefs, methods=["GET"]),
        Route("/users/{userId}/prefs", update_prefs, methods=["PATCH"]),
        Route("/users/{userId}/sessions", list_sessions, methods=["GET"]),
        Route("/users/{userId}/sessions", create_session, methods=["POST"]),
        Route("/users/{userId}/sessions", delete_sessions, methods=["DELETE"]),
        Route("/users/{userId}/sessions/{sessionId}", delete_session, methods=["DELETE"]),
        Route("/users/{userId}/jwts", create_jwt, methods=["POST"]),
        Route("/users/{userId}/memberships", list_memberships, methods=["GET"]),
        Route("/users/{userId}/targets", list_targets, methods=["GET"]),
        Route("/users/{userId}/targets", create_target, methods=["POST"]),
        Route("/users/{userId}/targets/{targetId}", get_target, methods=["GET"]),
        Route("/users/{userId}/targets/{targetId}", update_target, methods=["PATCH"]),
        Route("/users/{userId}/targets/{targetId}", delete_target, methods=["DELETE"]),
        Route("/users/{userId}/logs", list_logs, methods=["GET"]),
        Route(
            "/users/{userId}/impersonator",
            _updater("impersonator", p.boolean, set_attr("impersonator"), "impersonator"),
            methods=["PATCH"],
        ),
        Route("/users/{userId}/tokens", create_token, methods=["POST"]),
    ]
