"""The worker's HTTP layer answers as the open-runtimes server (aiohttp 3.10.9 + llhttp)
does: observed by sending these raw requests to that server; issue 9 items 6 and 9.

Every method llhttp knows reaches the function; what it refuses gets a plain-text 400
naming the problem (never the standard library's HTML 501/414 pages); a body of 20 MiB
or more is read and answered 413, and the warm worker keeps serving everyone else.
"""

from __future__ import annotations

import concurrent.futures
import http.client
import json
import socket
import textwrap

import pytest

from emulator.runtime import Deployment, Executor

ECHO = """
def main(context):
    r = context.req
    return context.res.json({"method": r.method, "path_length": len(r.path),
                             "body_length": len(r.body_binary)})
"""
MIB = 1024 * 1024


@pytest.fixture(scope="module")
def worker(tmp_path_factory):
    """A warm worker (the executor's `fn` deployment) and its port."""
    root = tmp_path_factory.mktemp("echo")
    (root / "src").mkdir()
    (root / "src" / "main.py").write_text(textwrap.dedent(ECHO))
    with Executor(workdir=tmp_path_factory.mktemp("workers")) as executor:
        deployment = Deployment("echo", root=root, entrypoint="src/main.py")
        executor.warm(deployment)
        yield executor, deployment


