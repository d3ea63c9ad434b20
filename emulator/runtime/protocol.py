"""The HTTP/1.1 side of a function worker, as the open-runtimes Python server has it.

That server is aiohttp 3.10.9 with its C parser (llhttp) behind gunicorn. What it accepts
and how it refuses the rest was observed by sending raw requests to it (see
docs/emulator.md, "The worker's HTTP"): every method llhttp knows reaches the function
(`TRACE`, `PROPFIND`, …; `QUERY` arrives as `<unknown>`), and anything else — an unknown
or lower-case method, a request target over 8190 bytes, a malformed header — gets a
plain-text 400 naming the problem, never an HTML page. A body of 20 MiB or more is read
to its end and the request is marked too large (the runtime answers 413); the
connection stays usable.

Standard library only, Python 3.8+: it runs under the function's own interpreter.
"""

from __future__ import annotations

import email.utils
import http
import re
import socketserver
import sys

MAX_LINE = 8190  # aiohttp's max_line_size and max_field_size
MAX_HEADERS = 32768  # aiohttp's max_headers
READ_LIMIT = 1 << 20  # no single line is read further than this
MAX_BODY = 20 * 1024 * 1024  # aiohttp's client_max_size in the runtime's server.py
SERVER = "Python/{}.{} aiohttp/3.10.9".format(*sys.version_info[:2])

# llhttp's methods in its order; aiohttp 3.10.9 names the first 46, QUERY is "<unknown>".
HTTP_METHODS = [
    *("DELETE", "GET", "HEAD", "POST", "PUT", "CONNECT", "OPTIONS", "TRACE", "COPY", "LOCK"),
    *("MKCOL", "MOVE", "PROPFIND", "PROPPATCH", "SEARCH", "UNLOCK", "BIND", "REBIND", "UNBIND"),
    *("ACL", "REPORT", "MKACTIVITY", "CHECKOUT", "MERGE", "M-SEARCH", "NOTIFY", "SUBSCRIBE"),
    *("UNSUBSCRIBE", "PATCH", "PURGE", "MKCALENDAR", "LINK", "UNLINK", "SOURCE"),
]
RTSP_METHODS = [
    *("DESCRIBE", "ANNOUNCE", "SETUP", "PLAY", "PAUSE", "TEARDOWN", "GET_PARAMETER"),
    *("SET_PARAMETER", "REDIRECT", "RECORD", "FLUSH"),
]
ALL_METHODS = tuple(m.encode() for m in [*HTTP_METHODS, "PRI", *RTSP_METHODS, "QUERY"])
_TOKEN = re.compile(rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]")
# The same rules, a whole name / target / value at a time: most requests pass them all, and
# only the one that does not is walked byte by byte for the offset of its error.
_METHOD = re.compile(b"|".join(re.escape(m) for m in ALL_METHODS))
_NAME = re.compile(_TOKEN.pattern + b"+")
_TARGET = re.compile(rb"[\x21-\x7e]*")
_VALUE = re.compile(rb"[^\x00-\x08\x0a-\x1f\x7f]*")
_VERSIONS = {b"HTTP/0.9": (0, 9), b"HTTP/1.0": (1, 0), b"HTTP/1.1": (1, 1), b"HTTP/2.0": (2, 0)}


class BadRequest(Exception):
    """The request cannot be parsed; the text is aiohttp's 400 body."""


def _bad(description: str, line: bytes, offset: int) -> BadRequest:
    # aiohttp's format for llhttp errors: the line, then a caret under the offending byte.
    return BadRequest(f"{description}:\n\n  {line!r}\n  {' ' * (offset + 2)}^")


def _too_long(what: str, size: int) -> BadRequest:
    return BadRequest(f"Got more than {MAX_LINE} bytes ({size}) when reading {what} is too long.")


class Request:
    def __init__(self, method, target, version, headers, body, too_large):
        self.method = method  # str, as the function sees it
        self.target = target  # str: the request target (path?query, or other forms)
        self.version = version  # (major, minor)
        self.headers = headers  # [(name, value)] in arrival order, names as sent
        self.body = body  # bytes (empty when too large)
        self.too_large = too_large  # the body size, when it is MAX_BODY or more; else 0

    def header(self, name: str, default: str = "") -> str:
        for key, value in self.headers:
            if key.lower() == name:
                return value
        return default

    @property
    def keep_alive(self) -> bool:
        connection = self.header("connection").lower()
        if self.version >= (1, 1):
            return connection != "close"
        return connection == "keep-alive"


