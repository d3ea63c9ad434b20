"""HTTP cookies, read from a request's `cookie` header and written as `Set-Cookie` values.

Pure functions (no I/O), so a function can answer with exactly the attributes it means:

    secret = read_cookie(req.headers, "a_session_newsroom")          # None when absent
    headers = {"set-cookie": set_cookie("a_session_newsroom", secret, expires=moment)}
    headers = {"set-cookie": clear_cookie("a_session_newsroom")}

`set_cookie` defaults to the strictest attributes (HttpOnly, Secure, SameSite=Strict,
Path=/). The runtime sends one value per response header, so a response sets one cookie.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from email.utils import format_datetime

from .patterns import lazy

SAME_SITE = ("Strict", "Lax", "None")
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
# RFC 6265: a cookie name is a token; a value is cookie-octets (no space, quote, comma,
# semicolon or backslash) — what `set_cookie` refuses to write, `read_cookie` never returns.
_NAME = lazy(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")
_VALUE = lazy(r"^[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]*$")
_PATH = lazy(r"^/[\x20-\x3a\x3c-\x7e]*$")


def read_cookie(headers: Mapping[str, str], name: str) -> str | None:
    """The value of cookie `name` in the request's `cookie` header (the first if repeated):
    None when the request does not carry it, "" when its value is not a valid cookie value
    (so nothing unchecked reaches another header)."""
    for pair in (headers.get("cookie") or "").split(";"):
        key, sep, value = pair.strip().partition("=")
        if sep and key.strip() == name:
            value = value.strip()
            if len(value) >= 2 and value[0] == value[-1] == '"':
                value = value[1:-1]
            return value if _VALUE.match(value) else ""
    return None


def http_date(moment: dt.datetime) -> str:
    """`Wed, 21 Oct 2026 07:28:00 GMT` (RFC 7231 IMF-fixdate, what `Expires` takes)."""
    if moment.tzinfo is None:
        raise ValueError("cookie dates must be timezone-aware")
    return format_datetime(moment.astimezone(dt.UTC).replace(microsecond=0), usegmt=True)


def set_cookie(
    name: str,
    value: str,
    *,
    expires: dt.datetime | None = None,
    max_age: int | None = None,
    path: str = "/",
    same_site: str = "Strict",
    http_only: bool = True,
    secure: bool = True,
) -> str:
    """A `Set-Cookie` header value. Without `expires`/`max_age` it is a browser-session cookie."""
    if not _NAME.match(name):
        raise ValueError(f"invalid cookie name {name!r}")
    if not _VALUE.match(value):
        raise ValueError(f"invalid value for cookie {name!r}")
    if not _PATH.match(path):
        raise ValueError(f"invalid cookie path {path!r}")
    if same_site not in SAME_SITE:
        raise ValueError(f"SameSite must be one of {SAME_SITE}")
    if same_site == "None" and not secure:
        raise ValueError("SameSite=None needs Secure")
    parts = [f"{name}={value}"]
    if expires is not None:
        parts.append(f"Expires={http_date(expires)}")
    if max_age is not None:
        parts.append(f"Max-Age={int(max_age)}")
    parts.append(f"Path={path}")
    if secure:
        parts.append("Secure")
    if http_only:
        parts.append("HttpOnly")
    parts.append(f"SameSite={same_site}")
    return "; ".join(parts)


def clear_cookie(name: str, *, path: str = "/", same_site: str = "Strict") -> str:
    """A `Set-Cookie` value that makes the browser drop cookie `name` (same path) at once."""
    return set_cookie(name, "", expires=EPOCH, max_age=0, path=path, same_site=same_site)
