"""Account flows whose secret Appwrite sends by e-mail or SMS: e-mail OTP, magic URL and
phone tokens (exchanged with `account.create_session(userId, secret)`), password recovery and
e-mail verification. The emulator puts each message in its outbox (see `outbox.py`).
"""

from __future__ import annotations

import secrets

from starlette.requests import Request
from starlette.routing import Route

from emulator.core.callers import require_scope
from emulator.core.errors import AppwriteError
from emulator.http import params as p
from emulator.http.request import state_of
from emulator.http.responses import json_response
from emulator.services.identity import models
from emulator.services.identity import store as identity
from emulator.services.identity.callers import caller
from emulator.services.identity.operations import (
    create_user,
    emit,
    emit_user,
    end_sessions,
    issue_token,
    redeem_token,
    save_user,
    send_message,
    set_password,
)
from emulator.services.identity.platforms import redirect_param
from emulator.services.identity.routes_account import (
    account_caller,
    may_start_session,
    save_account,
)
from emulator.triggers import events

OTP_SECONDS = 15 * 60  # Appwrite's TOKEN_EXPIRATION_OTP
# Words of the security phrase (Appwrite's `Phrase::generate`: an adjective and a noun)
PHRASE_ADJECTIVES = ("Brave", "Calm", "Clever", "Gentle", "Happy", "Lucky", "Quiet", "Swift")
PHRASE_NOUNS = ("Badger", "Falcon", "Harbor", "Lantern", "Meadow", "Otter", "River", "Willow")
MAGIC_URL_SECONDS = 3600


def security_phrase() -> str:
    """A phrase shown in the app and in the e-mail, so the user can match them."""
    return f"{secrets.choice(PHRASE_ADJECTIVES)} {secrets.choice(PHRASE_NOUNS)}"


def _token_user(request: Request, state, user_id: str, email: str = "", phone: str = "") -> dict:
    """The user owning this e-mail/phone, else a new one with `user_id` (Appwrite signs them up)."""
    column, value = ("email", email.lower()) if email else ("phone", phone)
    found = identity.select(state.db, identity.USERS, f"{column} = ?", (value,))
    if found:
        return found[0]
    user = create_user(
        state, user_id=user_id, email=email or None, phone=phone or None, accessed=True
    )
    emit_user(request, "create", user, models.account)
    return user


async def create_email_token(request: Request):
    """A 6-digit code by e-mail (outbox) for `account.create_session(userId, code)`."""
    who = caller(request)
    may_start_session(who)
    args = await p.params_of(request)
    user_id = args.required("userId", p.custom_id)
    email = args.required("email", p.email)
    phrase = security_phrase() if args.optional("phrase", p.boolean, False) else ""
    state = state_of(request)
    user = _token_user(request, state, user_id, email=email)
    token, secret = issue_token(
        state, user, "session", OTP_SECONDS, 6, via="email", digits=True, phrase=phrase
    )
    message = {"userId": user["$id"], "secret": secret}
    send_message(state, "emailOtp", user["email"], "", dict(message, phrase=phrase))
    return json_response(dict(token, secret=secret if who.is_privileged else ""), 201)


async def create_magic_url_token(request: Request):
    """A sign-in link by e-mail (outbox): `url?userId=…&secret=…&expire=…`."""
    who = caller(request)
    may_start_session(who)
    args = await p.params_of(request)
    user_id = args.required("userId", p.custom_id)
    email = args.required("email", p.email)
    url = args.optional("url", redirect_param(state_of(request).project_id), "")
    phrase = security_phrase() if args.optional("phrase", p.boolean, False) else ""
    state = state_of(request)
    user = _token_user(request, state, user_id, email=email)
    token, secret = issue_token(
        state, user, "session", MAGIC_URL_SECONDS, via="magic-url", phrase=phrase
    )
    send_message(
        state,
        "magicUrl",
        user["email"],
        url,
        {"userId": user["$id"], "secret": secret, "expire": token["expire"]},
    )
    return json_response(dict(token, secret=secret if who.is_privileged else ""), 201)


