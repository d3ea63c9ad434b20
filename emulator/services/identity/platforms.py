"""The project's platforms: the hosts Appwrite lets a redirect URL point to.

Appwrite checks every URL it will send a user to — OAuth2 `success`/`failure`, the links
of magic-URL sign-in, password recovery, e-mail verification and team invitations — with
its Redirect validator against the project's registered platforms (open-redirect
protection). The emulator has no console to register platforms, so its platforms are the
local hosts (`localhost`, `*.localhost`, `127.0.0.1`, `[::1]`, any port, http or https)
and the `appwrite-callback-<projectId>` scheme of native apps; anything else answers
Appwrite's "Invalid URI. Register your new client (<host>) as a new Web platform …"
(decision 0012). On Appwrite, register your app's host as a platform.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from emulator.http import params as p

LOCAL_HOSTNAMES = ("localhost", "*.localhost", "127.0.0.1", "[::1]", "::1")


def redirect_problem(url: str, project_id: str) -> str | None:
    """Appwrite's Redirect validator text when `url` is not allowed, else None."""
    parts = urlsplit(url)
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    if scheme in ("http", "https"):
        if host and any(_host_matches(host, allowed) for allowed in LOCAL_HOSTNAMES):
            return None
        where = f"({host}) " if host else ""
        return (
            f"Invalid URI. Register your new client {where}as a new Web platform on your "
            "project console dashboard"
        )
    if scheme and scheme == f"appwrite-callback-{project_id}".lower():
        return None
    if not scheme and not host:
        return "Invalid URI."
    return (
        f"Invalid URI. Register your new client ({host}) as a new  platform on your project "
        "console dashboard"
    )


def _host_matches(host: str, allowed: str) -> bool:
    if allowed.startswith("*."):
        return host.endswith(allowed[1:])
    return host == allowed.strip("[]") or host == allowed


def redirect_param(project_id: str):
    """A parameter validator: the URL itself, or Appwrite's "Invalid URI. …" text."""

    def check(value):
        if not isinstance(value, str) or (problem := redirect_problem(value, project_id)):
            raise p.Invalid(problem or "Invalid URI.")
        return value

    return check
