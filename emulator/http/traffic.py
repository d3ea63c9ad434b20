"""Emulator-only counters: how many API requests, connections and TLS handshakes each
function execution cost (issue 13). Not part of Appwrite's API model.

An execution is recognised by its dynamic key (claim `executionId`, signed with the
project's secret, `core/keys.py`). Per execution:

* `requests`       API requests made with its key (round trips);
* `connections`    distinct connections those requests travelled on;
* `newConnections` connections whose first request was its own (it paid for the TCP
                   connect: a connection reused from an earlier execution does not count);
* `tlsHandshakes`  the new connections that were TLS (each one a full handshake).

Connections are seen by `counting_protocol`, a subclass of uvicorn's HTTP protocol that
registers each connection by its peer address for as long as it is open (a peer address
is unique among open connections); `TrafficCounter` (ASGI middleware) attributes each
request to the execution whose key it carries. A request without an execution's key (a
call made with a user's JWT, say) is attributed through `Traffic.locator`, when the
composition root sets one: which worker process holds the connection, and which single
execution that worker is running.
"""

from __future__ import annotations

import collections
import dataclasses
import threading
from typing import Protocol

from starlette.types import ASGIApp, Receive, Scope, Send

from emulator.core import keys

KEEP_EXECUTIONS = 10_000  # the newest executions whose counters are kept
_UNRESOLVED = -1


class Locator(Protocol):
    def pid(self, client_port: int, server_port: int) -> int | None:
        """The local process that opened this connection (None: not a worker's)."""

    def execution(self, pid: int) -> str:
        """The one execution that process is running now ("" if none or several)."""

    def busy(self) -> bool:
        """Whether any execution is running (if not, no lookup is worth its cost)."""


@dataclasses.dataclass
class _Connection:
    serial: int
    tls: bool
    server_port: int = 0
    first_execution: str | None = None
    requests: int = 0
    pid: int | None = _UNRESOLVED


@dataclasses.dataclass
class ExecutionTraffic:
    requests: int = 0
    connections: set[int] = dataclasses.field(default_factory=set)
    new_connections: int = 0
    tls_handshakes: int = 0

    def model(self, execution_id: str) -> dict:
        return {
            "executionId": execution_id,
            "requests": self.requests,
            "connections": len(self.connections),
            "newConnections": self.new_connections,
            "tlsHandshakes": self.tls_handshakes,
        }


class Traffic:
    """Open connections and per-execution counters of one API server (thread-safe)."""

    def __init__(self, keep: int = KEEP_EXECUTIONS):
        self._lock = threading.Lock()
        self._open: dict[tuple, _Connection] = {}
        self._executions: collections.OrderedDict[str, ExecutionTraffic] = collections.OrderedDict()
        self._keep = keep
        self._serial = 0
        self.accepted = 0
        self.handshakes = 0
        self.locator: Locator | None = None

    # -- connections (called by the protocol, on the server's loop) ------------------------
    def opened(self, peer, tls: bool, server_port: int = 0) -> None:
        with self._lock:
            self._serial += 1
            self.accepted += 1
            self.handshakes += int(tls)
            self._open[_peer_key(peer)] = _Connection(self._serial, tls, server_port)

    def closed(self, peer) -> None:
        with self._lock:
            self._open.pop(_peer_key(peer), None)

    def open_connections(self) -> int:
        with self._lock:
            return len(self._open)

    # -- requests (called by the middleware) --------------------------------------------------
    def request(self, peer, execution_id: str) -> None:
        with self._lock:
            connection = self._open.get(_peer_key(peer))
            stats = self._executions.get(execution_id)
            if stats is None:
                stats = self._executions[execution_id] = ExecutionTraffic()
                while len(self._executions) > self._keep:
                    self._executions.popitem(last=False)
            stats.requests += 1
            if connection is None:
                return  # a transport we did not see open (not served by counting_protocol)
            if connection.requests == 0:
                connection.first_execution = execution_id
                stats.new_connections += 1
                stats.tls_handshakes += int(connection.tls)
            connection.requests += 1
            stats.connections.add(connection.serial)

    def locate(self, peer) -> str:
        """The execution a request without a key belongs to, through the locator."""
        locator = self.locator
        if locator is None or not peer or not locator.busy():
            return ""
        with self._lock:
            connection = self._open.get(_peer_key(peer))
            if connection is None:
                return ""
            pid = connection.pid
        if pid == _UNRESOLVED:
            pid = locator.pid(peer[1], connection.server_port)
            connection.pid = pid
        return locator.execution(pid) if pid else ""

    def first_request(self, peer) -> None:
        """A request without an execution's key: the connection is no longer new."""
        with self._lock:
            connection = self._open.get(_peer_key(peer))
            if connection is not None:
                connection.requests += 1

    def stats(self, execution_id: str) -> dict:
        """The counters of one execution (zeros if it made no API request)."""
        with self._lock:
            return self._executions.get(execution_id, ExecutionTraffic()).model(execution_id)


def _peer_key(peer) -> tuple:
    return tuple(peer[:2]) if peer else ()


def counting_protocol(base: type, traffic: Traffic) -> type:
    """A subclass of uvicorn's HTTP protocol class `base` that reports each connection
    (after its TLS handshake, when served over TLS) to `traffic`."""

    class CountingProtocol(base):
        def connection_made(self, transport) -> None:
            self._counted_peer = transport.get_extra_info("peername")
            server = transport.get_extra_info("sockname") or ("", 0)
            tls = transport.get_extra_info("sslcontext") is not None
            traffic.opened(self._counted_peer, tls, server[1])
            super().connection_made(transport)

        def connection_lost(self, exc) -> None:
            traffic.closed(getattr(self, "_counted_peer", None))
            super().connection_lost(exc)

    CountingProtocol.__name__ = f"Counting{base.__name__}"
    return CountingProtocol


class TrafficCounter:
    """ASGI middleware: attributes each API request to the execution whose dynamic key
    it carries (`Traffic.request`); other requests only mark their connection as used."""

    def __init__(self, app: ASGIApp, traffic: Traffic, secret: str):
        self.app = app
        self.traffic = traffic
        self.secret = secret

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            peer = scope.get("client")
            key = next((v for k, v in scope["headers"] if k == b"x-appwrite-key"), b"")
            text = key.decode("latin-1")
            execution_id = ""
            if keys.is_dynamic_key(text):
                try:
                    execution_id = keys.decode_dynamic_key(self.secret, text).get("executionId")
                except keys.InvalidToken:
                    execution_id = ""  # the route answers the bad key itself
            elif not key:  # no key at all: maybe a worker's call with its user's JWT
                execution_id = self.traffic.locate(peer)
            if execution_id and isinstance(execution_id, str):
                self.traffic.request(peer, execution_id)
            else:
                self.traffic.first_request(peer)
        await self.app(scope, receive, send)
