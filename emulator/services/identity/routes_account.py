"""Account API (`/v1/account…`): the caller's own user, sessions and JWTs.
(The flows whose secret travels by mail or SMS are in `account_tokens.py`.)

Sessions follow Appwrite's server-side-rendering flow: a key-authenticated client
creates the session (`POST /account/sessions/email`) and receives its `secret`
(shown to privileged callers only); any client then authenticates with it via
`X-Appwrite-Session` (or the `a_session_<project>` cookie, also set here).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from emulator.core import ids
from emulator.core.callers import Caller, CallerKind, require_scope
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
    SESSION_DURATION_SECONDS,
    create_user,
    emit,
    emit_session,
    emit_user,
    end_sessions,
    issue_jwt,
    membership_list,
    redeem_token,
    require_free_target,
    save_user,
    set_email,
    set_password,
    set_phone,
    start_session,
    user_sessions,
)
from emulator.services.identity.passwords import HASH_OPTIONS, hash_password, verify_password
from emulator.services.identity.useragent import session_client
from emulator.triggers import events


def account_caller(request: Request) -> Caller:
    """The signed-in caller (session or JWT); 401 for guests and keys, as Appwrite."""
    who = caller(request)
    require_scope(who, "account")
    if who.user is None:  # a key holds every scope but is nobody's account
        raise AppwriteError(
            "general_unauthorized_scope",
            f'{who.actor} (role: {who.role_label}) missing scopes (["account"])',
        )
    return who


def _current_session_id(who: Caller) -> str:
    return who.session["$id"] if who.session else ""


async def get(request: Request):
    who = account_caller(request)
    return json_response(models.account(who.user, who.impersonator_id))


async def delete(request: Request):
    """The caller deletes their own account (Appwrite 1.9.6: sessions, memberships and
    targets go with it; event `users.ID.delete` with the User model)."""
    who = account_caller(request)
    state = state_of(request)
    identity.delete(state.db, identity.USERS, who.user_id)
    emit_user(request, "delete", who.user)
    return no_content()


async def create(request: Request):
    who = caller(request)
    require_scope(who, "sessions.write")
    args = await p.params_of(request)
    doc = create_user(
        state_of(request),
        user_id=args.required("userId", p.custom_id),
        email=args.required("email", p.email),
        password=args.required("password", p.password),
        name=args.optional("name", p.text(128), ""),
        accessed=True,
    )
    emit_user(request, "create", doc, models.account)
    return json_response(models.account(doc), 201)


def save_account(
    request: Request, user: dict, attribute: str, conflict: str = "user_already_exists"
) -> dict:
    """Store the changed user and fire `users.ID.update.<attribute>`."""
    saved = save_user(state_of(request), user, conflict)
    emit(
        request,
        events.USER_ATTRIBUTE.format(attribute=attribute),
        {"userId": saved["$id"]},
        models.user(saved),
    )
    return saved


async def update_name(request: Request):
    who = account_caller(request)
    user = dict(who.user)
    user["name"] = (await p.params_of(request)).required("name", p.text(128))
    return json_response(models.account(save_account(request, user, "name")))


async def update_password(request: Request):
    who = account_caller(request)
    args = await p.params_of(request)
    new_password = args.required("password", p.password)
    old_password = args.optional("oldPassword", p.text(256), "")
    user = dict(who.user)
    if user.get("password") and not verify_password(
        user["password"], old_password, user.get("hashOptions")
    ):
        raise AppwriteError("user_invalid_credentials")
    set_password(user, new_password)
    saved = save_account(request, user, "password")
    if who.session is not None:  # invalidateSessions: the other sessions end
        end_sessions(state_of(request), user["$id"], keep=who.session["$id"])
    return json_response(models.account(saved))


async def update_email(request: Request):
    who = account_caller(request)
    args = await p.params_of(request)
    email = args.required("email", p.email)
    password = args.required("password", p.password)
    user = dict(who.user)
    if user.get("password") and not verify_password(
        user["password"], password, user.get("hashOptions")
    ):
        raise AppwriteError("user_invalid_credentials")
    require_free_target(state_of(request), email.lower())
    set_email(user, email)
    return json_response(
        models.account(save_account(request, user, "email", "user_email_already_exists"))
    )


async def update_phone(request: Request):
    who = account_caller(request)
    args = await p.params_of(request)
    phone = args.required("phone", p.phone)
    password = args.required("password", p.password)
    user = dict(who.user)
    if user.get("password") and not verify_password(
        user["password"], password, user.get("hashOptions")
    ):
        raise AppwriteError("user_invalid_credentials")
    require_free_target(state_of(request), phone)
    set_phone(user, phone)
    return json_response(
        models.account(save_account(request, user, "phone", "user_phone_already_exists"))
    )


async def update_status(request: Request):
    """The caller blocks their own account; its sessions stop working."""
    who = account_caller(request)
    user = dict(who.user, status=False)
    return json_response(models.account(save_account(request, user, "status")))


async def list_logs(request: Request):
    """The emulator records no activity logs: always an empty list (its queries are checked)."""
    account_caller(request)
    args = await p.params_of(request)
    listing.parse(args.optional("queries", lambda v: v), (), methods=LOG_QUERY_METHODS)
    args.optional("total", p.boolean, True)
    return json_response({"total": 0, "logs": []})


async def list_identities(request: Request):
    """OAuth identities do not exist in the emulator: always an empty list."""
    account_caller(request)
    return json_response({"total": 0, "identities": []})


async def get_prefs(request: Request):
    return json_response(models.preferences(account_caller(request).user.get("prefs")))


async def update_prefs(request: Request):
    who = account_caller(request)
    user = dict(who.user)
    user["prefs"] = (await p.params_of(request)).required("prefs", p.json_object)
    return json_response(models.account(save_account(request, user, "prefs")))


async def list_sessions(request: Request):
    who = account_caller(request)
    sessions = user_sessions(state_of(request), who.user_id)
    return json_response(models.session_list(sessions, current_session_id=_current_session_id(who)))


def _session_of(request: Request, who: Caller) -> dict:
    session_id = request.path_params["sessionId"]
    if session_id == "current":
        session_id = _current_session_id(who)
    else:
        session_id = p.path_id(request, "sessionId")
    for session in user_sessions(state_of(request), who.user_id):
        if session["$id"] == session_id:
            return session
    raise AppwriteError("user_session_not_found")


async def get_session(request: Request):
    who = account_caller(request)
    session = _session_of(request, who)
    return json_response(
        models.session(session, show_secret=False, current_session_id=_current_session_id(who))
    )


async def delete_session(request: Request):
    who = account_caller(request)
    session = _session_of(request, who)
    identity.delete(state_of(request).db, identity.SESSIONS, session["$id"])
    emit_session(request, "delete", session)
    return no_content()


async def delete_sessions(request: Request):
    who = account_caller(request)
    for session in user_sessions(state_of(request), who.user_id):
        identity.delete(state_of(request).db, identity.SESSIONS, session["$id"])
        emit_session(request, "delete", session)
    return no_content()


def _session_response(request: Request, who: Caller, session: dict) -> Response:
    state = state_of(request)
    emit_session(request, "create", session)
    body = models.session(session, show_secret=who.is_privileged, current_session_id=session["$id"])
    response = json_response(body, 201)
    response.set_cookie(
        f"a_session_{state.project_id}",
        session["secret"],
        httponly=True,
        samesite="none",
        secure=False,
        path="/",
        max_age=31_536_000,
    )
    return response


def may_start_session(who: Caller) -> None:
    """Session creation needs `sessions.write` and no active session
    (401 user_session_already_exists)."""
    require_scope(who, "sessions.write")
    if who.kind == CallerKind.USER:
        raise AppwriteError("user_session_already_exists")


async def create_email_password_session(request: Request):
    who = caller(request)
    may_start_session(who)
    args = await p.params_of(request)
    email = args.required("email", p.email).lower()
    password = args.required("password", p.password)
    duration = args.optional(
        "duration", p.integer_range(5, SESSION_DURATION_SECONDS), SESSION_DURATION_SECONDS
    )
    state = state_of(request)
    user = identity.find_user_by_email(state.db, email)
    if user is None or not verify_password(user.get("password"), password, user.get("hashOptions")):
        raise AppwriteError("user_invalid_credentials")
    if not user.get("status", True):
        raise AppwriteError("user_blocked")
    if (
        user.get("hash") != "argon2"
    ):  # imported hashes are upgraded on the first sign-in, as Appwrite does
        user["password"], user["hash"], user["hashOptions"] = (
            hash_password(password),
            "argon2",
            dict(HASH_OPTIONS),
        )
        user = save_user(state, user)
    session = start_session(
        state,
        user,
        "email",
        provider_uid=email,
        factors=["password"],
        duration=duration,
        client=session_client(request, who),
    )
    return _session_response(request, who, session)


async def create_anonymous_session(request: Request):
    who = caller(request)
    may_start_session(who)
    state = state_of(request)
    user = create_user(state, user_id=ids.unique_id(), accessed=True)
    emit_user(request, "create", user, models.account)
    return _session_response(
        request,
        who,
        start_session(
            state, user, "anonymous", factors=["anonymous"], client=session_client(request, who)
        ),
    )


async def create_token_session(request: Request):
    """`account.create_session(userId, secret)` (also `PUT /account/sessions/magic-url` and
    `/phone`): exchange a token from `users.create_token` or a mailed/texted one for a session."""
    who = caller(request)
    may_start_session(who)
    args = await p.params_of(request)
    user_id = args.required("userId", p.uid)
    secret = args.required("secret", p.text(256, 1))
    state = state_of(request)
    user, token = redeem_token(state, user_id, secret, "session")
    if not user.get("status", True):
        raise AppwriteError("user_blocked")
    via = token.get("via", "token")
    if via in ("email", "magic-url"):
        user["emailVerification"] = True  # receiving the mail proves the address, as in Appwrite
    elif via == "phone":
        user["phoneVerification"] = True
    factor = {"magic-url": "email", "token": "token", "oauth2": "email"}.get(via, via)
    # an OAuth2 token's session is named after its provider (Appwrite carries it in the secret)
    provider = token.get("provider", "") if via == "oauth2" else via
    session = start_session(
        state,
        save_user(state, user),
        provider,
        factors=[factor],
        client=session_client(request, who),
    )
    return _session_response(request, who, session)


async def update_session(request: Request):
    """Extend a session (Appwrite refreshes OAuth tokens here;
    other sessions come back as they are)."""
    who = account_caller(request)
    return json_response(
        models.session(
            _session_of(request, who),
            show_secret=False,
            current_session_id=_current_session_id(who),
        )
    )


async def create_jwt(request: Request):
    who = account_caller(request)
    duration = (await p.params_of(request)).optional("duration", p.integer_range(0, 3600), 900)
    if who.session is None or who.via_jwt:  # Appwrite issues JWTs to sessions only
        raise AppwriteError("user_session_not_found")
    return json_response(
        models.jwt(issue_jwt(state_of(request), who.user, who.session["$id"], duration)), 201
    )


async def list_memberships(request: Request):
    who = account_caller(request)
    state = state_of(request)
    args = await p.params_of(request)
    query = listing.parse(
        args.optional("queries", lambda v: v), MEMBERSHIP_ATTRIBUTES, MEMBERSHIP_TYPES
    )
    count_total = args.optional("total", p.boolean, True)
    memberships = identity.select(state.db, identity.MEMBERSHIPS, "user_id = ?", (who.user_id,))
    return json_response(membership_list(state, memberships, query, "", count_total))


def routes() -> list[Route]:
    return [
        Route("/account", get, methods=["GET"]),
        Route("/account", create, methods=["POST"]),
        Route("/account", delete, methods=["DELETE"]),
        Route("/account/name", update_name, methods=["PATCH"]),
        Route("/account/email", update_email, methods=["PATCH"]),
        Route("/account/phone", update_phone, methods=["PATCH"]),
        Route("/account/status", update_status, methods=["PATCH"]),
        Route("/account/logs", list_logs, methods=["GET"]),
        Route("/account/identities", list_identities, methods=["GET"]),
        Route("/account/password", update_password, methods=["PATCH"]),
        Route("/account/prefs", get_prefs, methods=["GET"]),
        Route("/account/prefs", update_prefs, methods=["PATCH"]),
        Route("/account/jwts", create_jwt, methods=["POST"]),
        Route("/account/memberships", list_memberships, methods=["GET"]),
        Route("/account/sessions", list_sessions, methods=["GET"]),
        Route("/account/sessions", delete_sessions, methods=["DELETE"]),
        Route("/account/sessions/email", create_email_password_session, methods=["POST"]),
        Route("/account/sessions/anonymous", create_anonymous_session, methods=["POST"]),
        Route("/account/sessions/token", create_token_session, methods=["POST"]),
        Route("/account/sessions/magic-url", create_token_session, methods=["PUT"]),
        Route("/account/sessions/phone", create_token_session, methods=["PUT"]),
        Route("/account/sessions/{sessionId}", get_session, methods=["GET"]),
        Route("/account/sessions/{sessionId}", delete_session, methods=["DELETE"]),
        Route("/account/sessions/{sessionId}", update_session, methods=["PATCH"]),
    ]