def parse_request_line(line: bytes):
    """(method, target, version) of a request line (without its line end), as llhttp."""
    at = line.find(b" ")
    if at <= 0 or not _METHOD.fullmatch(line, 0, at):  # else the walk would stop there too
        at = 0
        while at < len(line) and any(m.startswith(line[: at + 1]) for m in ALL_METHODS):
            at += 1
    token = line[:at]
    if token not in ALL_METHODS:
        raise _bad("Invalid method encountered", line, at)
    if line[at : at + 1] != b" ":
        raise _bad("Expected space after method", line, at)
    while line[at : at + 1] == b" ":
        at += 1
    start = at
    at = _TARGET.match(line, start).end()  # up to a space, the end, or a byte not allowed
    if at < len(line) and line[at] != 0x20:
        raise _bad("Invalid char in url path", line, at)
    target = line[start:at]
    if len(target) > MAX_LINE:
        raise _too_long("Status line", len(target))
    while line[at : at + 1] == b" ":
        at += 1
    version = (0, 9)  # no version: HTTP/0.9, as llhttp
    if at < len(line):
        if not line.startswith(b"HTTP/", at):
            raise _bad("Expected HTTP/", line, at)
        text = line[at : at + 8]
        if text not in _VERSIONS:
            raise _bad("Invalid HTTP version", line, min(at + 8, len(line)))
        if at + 8 < len(line):
            raise _bad("Expected CRLF after version", line, at + 8)
        version = _VERSIONS[text]
        if token.decode() in RTSP_METHODS:
            raise _bad("Invalid method for HTTP/x.x request", line, at + 5)
    method = token.decode()
    if method == "QUERY":
        method = "<unknown>"  # llhttp knows it; aiohttp 3.10.9's method table does not
    return method, target.decode("ascii"), version


def _header(line: bytes):
    """(name, value) of one header line (without its CRLF), as llhttp checks it."""
    if line[:1] in (b" ", b"\t"):
        raise _bad("Unexpected whitespace after header value", line, 0)
    colon = line.find(b":")
    name = line if colon < 0 else line[:colon]
    if colon <= 0 or not _NAME.fullmatch(name):  # walked for the offset of the error
        for offset in range(len(name)):
            if not _TOKEN.match(name, offset):
                raise _bad("Invalid header token", line, offset)
        if colon <= 0:
            raise _bad("Invalid header token", line, len(line))
    if len(name) > MAX_LINE:
        raise _too_long("Header name", len(name))
    start = colon + 1
    while line[start : start + 1] in (b" ", b"\t"):
        start += 1
    value = line[start:]
    if not _VALUE.fullmatch(value):  # walked for the offset of the error
        for offset, byte in enumerate(value, start):
            if (byte < 0x20 and byte != 0x09) or byte == 0x7F:
                raise _bad("Invalid header value char", line, offset)
    if len(value) > MAX_LINE:
        raise _too_long("Header value", len(value))
    return name.decode("ascii"), value.decode("utf-8", "surrogateescape"), start


def _line(rfile) -> bytes | None:
    """One line without its CRLF; None at the end of the stream."""
    raw = rfile.readline(READ_LIMIT + 1)
    if not raw:
        return None
    if raw.endswith(b"\r\n"):
        return raw[:-2]
    if raw.endswith(b"\n"):
        raise _bad("Expected CRLF after version", raw, len(raw) - 1)
    return raw  # longer than READ_LIMIT: the length checks refuse it


def read_request(rfile, max_body: int = MAX_BODY) -> Request | None:
    """The next request on a connection, None when the client closed it."""
    line = _line(rfile)
    while line == b"":  # empty lines before a request are skipped
        line = _line(rfile)
    if line is None:
        return None
    method, target, version = parse_request_line(line)
    headers = []
    lengths = []
    while True:
        line = _line(rfile)
        if line is None:
            raise BadRequest("Connection closed in the middle of the headers")
        if line == b"":
            break
        name, value, start = _header(line)
        if name.lower() == "content-length":
            if lengths:
                raise _bad("Duplicate Content-Length", line, start)
            bad = next((i for i, c in enumerate(value) if not c.isdigit()), None)
            if bad is not None or not value:
                raise _bad("Invalid character in Content-Length", line, start + (bad or 0))
            lengths.append(int(value))
        headers.append((name, value))
        if len(headers) > MAX_HEADERS:
            raise BadRequest("Too many headers")
    chunked = any(
        k.lower() == "transfer-encoding" and v.lower().strip().endswith("chunked")
        for k, v in headers
    )
    if chunked:
        body, size = _read_chunked(rfile, max_body)
    else:
        size = lengths[0] if lengths else 0
        body = _read_exactly(rfile, size, max_body)
    too_large = size if size >= max_body else 0
    return Request(method, target, version, headers, b"" if too_large else body, too_large)


