"""Appwrite SDK clients for a function: the server client (dynamic key) and a user client (JWT).

Endpoint and project come from the runtime's env (`APPWRITE_FUNCTION_API_ENDPOINT`,
`APPWRITE_FUNCTION_PROJECT_ID`). The API key is the execution's dynamic key in the
`x-appwrite-key` request header — there is no key env var at run time — with
`APPWRITE_API_KEY` as a fallback for scripts. Build a client per execution: the
dynamic key expires with it. The SDK is imported here, on first use only.

Every client of a worker shares one keep-alive connection pool (`connections.py`): a warm
worker makes its API calls on connections (and TLS sessions) it already has.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from .errors import ConfigurationError
from .records import Frozen, set_field

ENDPOINT_ENV = "APPWRITE_FUNCTION_API_ENDPOINT"
PROJECT_ENV = "APPWRITE_FUNCTION_PROJECT_ID"
KEY_HEADER = "x-appwrite-key"
KEY_ENV = "APPWRITE_API_KEY"


class Settings(Frozen):
    __slots__ = ("endpoint", "key", "project")
    _hidden = ("key",)  # never in a repr (a log line, a traceback)
    endpoint: str
    project: str
    key: str

    def __init__(self, endpoint: str, project: str, key: str = ""):
        set_field(self, "endpoint", endpoint)
        set_field(self, "project", project)
        set_field(self, "key", key)


def resolve_settings(
    headers: Mapping[str, str] | None = None,
    env: Mapping[str, str] | None = None,
    *,
    need_key: bool = True,
) -> Settings:
    """Endpoint, project and key; `ConfigurationError` naming everything that is missing."""
    env = os.environ if env is None else env
    headers = headers or {}
    endpoint = (env.get(ENDPOINT_ENV) or "").strip()
    project = (env.get(PROJECT_ENV) or "").strip()
    key = (headers.get(KEY_HEADER) or env.get(KEY_ENV) or "").strip()
    problems = []
    if not endpoint:
        problems.append(f"env {ENDPOINT_ENV} is not set")
    elif not endpoint.startswith(("http://", "https://")):
        problems.append(f"env {ENDPOINT_ENV} must start with http:// or https://")
    if not project:
        problems.append(f"env {PROJECT_ENV} is not set")
    if need_key and not key:
        problems.append(
            f"no API key: request header {KEY_HEADER} is missing and env {KEY_ENV} is not set"
        )
    if problems:
        raise ConfigurationError("Appwrite client is not configured: " + "; ".join(problems) + ".")
    return Settings(endpoint=endpoint.rstrip("/"), project=project, key=key)


def _client(settings: Settings) -> Any:
    from appwrite.client import Client

    from . import connections

    connections.install()
    return Client().set_endpoint(settings.endpoint).set_project(settings.project)


def server_client(
    headers: Mapping[str, str] | None = None, env: Mapping[str, str] | None = None
) -> Any:
    """A client authenticated with the execution's dynamic key (permissions bypassed, scopes
    apply)."""
    settings = resolve_settings(headers, env)
    return _client(settings).set_key(settings.key)


def user_client(jwt: str, env: Mapping[str, str] | None = None) -> Any:
    """A client acting as the user the JWT belongs to (row permissions apply)."""
    if not jwt:
        raise ValueError("user_client needs a JWT")
    return _client(resolve_settings(env=env, need_key=False)).set_jwt(jwt)
