"""Server-side sign-in (Appwrite's SSR flow) for a function that serves a web app.

Appwrite's flow: an *admin client* (the execution's dynamic key, scope `sessions.write`)
creates sessions and, being a key, receives their `secret`; the secret travels to the
browser in the cookie `a_session_<PROJECT_ID>`; on each later request a *session client*
built from that cookie (`set_session`) acts as the user, with the user's permissions.

    admin = admin_client(req.headers)              # key + the visitor's user agent
    client = session_client(secret, req.headers)   # the cookie's session, no key
    require_same_origin(req.headers)               # CSRF guard for cookie-changing POSTs

Errors of those calls become the function's own with `sign_in_error` (admin calls) and
`session_error` (session-client calls): bad credentials 401, a blocked user 403, Appwrite's
429 passed on with `Retry-After`, an unusable cookie 401 with the cookie cleared.
The SDK is imported on first use only.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from .client import PROJECT_ENV, resolve_settings, server_client
from .cookies import clear_cookie, read_cookie
from .errors import (
    BadRequest,
    ConfigurationError,
    Forbidden,
    HTTPError,
    TooManyRequests,
    Unauthorized,
    from_appwrite,
)
from .patterns import lazy

SESSION_COOKIE_PREFIX = "a_session_"
# The SDK drops Appwrite's X-RateLimit-Reset with the rest of the response headers, so the
# hint we pass on is fixed; Appwrite's abuse windows are counted per hour.
RETRY_AFTER_SECONDS = 60
MAX_USER_AGENT = 512
MAX_SECRET = 4096
NO_STORE = {"cache-control": "no-store"}
_HOST = lazy(
    r"^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)*|\[[0-9A-Fa-f:.]+\])"
    r"(?::(\d{1,5}))?$"
)
_DEFAULT_PORTS = {"http": 80, "https": 443}
_REDIRECT_PARAM = lazy(r"^Invalid `(success|failure)` param")


# -- the cookie ------------------------------------------------------------------------------


def session_cookie_name(env: Mapping[str, str] | None = None) -> str:
    """`a_session_<PROJECT_ID>`, the name Appwrite gives its own session cookie."""
    project = ((os.environ if env is None else env).get(PROJECT_ENV) or "").strip()
    if not project:
        raise ConfigurationError(f"env {PROJECT_ENV} is not set.")
    return SESSION_COOKIE_PREFIX + project


def session_secret(headers: Mapping[str, str], cookie: str) -> str:
    """The session secret in the request's cookie.

    401 `missing_session` when there is no cookie; 401 `invalid_session` (and the cookie
    cleared) when its value could never be a session secret.
    """
    secret = read_cookie(headers, cookie)
    if secret is None:
        raise Unauthorized("Sign in first: there is no session cookie.", code="missing_session")
    if not secret or len(secret) > MAX_SECRET:
        raise invalid_session(cookie)
    return secret


def invalid_session(cookie: str) -> Unauthorized:
    return Unauthorized(
        "The session is invalid or has expired. Sign in again.",
        code="invalid_session",
        headers={"set-cookie": clear_cookie(cookie), **NO_STORE},
    )


# -- clients ---------------------------------------------------------------------------------


def forwarded_user_agent(headers: Mapping[str, str]) -> str | None:
    """The visitor's user agent, fit to forward: printable ASCII, at most 512 characters."""
    agent = "".join(c for c in headers.get("user-agent") or "" if " " <= c <= "~").strip()
    return agent[:MAX_USER_AGENT] or None


def admin_client(headers: Mapping[str, str], env: Mapping[str, str] | None = None) -> Any:
    """The execution's key client, telling Appwrite the visitor's user agent: the sessions it
    creates record the browser (Appwrite reads `X-Forwarded-User-Agent` from keys only)."""
    client = server_client(headers, env)
    agent = forwarded_user_agent(headers)
    return client.set_forwarded_user_agent(agent) if agent else client


def session_client(
    secret: str, headers: Mapping[str, str], env: Mapping[str, str] | None = None
) -> Any:
    """A client acting as the session's user (no key: the user's permissions apply)."""
    from appwrite.client import Client

    settings = resolve_settings(env=env, need_key=False)
    client = (
        Client().set_endpoint(settings.endpoint).set_project(settings.project).set_session(secret)
    )
    agent = forwarded_user_agent(headers)
    return client.set_forwarded_user_agent(agent) if agent else client


