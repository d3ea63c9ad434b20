"""What the session function answers: public views of accounts and sessions, and the
responses that set or clear the cookie. Allow-lists, so nothing Appwrite adds later — and
never a session's `secret` — reaches a body by default."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from ..shared import Response
from ..shared.cookies import clear_cookie, set_cookie
from ..shared.identity import public_user
from ..shared.ssr import NO_STORE

SESSION_FIELDS = ("$id", "$createdAt", "expire", "provider")


def public_session(session: Mapping[str, Any]) -> dict[str, Any]:
    return {name: session.get(name) for name in SESSION_FIELDS}


def expiry(session: Mapping[str, Any]) -> dt.datetime:
    """The session's `expire` (Appwrite's `2027-11-27T10:00:11.372+00:00`) as a moment."""
    return dt.datetime.fromisoformat(str(session["expire"]).replace("Z", "+00:00"))


def signed_in(session: Mapping[str, Any], account: Mapping[str, Any], cookie: str) -> Response:
    """201 `{account, session}`, and the cookie holding the secret until the session expires."""
    headers = {"set-cookie": set_cookie(cookie, session["secret"], expires=expiry(session))}
    body = {"account": public_user(account), "session": public_session(session)}
    return Response.created(body, {**headers, **NO_STORE})


def account_answer(account: Mapping[str, Any]) -> Response:
    return Response(public_user(account), headers=dict(NO_STORE))


def signed_out(cookie: str) -> Response:
    """204, and the cookie cleared."""
    return Response(None, 204, {"set-cookie": clear_cookie(cookie), **NO_STORE})