def raw(port: int, request: bytes) -> tuple[str, dict[str, str], bytes]:
    """Send raw bytes; (status line, headers, body) of the answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(request)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        headers = {k.lower(): v for k, _, v in (line.partition(": ") for line in lines[1:])}
        while len(body) < int(headers.get("content-length", 0)):
            body += sock.recv(65536)
    return lines[0], headers, body


def request(method: str, path: str = "/x", extra: str = "", secret: str = "") -> bytes:
    if secret:
        extra = f"x-open-runtimes-secret: {secret}\r\n" + extra
    return f"{method} {path} HTTP/1.1\r\nHost: h\r\n{extra}\r\n".encode()


@pytest.mark.parametrize("method", ["TRACE", "PROPFIND", "M-SEARCH", "PURGE", "MKCALENDAR"])
def test_every_method_llhttp_knows_reaches_the_function(worker, method):
    executor, _ = worker
    sent = request(method, secret=executor.worker_secret("echo"))
    status, headers, body = raw(executor.worker_port("echo"), sent)
    assert status == "HTTP/1.1 200 OK"
    assert json.loads(body)["method"] == method
    assert headers["server"].endswith("aiohttp/3.10.9")


def test_query_reaches_the_function_as_unknown_as_in_aiohttp_3_10(worker):
    executor, _ = worker
    sent = request("QUERY", secret=executor.worker_secret("echo"))
    _, _, body = raw(executor.worker_port("echo"), sent)
    assert json.loads(body)["method"] == "<unknown>"


@pytest.mark.parametrize(
    "method, text",
    [
        ("get", "Invalid method encountered:\n\n  b'get /x HTTP/1.1'\n    ^"),
        ("Get", "Invalid method encountered:\n\n  b'Get /x HTTP/1.1'\n     ^"),
        ("FOO", "Invalid method encountered:\n\n  b'FOO /x HTTP/1.1'\n     ^"),
        ("GETX", "Expected space after method:\n\n  b'GETX /x HTTP/1.1'\n       ^"),
        ("GET_X", "Invalid method encountered:\n\n  b'GET_X /x HTTP/1.1'\n        ^"),
        (
            "PLAY",
            "Invalid method for HTTP/x.x request:\n\n  b'PLAY /x HTTP/1.1'\n                 ^",
        ),
    ],
)
def test_an_unknown_method_is_a_plain_400_as_llhttp_words_it(worker, method, text):
    executor, _ = worker
    status, headers, body = raw(executor.worker_port("echo"), request(method))
    assert status == "HTTP/1.0 400 Bad Request"
    assert headers["content-type"] == "text/plain; charset=utf-8"
    assert body.decode() == text


def test_a_100_kb_path_is_a_plain_400_and_8190_bytes_still_pass(worker):
    executor, _ = worker
    port = executor.worker_port("echo")
    status, headers, body = raw(port, request("GET", "/" + "a" * 100_000))
    assert status == "HTTP/1.0 400 Bad Request"
    assert headers["content-type"] == "text/plain; charset=utf-8"
    assert body == b"Got more than 8190 bytes (100001) when reading Status line is too long."
    status, _, body = raw(
        port, request("GET", "/" + "a" * 8189, secret=executor.worker_secret("echo"))
    )
    assert status == "HTTP/1.1 200 OK" and json.loads(body)["path_length"] == 8190


MALFORMED_HEADERS = [
    (
        "X-Big: " + "b" * 9000 + "\r\n",
        "Got more than 8190 bytes (9000) when reading Header value is too long.",
    ),
    ("Bad Name: v\r\n", "Invalid header token:\n\n  b'Bad Name: v'\n       ^"),
    ("X-A: \x01\r\n", "Invalid header value char:\n\n  b'X-A: \\x01'\n         ^"),
    (
        "Content-Length: abc\r\n",
        "Invalid character in Content-Length:\n\n  b'Content-Length: abc'\n" + " " * 20 + "^",
    ),
]


@pytest.mark.parametrize("extra, text", MALFORMED_HEADERS)
def test_a_malformed_header_is_a_plain_400(worker, extra, text):
    executor, _ = worker
    status, _, body = raw(executor.worker_port("echo"), request("GET", extra=extra))
    assert status == "HTTP/1.0 400 Bad Request"
    assert body.decode() == text


def test_no_answer_of_the_worker_is_an_html_page(worker):
    executor, _ = worker
    port = executor.worker_port("echo")
    for sent in (
        request("get"),
        request("BREW"),
        request("GET", "/" + "a" * 70_000),
        b"hi\r\n\r\n",
    ):
        _, headers, body = raw(port, sent)
        assert "html" not in headers.get("content-type", "") and b"<" not in body


def test_a_chunked_body_reaches_the_function(worker):
    executor, _ = worker
    chunked = "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n"
    sent = request("POST", extra=chunked, secret=executor.worker_secret("echo"))
    status, _, body = raw(executor.worker_port("echo"), sent)
    assert status == "HTTP/1.1 200 OK" and json.loads(body)["body_length"] == 5


# -- bodies over the runtime's 20 MiB limit (issue 9 item 9) ------------------------------


def test_a_21_mb_body_is_answered_413_and_the_warm_worker_stays_up(worker):
    executor, deployment = worker
    pid = executor.worker_pid("echo")
    result = executor.execute(deployment, body=b"x" * 21_000_000)
    assert result.status_code == 413
    assert result.text == "Maximum request body size 20971520 exceeded, actual body size 21000000"
    for _ in range(3):
        after = executor.execute(deployment, body=b"after")
        assert after.status_code == 200 and not after.cold_start
        assert json.loads(after.body)["body_length"] == 5
    assert executor.worker_pid("echo") == pid


def test_the_limit_is_20_mib_inclusive_as_in_aiohttp(worker):
    executor, deployment = worker
    assert executor.execute(deployment, body=b"x" * (20 * MIB)).status_code == 413
    below = executor.execute(deployment, body=b"x" * (20 * MIB - 1))
    assert below.status_code == 200 and json.loads(below.body)["body_length"] == 20 * MIB - 1


def test_concurrent_callers_are_served_while_a_huge_body_is_refused(worker):
    executor, deployment = worker
    pid = executor.worker_pid("echo")
    with concurrent.futures.ThreadPoolExecutor(6) as pool:
        huge = [pool.submit(executor.execute, deployment, body=b"x" * (22 * MIB)) for _ in range(2)]
        small = [pool.submit(executor.execute, deployment, body=b"ok") for _ in range(8)]
        assert [f.result().status_code for f in huge] == [413, 413]
        assert [f.result().status_code for f in small] == [200] * 8
    assert executor.worker_pid("echo") == pid


def test_a_huge_body_sent_directly_leaves_the_connection_usable(worker):
    executor, _ = worker
    conn = http.client.HTTPConnection("127.0.0.1", executor.worker_port("echo"), timeout=30)
    secret = {"x-open-runtimes-secret": executor.worker_secret("echo")}
    try:
        conn.request("POST", "/x", body=b"x" * (21 * MIB), headers=secret)
        first = conn.getresponse()
        assert first.status == 413 and first.read().startswith(b"Maximum request body size")
        conn.request("POST", "/x", body=b"abc", headers=secret)  # the same keep-alive connection
        second = conn.getresponse()
        assert second.status == 200 and json.loads(second.read())["body_length"] == 3
    finally:
        conn.close()


def test_a_log_id_that_could_leave_the_logs_folder_is_replaced(worker):
    executor, _ = worker
    forged = "x-open-runtimes-log-id: ../../escaped\r\n"
    sent = request("GET", extra=forged, secret=executor.worker_secret("echo"))
    status, headers, _ = raw(executor.worker_port("echo"), sent)
    assert status == "HTTP/1.1 200 OK"
    assert len(headers["x-open-runtimes-log-id"]) == 20
    assert not list(executor.workdir.rglob("escaped*"))