# -- the function's own origin ---------------------------------------------------------------


def _host(headers: Mapping[str, str]) -> tuple[str, int | None]:
    host = (headers.get("host") or "").strip()
    match = _HOST.match(host)
    if not match:
        raise BadRequest("The request's Host header is missing or invalid.", code="invalid_host")
    port = match.group(1)
    name = host.rsplit(":", 1)[0] if port else host
    return name.lower(), int(port) if port else None


def own_url(headers: Mapping[str, str], path: str) -> str:
    """`path` on the domain the request came to (`x-forwarded-proto` + `host`, as the
    runtime's `context.req.url`)."""
    scheme = (headers.get("x-forwarded-proto") or "http").strip().lower()
    if scheme not in _DEFAULT_PORTS:
        scheme = "http"
    name, port = _host(headers)
    return f"{scheme}://{name}{'' if port is None else f':{port}'}{path}"


def require_same_origin(headers: Mapping[str, str]) -> None:
    """403 `cross_site_request` unless a browser says the request comes from this very origin.

    `Sec-Fetch-Site` other than `same-origin`/`none` is refused; an `Origin` must name this
    host (and port, when the Host header has one). A request with neither header is not a
    browser's (curl, a server) and cannot carry a victim's cookie, so it passes.
    """
    site = (headers.get("sec-fetch-site") or "").strip().lower()
    if site and site not in ("same-origin", "none"):
        raise _cross_site()
    origin = headers.get("origin")
    if origin is None:
        return
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(origin.strip())
        origin_port = parts.port or _DEFAULT_PORTS.get(parts.scheme)
    except ValueError:
        raise _cross_site() from None
    name, port = _host(headers)
    if parts.scheme not in _DEFAULT_PORTS or (parts.hostname or "") != name.strip("[]"):
        raise _cross_site()
    if port is not None and origin_port != port:
        raise _cross_site()


def _cross_site() -> Forbidden:
    return Forbidden(
        "Cross-site requests cannot sign in or out: call this from the app's own pages.",
        code="cross_site_request",
    )


# -- Appwrite's errors -----------------------------------------------------------------------


def rate_limited() -> TooManyRequests:
    return TooManyRequests(
        "Too many sign-in requests. Try again later.",
        code="rate_limited",
        headers={"retry-after": str(RETRY_AFTER_SECONDS)},
    )


def sign_in_error(exc: Any) -> HTTPError:
    """The answer for an `AppwriteException` of a call that creates a session (admin client)."""
    kind, code = exc.type, exc.code
    if kind == "user_invalid_credentials":
        return Unauthorized("Wrong email or password.", code="invalid_credentials")
    if kind == "user_invalid_token":
        return Unauthorized(
            "The sign-in token is invalid, used or expired. Sign in again.", code="invalid_token"
        )
    if kind == "user_blocked":
        return Forbidden("This account is blocked.", code="user_blocked")
    if kind == "project_provider_disabled":
        return BadRequest(
            "This sign-in provider is not enabled for the project.", code="provider_disabled"
        )
    if code == 429:
        return rate_limited()
    if kind == "general_argument_invalid" and _REDIRECT_PARAM.match(str(exc.message)):
        # Appwrite refused our own success/failure URL: the function's domain is not one of
        # the project's platforms. A deployment problem, logged with Appwrite's message.
        return ConfigurationError("The function's domain is not a platform of the project.")
    return from_appwrite(exc)


def session_error(exc: Any, cookie: str) -> HTTPError:
    """The answer for an `AppwriteException` of a session-client call.

    Appwrite treats an unknown, deleted or expired session as a guest, so any 401 (and the
    404 of a session deleted meanwhile) means the cookie is no longer good: 401 and clear
    it. A blocked user is a 403, the cookie cleared too. 429 and 5xx leave it alone.
    """
    kind, code = exc.type, exc.code
    if kind == "user_blocked":
        return Forbidden(
            "This account is blocked.",
            code="user_blocked",
            headers={"set-cookie": clear_cookie(cookie), **NO_STORE},
        )
    if code == 401 or kind == "user_session_not_found":
        return invalid_session(cookie)
    if code == 429:
        return rate_limited()
    return from_appwrite(exc)
