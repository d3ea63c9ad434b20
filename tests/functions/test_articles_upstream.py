"""`articles` when Appwrite keeps failing: the deployed function in a real worker, its endpoint a
real HTTP server answering every request 503 (as an overloaded Appwrite does): retries, then 503."""

from __future__ import annotations

import json
import pathlib
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest

from emulator.manifest import load_manifest
from emulator.packaging import deploy_dir
from emulator.runtime import Deployment, Executor, function_env

ROOT = pathlib.Path(__file__).resolve().parents[2]


class Overloaded(BaseHTTPRequestHandler):
    seen: ClassVar[list[str]] = []

    def _answer(self) -> None:
        self.seen.append(f"{self.command} {self.path}")
        length = int(self.headers.get("content-length") or 0)
        self.rfile.read(length)
        body = json.dumps(
            {
                "message": "Server Error",
                "code": 503,
                "type": "general_server_error",
                "version": "1.8.0",
            }
        ).encode()
        self.send_response(503)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _answer

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def worker(tmp_path_factory):
    """(execute, requests seen by the failing endpoint)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), Overloaded)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    spec = load_manifest(ROOT / "appwrite.json").function("articles")
    workdir = tmp_path_factory.mktemp("articles-upstream")
    root = deploy_dir(spec, workdir / "deployment", ROOT)
    env = function_env(
        function_id=spec.id,
        function_name=spec.name,
        deployment_id="upstream",
        project_id="newsroom",
        endpoint=f"http://127.0.0.1:{server.server_address[1]}/v1",
        runtime=spec.runtime,
    )
    deployment = Deployment(
        spec.id, root=root, entrypoint=spec.entrypoint, env=env, timeout=spec.timeout
    )
    with Executor(workdir=workdir / "workers") as executor:
        yield (lambda **kwargs: executor.execute(deployment, **kwargs)), Overloaded.seen
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(
    "method, path, headers",
    [
        ("GET", "/articles/abc", {}),
        ("GET", "/articles", {}),
        ("POST", "/articles/abc/publish", {"authorization": "Bearer aaa.bbb.ccc"}),
    ],
)
def test_persistent_upstream_failures_are_503_after_retries(worker, method, path, headers):
    execute, seen = worker
    before = len(seen)
    result = execute(method=method, path=path, headers={"x-appwrite-key": "key", **headers})
    assert result.status_code == 503
    assert json.loads(result.body)["error"]["code"] == "upstream_unavailable"
    assert len(seen) - before > 1  # retried before giving up
    assert "Server Error" not in result.body.decode()