def _read_exactly(rfile, size: int, max_body: int) -> bytes:
    """The body, or b"" when it is too large — read to its end all the same, so the
    client is not cut off while sending and the connection stays usable."""
    keep = size < max_body
    parts, left = [], size
    while left > 0:
        chunk = rfile.read(min(left, 1 << 16))
        if not chunk:
            raise ConnectionError("client closed the connection during the body")
        if keep:
            parts.append(chunk)
        left -= len(chunk)
    return b"".join(parts)


def _read_chunked(rfile, max_body: int):
    parts, size = [], 0
    while True:
        line = _line(rfile)
        if line is None:
            raise ConnectionError("client closed the connection during the body")
        try:
            length = int(line.split(b";", 1)[0].strip() or b"x", 16)
        except ValueError:
            raise _bad("Invalid character in chunk size", line, 0) from None
        if length == 0:
            break
        chunk = _read_exactly(rfile, length, max_body - size if size < max_body else 0)
        size += length
        if size < max_body:
            parts.append(chunk)
        _line(rfile)  # the CRLF after the chunk
    while _line(rfile):  # trailers
        pass
    return (b"".join(parts) if size < max_body else b""), size


class ResponseError(Exception):
    """The response cannot be written (aiohttp drops the connection without an answer)."""


def response_bytes(version, status: int, headers, payload: bytes, head: bool = False) -> bytes:
    """The response as aiohttp writes it: the handler's headers, then Content-Length, Date
    and Server. A header that is not a string or holds a line break is refused, as aiohttp
    refuses to serialise it."""
    try:
        reason = http.HTTPStatus(status).phrase
    except ValueError:
        reason = ""
    lines = [f"HTTP/{version[0]}.{version[1]} {status} {reason}"]
    for key, value in [
        *headers,
        ("Content-Length", str(len(payload))),
        ("Date", email.utils.formatdate(usegmt=True)),
        ("Server", SERVER),
    ]:
        if not isinstance(key, str) or not isinstance(value, str):
            raise ResponseError(f"Cannot serialize non-str header {key!r}: {value!r}")
        if any(c in key or c in value for c in "\r\n"):
            raise ResponseError(
                "Newline or carriage return character detected in HTTP status message or header."
            )
        lines.append(f"{key}: {value}")
    head_bytes = ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8", "surrogateescape")
    return head_bytes if head else head_bytes + payload


def error_response(text: str) -> bytes:
    """aiohttp's answer to a request it cannot parse (the connection is closed after it)."""
    headers = [("Content-Type", "text/plain; charset=utf-8")]
    return response_bytes((1, 0), 400, headers, text.encode("utf-8"))


class Server(socketserver.ThreadingTCPServer):
    """One thread per connection; `handle(request)` → (status, headers, payload)."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address, handle):
        self.handle = handle
        super().__init__(address, _Connection)


class _Connection(socketserver.StreamRequestHandler):
    def handle(self):
        while True:
            try:
                request = read_request(self.rfile)
            except BadRequest as error:
                self._write(error_response(str(error)))
                return
            except (ConnectionError, OSError):
                return
            if request is None:
                return
            try:
                status, headers, payload = self.server.handle(request)
                data = response_bytes(
                    request.version, status, headers, payload, head=request.method == "HEAD"
                )
            except ResponseError as error:
                print(f"Error handling request: {error}", file=sys.__stderr__, flush=True)
                return  # the client sees the connection close without a response
            if not self._write(data) or not request.keep_alive:
                return

    def _write(self, data: bytes) -> bool:
        try:
            self.wfile.write(data)
            self.wfile.flush()
        except OSError:
            return False
        return True
