"""Connection reuse for the SDK (`shared/connections.py`) and the emulator's traffic counters,
with the installed SDK (15.3 in .venv, 27 in .venv-sdk27): both send every call through
`requests.request`, which the pool replaces inside `appwrite.client` only."""

from __future__ import annotations

import secrets
import socket
import threading
import time

import pytest
import requests
from appwrite.client import Client
from appwrite.exception import AppwriteException
from appwrite.services.account import Account
from appwrite.services.users import Users

from emulator.core import keys
from emulator.server import start
from shared import connections
from tests.emulator.conftest import PROJECT_ID, as_dict


@pytest.fixture
def unpooled():
    """The SDK's own transport, whatever an earlier test of this process installed
    (`shared.client` installs the pool on first use)."""
    connections.uninstall()
    yield


@pytest.fixture
def pooled(unpooled):
    """The SDK's calls go through one fresh keep-alive session (as in a worker)."""
    assert connections.install()
    yield
    connections.uninstall()


def _traffic(emulator):
    return emulator.running.app.state.traffic


def test_without_the_pool_every_call_opens_a_connection(emulator, admin_client, unpooled):
    traffic = _traffic(emulator)
    before = traffic.accepted
    for _ in range(3):
        Users(admin_client).list()
    assert traffic.accepted - before == 3


def test_the_pool_reuses_one_connection_across_calls_and_clients(emulator, pooled):
    traffic = _traffic(emulator)
    before = traffic.accepted
    for _ in range(3):  # a fresh client per call, as a function builds one per execution
        Users(emulator.client().set_key(emulator.api_key)).list()
    assert traffic.accepted - before == 1


def test_the_pool_keeps_no_cookie(emulator, admin_client, make_user, pooled):
    user, password = make_user()
    guest = emulator.client()
    session = Account(guest).create_email_password_session(user["email"], password)
    assert session  # the answer set a session cookie; a browser would now be signed in
    with pytest.raises(AppwriteException) as info:
        Account(emulator.client()).get()  # the next caller is still a guest
    assert info.value.code == 401


def test_an_idle_connection_closed_by_the_server_is_replaced(emulator, pooled):
    quick = start(emulator.state, keep_alive=1)  # closes idle connections after 1 s
    try:
        client = Client().set_endpoint(quick.endpoint).set_project(PROJECT_ID)
        client.set_key(emulator.api_key)
        traffic = quick.app.state.traffic
        Users(client).list()
        time.sleep(1.5)
        assert traffic.open_connections() == 0  # the server has closed it
        assert as_dict(Users(client).list())["total"] >= 0
        Users(client).list()
        assert traffic.accepted == 2
    finally:
        quick.stop()


class _ClosingServer:
    """Answers the first request of each connection and keeps it open; the second request
    on a connection is read and then the connection is closed without an answer — the
    race of a server closing an idle connection just as a request is sent on it."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.requests: list[str] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._connection, args=(conn,), daemon=True).start()

    def _connection(self, conn):
        with conn:
            for answered in (True, False):
                data = b""
                while b"\r\n\r\n" not in data:
                    chunk = conn.recv(65536)
                    if not chunk:
                        return
                    data += chunk
                head, _, body = data.partition(b"\r\n\r\n")
                length = next(
                    (
                        int(line.split(b":")[1])
                        for line in head.split(b"\r\n")
                        if line.lower().startswith(b"content-length:")
                    ),
                    0,
                )
                while len(body) < length:
                    body += conn.recv(65536)
                self.requests.append(head.split(b" ")[0].decode())
                if not answered:
                    conn.shutdown(socket.SHUT_RDWR)
                    return
                payload = b'{"ok":true}'
                conn.sendall(
                    b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
                    b"content-length: %d\r\n\r\n%s" % (len(payload), payload)
                )

    def close(self):
        self.sock.close()


@pytest.fixture
def closing_server():
    server = _ClosingServer()
    yield server
    server.close()


def _client_for(server):
    return Client().set_endpoint(f"http://127.0.0.1:{server.port}/v1").set_project("p")


def test_an_idempotent_request_on_a_connection_closed_mid_request_is_retried_once(
    closing_server, pooled
):
    client = _client_for(closing_server)
    assert client.call("get", "/a") == {"ok": True}
    assert client.call("get", "/b") == {"ok": True}  # the reused connection is closed: retried
    assert closing_server.requests == ["GET", "GET", "GET"]
    assert closing_server.connections == 2


def test_a_post_on_a_connection_closed_mid_request_is_not_repeated(closing_server, pooled):
    client = _client_for(closing_server)
    client.add_header("content-type", "application/json")
    assert client.call("post", "/a", params={"n": 1}) == {"ok": True}
    with pytest.raises(AppwriteException):
        client.call("post", "/b", params={"n": 2})  # it may have been applied: not resent
    assert closing_server.requests == ["POST", "POST"]
    assert closing_server.connections == 1


def test_requests_are_counted_per_execution_key(emulator, unpooled):
    traffic = _traffic(emulator)
    first, second = secrets.token_hex(10), secrets.token_hex(10)

    def key(execution_id):
        return keys.mint_dynamic_key(
            emulator.project_id, emulator.state.secret, ["users.read"], 60, execution_id
        )

    headers = {"x-appwrite-project": emulator.project_id}
    with requests.Session() as session:  # one keep-alive connection
        for _ in range(3):
            session.get(
                emulator.endpoint + "/users", headers=headers | {"x-appwrite-key": key(first)}
            )
        session.get(emulator.endpoint + "/users", headers=headers | {"x-appwrite-key": key(second)})
        forged = keys.mint_dynamic_key(
            emulator.project_id, "not-the-secret-" + "x" * 32, [], 60, second
        )
        session.get(emulator.endpoint + "/users", headers=headers | {"x-appwrite-key": forged})
    assert traffic.stats(first) == {
        "executionId": first,
        "requests": 3,
        "connections": 1,
        "newConnections": 1,
        "tlsHandshakes": 0,
    }
    # the connection was opened by the first execution: the second paid no connect
    assert traffic.stats(second)["requests"] == 1
    assert traffic.stats(second)["newConnections"] == 0
