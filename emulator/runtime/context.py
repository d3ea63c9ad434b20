"""The `context` object a function's `main(context)` receives: our own implementation of
the open-runtimes Python types (reference appwrite-runtime.md §1.2–§1.4).

Standard library only: this module also runs inside function workers, which use the
function's own (isolated) interpreter. The quirks are deliberate — they are what the
real runtime does, so code that trips over them here trips over them on Appwrite too:

* `req.body_json` re-parses on every access and raises on an empty or invalid body;
* `req.body` is a dict only for `application/json*` content types;
* `res.json()` and `res.redirect()` mutate the `headers` dict they are given (and the
  shared default), `res.text()` raises for non-`str` bodies, `res.empty()` takes nothing;
* `context.log()`/`context.error()` JSON-encode lists, dicts and tuples, join with spaces
  and cut each call at 8000 characters.
"""

from __future__ import annotations

import datetime as _dt
import json
import math
import os
import urllib.parse

LOG_LIMIT = 8000
LOG_TRUNCATED = f"... Log truncated due to size limit ({LOG_LIMIT} characters)"
NATIVE_LOGS_BANNER = (
    "Native logs detected. Use context.log() or context.error() for better experience."
)


class Response:
    """`context.res`: each helper builds the dict the runtime sends; it must be returned."""

    def binary(self, bytes, statusCode=200, headers={}):  # noqa: B006 - shared default as in the runtime
        return {"body": bytes, "statusCode": statusCode, "headers": headers}

    def text(self, body, statusCode=200, headers={}):  # noqa: B006
        return self.binary(body.encode("utf-8"), statusCode, headers)

    def send(self, body, statusCode=200, headers={}):  # noqa: B006
        return {"body": body, "statusCode": statusCode, "headers": headers}

    def json(self, obj, statusCode=200, headers={}):  # noqa: B006
        headers["content-type"] = "application/json"
        return self.text(json.dumps(obj, separators=(",", ":")), statusCode, headers)

    def empty(self):
        return self.text("", 204, {})

    def redirect(self, url, statusCode=301, headers={}):  # noqa: B006
        headers["location"] = url
        return self.text("", statusCode, headers)


class Request:
    """`context.req`: attributes are filled by the worker from the incoming HTTP request."""

    def __init__(self):
        self.body_binary = b""
        self.headers: dict[str, str] = {}
        self.method = "GET"
        self.url = ""
        self.path = "/"
        self.port = 80
        self.query: dict[str, str] = {}
        self.query_string = ""
        self.scheme = "http"
        self.host = ""

    @property
    def body_text(self):
        return self.body_binary.decode("utf-8")

    @property
    def body_raw(self):
        return self.body_text

    @property
    def body_json(self):
        return json.loads(self.body_text)

    @property
    def body(self):
        content_type = self.headers.get("content-type", "text/plain").lower()
        if content_type.startswith("application/json"):
            return self.body_json if len(self.body_binary) > 0 else {}
        return self.body_text


class Logger:
    """Collects one execution's logs and errors (the runtime writes them to log files)."""

    TYPE_LOG = "log"
    TYPE_ERROR = "error"

    def __init__(self, enabled: bool = True, id: str = ""):
        self.enabled = enabled
        self.id = (id or generate_log_id()) if enabled else ""
        self.logs: list[str] = []
        self.errors: list[str] = []
        self._native_seen = False

    def write(self, messages, type=TYPE_LOG, native=False):
        if not self.enabled:
            return
        if native and not self._native_seen:
            self._native_seen = True
            self.write([NATIVE_LOGS_BANNER])
        parts = []
        for message in messages:
            if isinstance(message, (list, dict, tuple)):
                parts.append(json.dumps(message, separators=(",", ":")))
            else:
                parts.append(str(message))
        line = " ".join(parts)
        if len(line) > LOG_LIMIT:
            line = line[:LOG_LIMIT] + LOG_TRUNCATED
        (self.errors if type == self.TYPE_ERROR else self.logs).append(line)

    def text(self, type=TYPE_LOG) -> str:
        return "".join(self.errors if type == self.TYPE_ERROR else self.logs)


class Context:
    """What `main(context)` receives. There is no `context.env`: use `os.environ`."""

    def __init__(self, logger: Logger | None = None):
        self.req = Request()
        self.res = Response()
        self.logger = logger or Logger()
        self.logs: list = []
        self.errors: list = []

    def log(self, *messages):
        self.logger.write(messages, Logger.TYPE_LOG)
        self.logger.write(["\n"], Logger.TYPE_LOG)

    def error(self, *messages):
        self.logger.write(messages, Logger.TYPE_ERROR)
        self.logger.write(["\n"], Logger.TYPE_ERROR)


