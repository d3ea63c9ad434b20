"""Who may use the console: a loopback browser that logged in with the admin API key.

* Loopback only (unless `serve --host` names another address): requests from other
  clients, or whose `Host` is not a loopback name (DNS rebinding), are refused.
* The login page takes the admin key once; the browser then holds a random session id in
  an HttpOnly, SameSite=Strict cookie scoped to `/console`. The key itself is never put
  in a cookie, a URL or a log; sessions live in memory (a restart logs out).
* Every form post carries the session's CSRF token, and its `Origin` (when sent) must be
  the console's own.
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets
import threading
from dataclasses import dataclass
from urllib.parse import urlsplit

from starlette.requests import Request

from emulator.core import keys

COOKIE = "emulator_console"
LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1", "[::1]"}
MAX_SESSIONS = 100


@dataclass(frozen=True)
class Session:
    id: str
    csrf: str


class Sessions:
    def __init__(self, admin_key: str):
        self._admin_key = admin_key
        self._sessions: dict[str, Session] = {}
        self._lock = threading.Lock()

    def login(self, key: str) -> Session | None:
        """A new session when `key` is the admin key."""
        if not key or not keys.same_secret(key, self._admin_key):
            return None
        session = Session(secrets.token_urlsafe(32), secrets.token_urlsafe(32))
        with self._lock:
            if len(self._sessions) >= MAX_SESSIONS:
                self._sessions.pop(next(iter(self._sessions)))
            self._sessions[session.id] = session
        return session

    def of(self, request: Request) -> Session | None:
        token = request.cookies.get(COOKIE, "")
        with self._lock:
            return self._sessions.get(token) if token else None

    def logout(self, request: Request) -> None:
        with self._lock:
            self._sessions.pop(request.cookies.get(COOKIE, ""), None)


def is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def client_allowed(request: Request, allow_remote: bool) -> bool:
    """Loopback clients asking for a loopback host name, unless remote use is allowed."""
    if allow_remote:
        return True
    client = request.client.host if request.client else ""
    if not is_loopback(client):
        return False
    host = urlsplit("//" + request.headers.get("host", "")).hostname or ""
    return host in LOOPBACK_NAMES or is_loopback(host)


def csrf_ok(request: Request, session: Session, token: str) -> bool:
    """The form's token is the session's, and the browser's Origin (if any) is ours."""
    origin = request.headers.get("origin")
    if origin and origin != "null" and urlsplit(origin).netloc != request.headers.get("host", ""):
        return False
    return hmac.compare_digest(token.encode(), session.csrf.encode())


def set_cookie(response, session: Session) -> None:
    response.set_cookie(
        COOKIE, session.id, httponly=True, samesite="strict", path="/console", secure=False
    )
