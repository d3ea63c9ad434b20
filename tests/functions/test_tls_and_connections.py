"""The stack over HTTPS (`serve --tls`) with the real functions: certificates, trust, the
per-execution traffic counters, and the workers' connection reuse (no timings here)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid

import httpx
import pytest
from appwrite.client import Client
from appwrite.exception import AppwriteException
from appwrite.services.users import Users

from emulator.testclient import AppwriteTestClient
from tests.emulator.conftest import MANIFEST

pytestmark = pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")


@pytest.fixture(scope="module")
def secure(tmp_path_factory):
    data = tmp_path_factory.mktemp("tls-stack")
    with AppwriteTestClient.start(MANIFEST, data_dir=data, tls=True, keep_alive=1) as client:
        yield client


def _signup(client):
    email = f"tls-{uuid.uuid4().hex[:10]}@example.com"
    response = client.invoke_http(
        "accounts",
        "/signup",
        method="POST",
        json={"email": email, "password": "pw-123456789", "name": "T"},
    )
    assert response.status_code == 201, response.text
    return response.headers["x-appwrite-execution-id"]


def test_api_and_function_urls_are_https(secure):
    assert secure.endpoint.startswith("https://127.0.0.1:")
    assert all(url.startswith("https://") for url in secure.stack.function_urls.values())
    assert secure.stack.credentials()["tls"]["ca"] == str(secure.stack.tls.ca)
    assert secure.stack.tls.key.stat().st_mode & 0o077 == 0  # the private key is private


def test_the_sdk_verifies_the_certificate_through_requests_ca_bundle(secure, monkeypatch):
    def client():
        return Client().set_endpoint(secure.endpoint).set_project(secure.project_id)

    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    with pytest.raises(AppwriteException, match="CERTIFICATE_VERIFY_FAILED"):
        Users(client().set_key(secure.stack.api_key)).list()
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(secure.stack.tls.trust))
    assert Users(client().set_key(secure.stack.api_key)).list()["total"] >= 0


def test_plain_http_is_not_served_on_the_tls_port(secure):
    with pytest.raises(httpx.HTTPError):
        httpx.get(secure.endpoint.replace("https://", "http://") + "/health", timeout=5)


def test_a_function_calls_the_api_over_verified_https(secure):
    execution_id = _signup(secure)  # the worker's SDK verifies (REQUESTS_CA_BUNDLE is set)
    stats = secure.execution_stats(execution_id)
    assert stats["requests"] >= 1
    assert stats["tlsHandshakes"] == stats["newConnections"]


def test_a_warm_worker_makes_no_new_handshake(secure):
    _signup(secure)
    stats = secure.execution_stats(_signup(secure))
    assert stats["requests"] >= 1
    assert stats["connections"] == 1
    assert (stats["newConnections"], stats["tlsHandshakes"]) == (0, 0)


def test_without_keepalive_every_call_is_a_new_handshake(secure):
    runner = secure.stack.executions.runner
    deployment = runner.deployment(runner.spec("accounts"))
    deployment.env["NEWSROOM_HTTP_KEEPALIVE"] = "off"
    runner.executor.stop("accounts")
    try:
        _signup(secure)
        stats = secure.execution_stats(_signup(secure))
        assert stats["requests"] >= 1
        assert stats["tlsHandshakes"] == stats["newConnections"] == stats["requests"]
    finally:
        del deployment.env["NEWSROOM_HTTP_KEEPALIVE"]
        runner.executor.stop("accounts")


def test_a_pool_gone_stale_is_recovered(secure):
    _signup(secure)
    time.sleep(1.5)  # the emulator (keep_alive=1) closes the idle connection
    stats = secure.execution_stats(_signup(secure))
    assert stats["requests"] >= 1
    assert (stats["newConnections"], stats["tlsHandshakes"]) == (1, 1)


def test_calls_made_with_the_users_jwt_count_too(secure):
    user = secure.create_user(f"tls-{uuid.uuid4().hex[:10]}@example.com")
    response = secure.invoke_http("articles", "/articles?limit=5", user=user)
    assert response.status_code == 200
    stats = secure.execution_stats(response.headers["x-appwrite-execution-id"])
    # the listing, made with the user's JWT alone (no execution key): counted all the same
    assert stats["requests"] == 1


def test_the_stats_route_is_for_the_admin_key(secure):
    execution_id = _signup(secure)
    url = f"{secure.endpoint}/emulator/executions/{execution_id}/stats"
    headers = {"x-appwrite-project": secure.project_id}
    verify = secure._verify()
    answer = httpx.get(
        url, headers=headers | {"x-appwrite-key": secure.stack.api_key}, verify=verify
    )
    assert answer.status_code == 200
    assert answer.json() == secure.execution_stats(execution_id)
    assert httpx.get(url, headers=headers, verify=verify).status_code == 401
    missing = url.replace(execution_id, "nope")
    answer = httpx.get(
        missing, headers=headers | {"x-appwrite-key": secure.stack.api_key}, verify=verify
    )
    assert (answer.status_code, answer.json()["type"]) == (404, "execution_not_found")


def test_the_certificate_is_reused_across_restarts(secure, tmp_path):
    with AppwriteTestClient.start(MANIFEST, data_dir=tmp_path, tls=True) as first:
        files = first.stack.tls
        before = files.cert.read_bytes(), files.ca.read_bytes()
    with AppwriteTestClient.start(MANIFEST, data_dir=tmp_path, tls=True) as again:
        assert (again.stack.tls.cert.read_bytes(), again.stack.tls.ca.read_bytes()) == before


def test_the_cli_client_commands_trust_the_emulator(secure):
    env = {k: v for k, v in os.environ.items() if k != "REQUESTS_CA_BUNDLE"}
    done = subprocess.run(
        [sys.executable, "-m", "emulator", "invoke", "articles", "--path", "/health"]
        + ["--method", "GET", "--data", str(secure.stack.data_dir)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "completed, HTTP 200" in done.stdout