def generate_log_id(padding: int = 7) -> str:
    """A 20-hex id like the runtime's: seconds, microseconds % 1000, random hex."""
    now = _dt.datetime.now()
    base = f"{int(now.timestamp()):08x}{now.microsecond % 1000:05x}"
    return base + os.urandom(math.ceil(padding / 2)).hex()[:padding]


# --- request parsing (aiohttp/yarl semantics, reference §1.2) ---------------------------

_KEEP_ENCODED = {"+", "=", "&", ";"}


def decode_query_string(raw: str) -> str:
    """yarl's `URL.query_string`: `+` becomes a space; `%XX` is decoded except for the
    characters that would change the query's structure (`+ = & ;`), which stay encoded."""
    raw = raw.replace("+", " ")
    out = bytearray()
    i = 0
    data = raw.encode("utf-8", "surrogateescape")
    while i < len(data):
        ch = data[i]
        if ch == 0x25 and i + 2 < len(data) and _is_hex(data[i + 1 : i + 3]):
            value = int(data[i + 1 : i + 3], 16)
            if chr(value) in _KEEP_ENCODED:
                out += data[i : i + 3].upper()
            else:
                out.append(value)
            i += 3
        else:
            out.append(ch)
            i += 1
    return out.decode("utf-8", "replace")


def _is_hex(two: bytes) -> bool:
    return len(two) == 2 and all(c in b"0123456789abcdefABCDEF" for c in two)


def parse_query(query_string: str) -> dict[str, str]:
    """The runtime's hand-rolled query dict: split on `&`, then on the first `=`;
    empty keys skipped, a key without `=` maps to "", the last repeated key wins."""
    query: dict[str, str] = {}
    for part in query_string.split("&"):
        key, sep, value = part.partition("=")
        if key:
            query[key] = value if sep else ""
    return query


def fill_request(
    req: Request,
    *,
    method: str,
    target: str,
    headers: list[tuple[str, str]],
    body: bytes,
    forced_headers: dict | None = None,
) -> None:
    """Fill `req` from a raw HTTP request (`target` is the request line's path?query)."""
    raw_path, _, raw_query = target.partition("?")
    raw_path = raw_path.split("#", 1)[0]
    raw_query = raw_query.split("#", 1)[0]
    req.body_binary = body
    req.method = method
    req.path = urllib.parse.unquote(raw_path, errors="replace") or "/"
    req.query_string = decode_query_string(raw_query)
    req.query = parse_query(req.query_string)

    first: dict[str, str] = {}
    for key, value in headers:
        first.setdefault(key.lower(), value)  # duplicate names: the first value wins
    req.headers = {k: v for k, v in first.items() if not k.startswith("x-open-runtimes-")}
    for key, value in (forced_headers or {}).items():
        req.headers[key.lower()] = str(value)

    req.scheme = first.get("x-forwarded-proto", "http")
    default_port = 443 if req.scheme == "https" else 80
    host = first.get("host", "")
    if ":" in host:
        # As the runtime: the text after the first colon (up to the next) must be an int;
        # anything else (`h:abc`, `h:`, `[::1]:3000`) raises, and the execution is a 500.
        parts = host.split(":")
        req.host = parts[0]
        req.port = int(parts[1])
    else:
        req.host = host
        req.port = default_port
    url = f"{req.scheme}://{req.host}"
    if req.port != default_port:
        url += f":{req.port}"
    url += req.path
    if req.query_string:
        url += "?" + req.query_string
    req.url = url


def make_context(
    method: str = "GET",
    path: str = "/",
    headers: dict[str, str] | list[tuple[str, str]] | None = None,
    body: bytes | str = b"",
    *,
    logging: bool = True,
) -> Context:
    """A context exactly as a worker builds it, for tests of code that takes a context.
    `path` may carry a query string (`/articles?limit=5`)."""
    if isinstance(body, str):
        body = body.encode("utf-8")
    pairs = list(headers.items()) if isinstance(headers, dict) else list(headers or [])
    if not any(k.lower() == "host" for k, _ in pairs):
        pairs.append(("host", "localhost"))
    context = Context(Logger(enabled=logging))
    fill_request(context.req, method=method.upper(), target=path, headers=pairs, body=body)
    return context
