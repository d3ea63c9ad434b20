"""The Appwrite calls of the session function, one try each, Appwrite's errors made ours.

No retries: creating a session is not idempotent (a 5xx may hide a session that was made),
and sign-in is interactive — a 503 tells the app to try again, a 429 when. Calls that
create sessions use the admin client (the execution's key, scope `sessions.write`); calls
on a session use a client built from the cookie, which needs no scope of the function.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from typing import Any

from ..shared import HTTPError
from ..shared.ssr import admin_client, own_url, session_client, session_error, sign_in_error


@contextmanager
def _answering(translate: Callable[[Any], HTTPError]) -> Iterator[None]:
    """Raise the function's error for an `AppwriteException` (chained, for the log)."""
    from appwrite.exception import AppwriteException

    try:
        yield
    except AppwriteException as exc:
        raise translate(exc) from exc


def _account(client: Any) -> Any:
    from appwrite.services.account import Account

    return Account(client)


def sign_in(req: Any, email: str, password: str) -> dict:
    """A new email/password session (with its secret: the admin client is a key)."""
    with _answering(sign_in_error):
        return _account(admin_client(req.headers)).create_email_password_session(email, password)


def exchange_token(req: Any, user_id: str, secret: str) -> dict:
    """The session for an OAuth2 token (`userId` + `secret` from the success redirect)."""
    with _answering(sign_in_error):
        return _account(admin_client(req.headers)).create_session(user_id, secret)


def oauth_url(req: Any, provider: str, state: str) -> str:
    """The provider's sign-in URL (Appwrite's OAuth2 token flow), coming back to this
    function's own domain: `/oauth/success?state=…&userId=…&secret=…` or `/oauth/failure`."""
    success = own_url(req.headers, f"/oauth/success?state={state}")
    failure = own_url(req.headers, "/oauth/failure")
    with _answering(sign_in_error):
        return _account(admin_client(req.headers)).create_o_auth2_token(
            provider, success=success, failure=failure
        )


def current_account(req: Any, secret: str, cookie: str) -> dict:
    """The session's account, read as its user (a dead session: 401, cookie cleared)."""
    with _answering(partial(session_error, cookie=cookie)):
        return _account(session_client(secret, req.headers)).get()


def sign_out(req: Any, secret: str, cookie: str) -> None:
    """Delete the session the cookie holds, as its user."""
    with _answering(partial(session_error, cookie=cookie)):
        _account(session_client(secret, req.headers)).delete_session("current")
