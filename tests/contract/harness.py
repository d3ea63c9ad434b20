"""Two ways of sending one REST call to the emulator: raw HTTP and the official SDK.

A ported case is written once, as Appwrite's e2e tests write it: a sequence of REST calls
(`api.post("/users", {...})`) and assertions on the status, the error `type` and body fields.
The `api` fixture runs it twice:

* `RawApi` sends the call with httpx exactly as the REST reference describes it: headers
  `X-Appwrite-Project` and `X-Appwrite-Key` (or a session / JWT), JSON bodies on every
  method but GET, GET parameters flattened PHP-style (`queries[0]=…`).
* `SdkApi` finds the SDK service method that serves that verb and path (read from the
  installed SDK's own source: `api_path = '/users/{userId}'` and `self.client.call('get', …`),
  turns the path and body parameters into its keyword arguments (`databaseId` →
  `database_id`) and calls it. The answer is what the SDK returns (SDK 27's models turned
  back into Appwrite's JSON); errors are the SDK's `AppwriteException`. The HTTP status is
  read from the real `requests` response the SDK received (the call is observed, not
  replaced). A call no typed method can express — the SDK has no such method in this
  version, or the case sends a parameter the method does not take or leaves out one it
  requires — goes through the SDK's own transport, `Client.call`; `SdkApi.untyped` counts them.

`Q` builds query strings in the wire format (`{"method":"equal","attribute":"a","values":[1]}`).
"""

from __future__ import annotations

import http.cookiejar
import inspect
import json
import re
from dataclasses import dataclass, field
from typing import Any
from unittest import mock

import appwrite.client as appwrite_client_module
import httpx
import requests
from appwrite.client import Client
from appwrite.exception import AppwriteException

from tests.emulator.tablesdb_support import plain

# ---------------------------------------------------------------- queries


class Q:
    """Query strings as the SDKs send them (compact JSON; no `attribute`/`values` when None)."""

    @staticmethod
    def make(method: str, attribute: str | None = None, values: Any = None) -> str:
        query: dict[str, Any] = {"method": method}
        if attribute is not None:
            query["attribute"] = attribute
        if values is not None:
            query["values"] = values if isinstance(values, list) else [values]
        return json.dumps(query, separators=(",", ":"))

    @classmethod
    def equal(cls, attribute: str, values: Any) -> str:
        return cls.make("equal", attribute, values)

    @classmethod
    def not_equal(cls, attribute: str, value: Any) -> str:
        return cls.make("notEqual", attribute, value)

    @classmethod
    def contains(cls, attribute: str, values: Any) -> str:
        return cls.make("contains", attribute, values)

    @classmethod
    def greater_than(cls, attribute: str, value: Any) -> str:
        return cls.make("greaterThan", attribute, value)

    @classmethod
    def less_than(cls, attribute: str, value: Any) -> str:
        return cls.make("lessThan", attribute, value)

    @classmethod
    def between(cls, attribute: str, low: Any, high: Any) -> str:
        return cls.make("between", attribute, [low, high])

    @classmethod
    def search(cls, attribute: str, value: str) -> str:
        return cls.make("search", attribute, value)

    @classmethod
    def starts_with(cls, attribute: str, value: str) -> str:
        return cls.make("startsWith", attribute, value)

    @classmethod
    def is_null(cls, attribute: str) -> str:
        return cls.make("isNull", attribute)

    @classmethod
    def is_not_null(cls, attribute: str) -> str:
        return cls.make("isNotNull", attribute)

    @classmethod
    def select(cls, attributes: list[str]) -> str:
        return cls.make("select", values=attributes)

    @classmethod
    def order_asc(cls, attribute: str = "") -> str:
        return cls.make("orderAsc", attribute)

    @classmethod
    def order_desc(cls, attribute: str = "") -> str:
        return cls.make("orderDesc", attribute)

    @classmethod
    def limit(cls, n: int) -> str:
        return cls.make("limit", values=[n])

    @classmethod
    def offset(cls, n: int) -> str:
        return cls.make("offset", values=[n])

    @classmethod
    def cursor_after(cls, row_id: str) -> str:
        return cls.make("cursorAfter", values=[row_id])

    @classmethod
    def cursor_before(cls, row_id: str) -> str:
        return cls.make("cursorBefore", values=[row_id])

    @classmethod
    def or_(cls, *queries: str) -> str:
        return cls.make("or", values=[json.loads(q) for q in queries])

    @classmethod
    def and_(cls, *queries: str) -> str:
        return cls.make("and", values=[json.loads(q) for q in queries])


# ---------------------------------------------------------------- answers


@dataclass
class Reply:
    status: int
    body: Any = None
    via: str = "raw"
    cookies: dict[str, str] = field(default_factory=dict)

    @property
    def type(self) -> str | None:
        return self.body.get("type") if isinstance(self.body, dict) else None

    @property
    def message(self) -> str | None:
        return self.body.get("message") if isinstance(self.body, dict) else None

    def __getitem__(self, key: str) -> Any:
        return self.body[key]

    def __repr__(self) -> str:
        return f"Reply({self.status}, {self.body!r}, via={self.via})"


