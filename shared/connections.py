"""One keep-alive connection pool per warm worker for the Appwrite SDK.

The SDK (15.3 and 27 alike) sends every call with `requests.request(...)`, the module
function that opens a fresh `Session` — so a fresh TCP connection and, on Appwrite, a
fresh TLS handshake — per API call. `install()` gives the SDK one long-lived `Session`
instead, without touching how functions call the SDK: it replaces the name `requests`
*inside the `appwrite.client` module only* by a stand-in whose `request()` goes through
that session and whose every other attribute is the real `requests` module's. Nothing
else in the process (nor the real `requests` module) changes.

The session behaves as the SDK's per-call ones did, except that it keeps connections:

* **No cookies are kept.** A per-call session forgot every cookie at once; this one
  refuses to store any, so nothing one call (or one execution's user) receives is ever
  sent by another.
* **Stale connections are recovered.** Appwrite closes idle connections. Before reusing
  one, urllib3 checks that the server has not closed it (and opens a new one if it
  has); if a reused connection still fails — the server closed it while the request was
  on its way — an idempotent request (GET, PUT, DELETE, HEAD, OPTIONS) is retried once on
  a new connection. A POST or PATCH is not retried (it may have been applied): it fails
  as any network error does, and `shared.retry` decides what to do with it.
* Environment settings still apply (`REQUESTS_CA_BUNDLE`, proxies), as they did.

Set `NEWSROOM_HTTP_KEEPALIVE=off` in a function's variables to go back to a connection
per call (the benchmarks measure both).
"""

from __future__ import annotations

import http.cookiejar
import os
import threading
from typing import Any

KEEPALIVE_ENV = "NEWSROOM_HTTP_KEEPALIVE"
POOL_SIZE = 10  # connections kept per host (an async handler may run calls in parallel)

_lock = threading.Lock()
_session: Any = None


class _NoCookies(http.cookiejar.DefaultCookiePolicy):
    """Store no cookie and send none: each call is as cookie-less as a fresh session."""

    def set_ok(self, cookie, request) -> bool:
        return False

    def return_ok(self, cookie, request) -> bool:
        return False


class _PooledRequests:
    """Stands in for the `requests` module inside `appwrite.client`."""

    def __init__(self, module: Any, session: Any):
        self._module = module
        self.session = session

    def request(self, method: str, url: str, **kwargs: Any) -> Any:
        return self.session.request(method=method, url=url, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._module, name)


def enabled(env: dict | None = None) -> bool:
    value = (os.environ if env is None else env).get(KEEPALIVE_ENV, "").strip().lower()
    return value not in ("0", "off", "false", "no")


def new_session() -> Any:
    """A `requests.Session` that keeps connections, never cookies, and retries an
    idempotent request once when a reused connection turns out to be closed."""
    import requests
    from requests.adapters import HTTPAdapter
    from urllib3.util.retry import Retry

    session = requests.Session()
    session.cookies.set_policy(_NoCookies())
    retries = Retry(
        total=1,
        connect=1,  # the request never left: safe for every method
        read=1,  # a reset or an early close after sending: idempotent methods only
        status=0,
        other=0,
        redirect=0,
        allowed_methods=Retry.DEFAULT_ALLOWED_METHODS,
        raise_on_status=False,
        raise_on_redirect=False,
        respect_retry_after_header=False,
    )
    adapter = HTTPAdapter(pool_connections=4, pool_maxsize=POOL_SIZE, max_retries=retries)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session


def install() -> bool:
    """Route the SDK's calls through this worker's pool (once per process; idempotent).
    Returns whether the pool is in use."""
    global _session
    import appwrite.client as sdk

    if isinstance(sdk.requests, _PooledRequests):
        return True
    if not enabled():
        return False
    with _lock:
        if not isinstance(sdk.requests, _PooledRequests):
            _session = new_session()
            sdk.requests = _PooledRequests(sdk.requests, _session)
    return True


def uninstall() -> None:
    """Back to a connection per call (closes the pool)."""
    global _session
    import appwrite.client as sdk

    with _lock:
        if isinstance(sdk.requests, _PooledRequests):
            sdk.requests.session.close()
            sdk.requests = sdk.requests._module
        _session = None