async def create_phone_token(request: Request):
    """A 6-digit code by SMS (outbox) for `account.create_session(userId, code)`."""
    who = caller(request)
    may_start_session(who)
    args = await p.params_of(request)
    user_id = args.required("userId", p.custom_id)
    phone = args.required("phone", p.phone)
    state = state_of(request)
    user = _token_user(request, state, user_id, phone=phone)
    token, secret = issue_token(state, user, "session", OTP_SECONDS, 6, via="phone", digits=True)
    send_message(state, "sms", phone, "", {"userId": user["$id"], "secret": secret})
    return json_response(dict(token, secret=secret if who.is_privileged else ""), 201)


RECOVERY_SECONDS = 3600  # Appwrite's TOKEN_EXPIRATION_RECOVERY


async def create_recovery(request: Request):
    """Password reset: a link by e-mail (outbox) `url?userId=…&secret=…&expire=…`."""
    who = caller(request)
    require_scope(who, "sessions.write")
    args = await p.params_of(request)
    email = args.required("email", p.email).lower()
    url = args.required("url", redirect_param(state_of(request).project_id))
    state = state_of(request)
    user = identity.find_user_by_email(state.db, email)
    if user is None:
        raise AppwriteError("user_not_found")
    if not user.get("status", True):
        raise AppwriteError("user_blocked")
    token, secret = issue_token(state, user, "recovery", RECOVERY_SECONDS)
    send_message(
        state,
        "recovery",
        email,
        url,
        {"userId": user["$id"], "secret": secret, "expire": token["expire"]},
    )
    return json_response(dict(token, secret=secret if who.is_privileged else ""), 201)


async def update_recovery(request: Request):
    """Set a new password with the secret from the recovery link."""
    require_scope(caller(request), "sessions.write")
    args = await p.params_of(request)
    user_id = args.required("userId", p.uid)
    secret = args.required("secret", p.text(256, 1))
    password = args.required("password", p.password)
    state = state_of(request)
    user, token = redeem_token(state, user_id, secret, "recovery")
    set_password(user, password)
    user["emailVerification"] = True  # the link reached the mailbox
    save_account(request, user, "password")
    end_sessions(state, user["$id"])  # invalidateSessions, the project default
    return json_response(dict(token, secret=""))


VERIFICATION_SECONDS = 7 * 24 * 3600  # Appwrite's TOKEN_EXPIRATION_CONFIRM


async def create_email_verification(request: Request):
    """Appwrite e-mails `url?userId=…&secret=…&expire=…`; the emulator puts it in its outbox."""
    who = account_caller(request)
    url = (await p.params_of(request)).required("url", redirect_param(state_of(request).project_id))
    state = state_of(request)
    user = dict(who.user)
    if user.get("emailVerification"):
        raise AppwriteError("user_email_already_verified")
    token, secret = issue_token(state, user, "verification", VERIFICATION_SECONDS)
    send_message(
        state,
        "verification",
        user["email"],
        url,
        {"userId": user["$id"], "secret": secret, "expire": token["expire"]},
    )
    return json_response(dict(token, secret=secret if who.is_privileged else ""), 201)


async def update_email_verification(request: Request):
    """Complete the verification with the secret from the message (no session needed)."""
    require_scope(caller(request), "public")
    args = await p.params_of(request)
    user_id = args.required("userId", p.uid)
    secret = args.required("secret", p.text(256, 1))
    state = state_of(request)
    user, token = redeem_token(state, user_id, secret, "verification")
    user["emailVerification"] = True
    saved = save_user(state, user)
    emit(
        request,
        events.USER_ATTRIBUTE.format(attribute="verification"),
        {"userId": user_id},
        models.user(saved),
    )
    return json_response(dict(token, secret=""))


def routes() -> list[Route]:
    return [
        Route("/account/tokens/email", create_email_token, methods=["POST"]),
        Route("/account/tokens/magic-url", create_magic_url_token, methods=["POST"]),
        Route("/account/tokens/phone", create_phone_token, methods=["POST"]),
        Route("/account/recovery", create_recovery, methods=["POST"]),
        Route("/account/recovery", update_recovery, methods=["PUT"]),
        Route("/account/verifications/email", create_email_verification, methods=["POST"]),
        Route("/account/verifications/email", update_email_verification, methods=["PUT"]),
    ]