def _php_flatten(data: Any, prefix: str = "") -> list[tuple[str, str]]:
    """GET parameters as PHP reads them: lists → `k[0]=…`, dicts → `k[a]=…`, true/false."""
    out: list[tuple[str, str]] = []
    items = data.items() if isinstance(data, dict) else enumerate(data)
    for key, value in items:
        name = f"{prefix}[{key}]" if prefix else str(key)
        if isinstance(value, (list, dict)):
            out.extend(_php_flatten(value, name))
        elif isinstance(value, bool):
            out.append((name, "true" if value else "false"))
        elif value is not None:
            out.append((name, str(value)))
    return out


@dataclass
class Auth:
    """Who calls: the API key (default), a session secret, a JWT, or nobody; plus extra headers."""

    key: str | None = None
    session: str | None = None
    jwt: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


class Api:
    """`api.get/post/put/patch/delete(path, params_or_body, headers=...)` → `Reply`."""

    transport = "?"

    def __init__(self, endpoint: str, project: str, auth: Auth):
        self.endpoint = endpoint
        self.project = project
        self.auth = auth

    # -- who is calling
    def _derive(self, auth: Auth) -> Api:
        return type(self)(self.endpoint, self.project, auth)

    def as_key(self, key: str) -> Api:
        return self._derive(Auth(key=key))

    def as_session(self, secret: str) -> Api:
        return self._derive(Auth(session=secret))

    def as_jwt(self, jwt: str) -> Api:
        return self._derive(Auth(jwt=jwt))

    def as_guest(self) -> Api:
        return self._derive(Auth())

    def with_headers(self, headers: dict[str, str]) -> Api:
        return self._derive(
            Auth(self.auth.key, self.auth.session, self.auth.jwt, {**self.auth.headers, **headers})
        )

    # -- verbs
    def get(self, path: str, params: dict | None = None, **kw: Any) -> Reply:
        return self.call("GET", path, params, **kw)

    def post(self, path: str, body: dict | None = None, **kw: Any) -> Reply:
        return self.call("POST", path, body, **kw)

    def put(self, path: str, body: dict | None = None, **kw: Any) -> Reply:
        return self.call("PUT", path, body, **kw)

    def patch(self, path: str, body: dict | None = None, **kw: Any) -> Reply:
        return self.call("PATCH", path, body, **kw)

    def delete(self, path: str, body: dict | None = None, **kw: Any) -> Reply:
        return self.call("DELETE", path, body, **kw)

    def call(self, method: str, path: str, data: dict | None = None, **kw: Any) -> Reply:
        raise NotImplementedError

    def _auth_headers(self) -> dict[str, str]:
        headers = {"X-Appwrite-Project": self.project}
        if self.auth.key:
            headers["X-Appwrite-Key"] = self.auth.key
        if self.auth.session:
            headers["X-Appwrite-Session"] = self.auth.session
        if self.auth.jwt:
            headers["X-Appwrite-JWT"] = self.auth.jwt
        headers.update(self.auth.headers)
        return headers


def http_client() -> httpx.Client:
    """One client for every raw call (`httpx.request` would build a client and an SSL context
    per call: a quarter of a second each on a busy machine) that keeps no cookies, as the SDK
    keeps none: a session cookie from one answer must not ride along with the next call."""
    client = httpx.Client(timeout=30)
    client.cookies.jar.set_policy(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))
    return client


_HTTP = http_client()


class RawApi(Api):
    transport = "raw"

    def call(self, method: str, path: str, data: dict | None = None, **kw: Any) -> Reply:
        headers = {**self._auth_headers(), **(kw.get("headers") or {})}
        url = self.endpoint + path
        if method == "GET":
            response = _HTTP.request(method, url, params=_php_flatten(data or {}), headers=headers)
        else:
            headers["Content-Type"] = "application/json"
            response = _HTTP.request(method, url, content=json.dumps(data or {}), headers=headers)
        is_json = response.headers.get("content-type", "").startswith("application/json")
        body = response.json() if is_json and response.content else None
        return Reply(response.status_code, body, "raw", dict(response.cookies))


# ---------------------------------------------------------------- the SDK


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


@dataclass
class _Operation:
    service: type
    name: str
    verb: str
    template: str
    pattern: re.Pattern
    params: dict[str, inspect.Parameter]


