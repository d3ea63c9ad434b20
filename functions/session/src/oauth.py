"""The OAuth2 sign-in's own pieces: the state that ties the return to the browser that
left, the redirect to the provider, and what a failed sign-in is told.

Login CSRF: anyone can finish an OAuth2 sign-in with their own provider account and send
the success URL (`userId` + `secret`) to a victim, whose browser would then be signed in
as the attacker. So `GET /oauth/{provider}` sets a random state in a short-lived cookie
(SameSite=Lax: it must come back on the provider's cross-site redirect) and puts the same
value in the success URL; `/oauth/success` exchanges the token only when both agree.
"""

from __future__ import annotations

import hmac
import json
import secrets
from collections.abc import Mapping
from typing import Any

from ..shared import Forbidden, HTTPError, Response, Unauthorized
from ..shared.cookies import read_cookie, set_cookie
from ..shared.patterns import lazy
from ..shared.ssr import NO_STORE

STATE_COOKIE = "oauth_state"
STATE_PATH = "/oauth"
STATE_SECONDS = 600  # time to sign in at the provider
_ERROR_TYPE = lazy(r"^[a-z0-9_]{1,64}$")


def new_state() -> str:
    """43 URL-safe characters (256 random bits)."""
    return secrets.token_urlsafe(32)


def to_provider(url: str, state: str) -> Response:
    """302 to the provider's page, with the state cookie."""
    cookie = set_cookie(
        STATE_COOKIE, state, max_age=STATE_SECONDS, path=STATE_PATH, same_site="Lax"
    )
    return Response(None, 302, {"location": url, "set-cookie": cookie, **NO_STORE})


def check_state(headers: Mapping[str, str], state: str) -> None:
    """403 `oauth_state_mismatch` unless the state cookie holds `state`."""
    expected = read_cookie(headers, STATE_COOKIE)
    if not expected or not hmac.compare_digest(expected.encode(), state.encode()):
        raise Forbidden(
            "This sign-in was not started from this browser, or took longer than "
            f"{STATE_SECONDS // 60} minutes. Start again.",
            code="oauth_state_mismatch",
        )


def failed(error: str | None) -> HTTPError:
    """401 `oauth_failed`, with Appwrite's error type and code when it sent them; a blocked
    user is told so (403 `user_blocked`, as `/login` answers).

    Appwrite's `message` is not repeated: the parameter arrives from the browser's URL,
    so only values that cannot carry a text of someone else's choosing are passed on.
    """
    details: list[dict[str, Any]] = []
    try:
        reported = json.loads(error) if error else None
    except ValueError:
        reported = None
    if isinstance(reported, dict):
        kind, code = reported.get("type"), reported.get("code")
        detail: dict[str, Any] = {}
        if isinstance(kind, str) and _ERROR_TYPE.match(kind):
            detail["type"] = kind
        if isinstance(code, int) and not isinstance(code, bool) and 0 <= code <= 599:
            detail["code"] = code
        if detail:
            details.append(detail)
    if details and details[0].get("type") == "user_blocked":
        return Forbidden("This account is blocked.", code="user_blocked", headers=dict(NO_STORE))
    return Unauthorized(
        "Signing in with the provider did not complete (cancelled or refused). Try again.",
        code="oauth_failed",
        details=details,
        headers=dict(NO_STORE),
    )