def _sdk_operations() -> list[_Operation]:
    """Every service method of the installed SDK, with the verb and path it calls."""
    import importlib
    import pkgutil

    import appwrite.services as services

    found: list[_Operation] = []
    for module_info in pkgutil.iter_modules(services.__path__):
        module = importlib.import_module(f"appwrite.services.{module_info.name}")
        for cls in vars(module).values():
            if not (inspect.isclass(cls) and cls.__module__ == module.__name__):
                continue
            for name, function in vars(cls).items():
                if name.startswith("_") or not inspect.isfunction(function):
                    continue
                source = inspect.getsource(function)
                path = re.search(r"api_path = '([^']*)'", source)
                verb = re.search(r"self\.client\.call\(\s*'(\w+)'", source)
                if not (path and verb):
                    continue
                template = path.group(1)
                regex = re.sub(r"\\\{([^}]+)\\\}", r"(?P<\1>[^/]+)", re.escape(template))
                params = dict(inspect.signature(function).parameters)
                params.pop("self", None)
                found.append(
                    _Operation(
                        cls,
                        name,
                        verb.group(1).upper(),
                        template,
                        re.compile(f"^{regex}$"),
                        params,
                    )
                )
    # literal paths before parameterised ones (`/users/argon2` before `/users/{userId}`)
    found.sort(key=lambda op: op.template.count("{"))
    return found


_OPERATIONS: list[_Operation] | None = None


def _operations() -> list[_Operation]:
    global _OPERATIONS
    if _OPERATIONS is None:
        _OPERATIONS = _sdk_operations()
    return _OPERATIONS


def _kwargs_for(op: _Operation, path_args: dict[str, str], data: dict) -> dict | None:
    """The method's keyword arguments for these path and body parameters (None: it cannot)."""
    kwargs = {_snake(k): v for k, v in path_args.items()}
    for key, value in data.items():
        name = _snake(key)
        if name == "async":
            name = "xasync"
        if name not in op.params:
            return None
        kwargs[name] = value
    for name, param in op.params.items():
        if param.default is inspect.Parameter.empty and name not in kwargs:
            return None
    return kwargs


def sdk_answer(obj: Any) -> Any:
    """What an SDK method returned, as Appwrite's JSON (SDK 27 models → dicts, rows flattened)."""
    if obj in (b"", "", None):
        return None
    data = plain(obj)
    # SDK 27 makes list totals floats; Appwrite sends integers
    if (
        isinstance(data, dict)
        and isinstance(data.get("total"), float)
        and data["total"].is_integer()
    ):
        data["total"] = int(data["total"])
    return data


_NOT_SENT = object()


class SdkApi(Api):
    transport = "sdk"
    untyped = 0  # calls no typed method could express (sent with Client.call)
    typed = 0

    def _client(self, extra: dict[str, str]) -> Client:
        client = Client().set_endpoint(self.endpoint).set_project(self.project)
        if self.auth.key:
            client.set_key(self.auth.key)
        if self.auth.session:
            client.set_session(self.auth.session)
        if self.auth.jwt:
            client.set_jwt(self.auth.jwt)
        for name, value in {**self.auth.headers, **extra}.items():
            client.add_header(name.lower(), value)
        return client

    def call(self, method: str, path: str, data: dict | None = None, **kw: Any) -> Reply:
        data = dict(data or {})
        client = self._client(kw.get("headers") or {})
        target = None
        for op in _operations():
            match = op.pattern.match(path)
            if op.verb != method or not match:
                continue
            kwargs = _kwargs_for(op, match.groupdict(), data)
            if kwargs is not None:
                target = (op, kwargs)
                break
        seen: list[requests.Response] = []
        # What `appwrite.client` calls: the `requests` module, or the keep-alive stand-in
        # that `shared.client` installs in its place (shared/connections.py).
        sdk_transport = appwrite_client_module.requests

        class Observed:
            def __getattr__(self, name: str) -> Any:
                return getattr(sdk_transport, name)

            def request(self, *args: Any, **kwargs: Any) -> requests.Response:
                response = sdk_transport.request(*args, **kwargs)
                seen.append(response)
                return response

        via = "sdk:Client.call"
        with mock.patch.object(appwrite_client_module, "requests", Observed()):
            try:
                result = _NOT_SENT
                if target is not None:
                    op, kwargs = target
                    via = f"sdk:{op.service.__name__}.{op.name}"
                    # unwrapped: the PHP suites use methods the SDK marks deprecated (string
                    # columns), whose decorator forces a DeprecationWarning on every call
                    function = inspect.unwrap(getattr(op.service, op.name))
                    try:
                        result = function(op.service(client), **kwargs)
                    except AppwriteException:
                        if seen:
                            raise
                        # refused before sending (a required parameter is None): not expressible
                        via = "sdk:Client.call"
                if result is _NOT_SENT:
                    headers = {
                        "content-type": "application/json",
                        "x-appwrite-project": self.project,
                    }
                    result = client.call(method.lower(), path, headers, data)
                if via == "sdk:Client.call":
                    SdkApi.untyped += 1
                else:
                    SdkApi.typed += 1
            except AppwriteException as exc:
                try:
                    body = json.loads(exc.response) if exc.response else None
                except ValueError:
                    body = {"message": exc.message}
                cookies = dict(seen[-1].cookies) if seen else {}
                return Reply(exc.code or 0, body, via, cookies)
        status = seen[-1].status_code if seen else 0
        cookies = dict(seen[-1].cookies) if seen else {}
        return Reply(status, sdk_answer(result), via, cookies)
