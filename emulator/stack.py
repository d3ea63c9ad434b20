"""The whole local stack in one object: API server, functions, function URLs, cron.

    stack = Stack.start(manifest_path, data_dir=".data", port=8090)
    stack.endpoint, stack.api_key, stack.function_urls["articles"]
    stack.close()

Used by `python -m emulator serve` and by the pytest test client (`emulator.testing`).
Everything binds 127.0.0.1. The API is `http://127.0.0.1:<port>/v1`; function URLs are
the following ports, one per function that `execute`s for `any` or `guests` — or free
ports when `port` is 0.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import pathlib
import shutil
import socket
import tempfile
import threading

import uvicorn

from emulator import server
from emulator.functions import Functions
from emulator.functions.gateway import FunctionURLs
from emulator.manifest import Manifest, load_manifest
from emulator.packaging import build_functions
from emulator.state import EmulatorState

CREDENTIALS_FILE = "credentials.json"
PRIVATE_PREFIX = "/_emulator"


@dataclasses.dataclass
class Stack:
    state: EmulatorState
    manifest: Manifest
    api: server.RunningServer
    functions: Functions
    function_urls: dict[str, str]
    data_dir: pathlib.Path
    _gateway: uvicorn.Server | None
    _gateway_thread: threading.Thread | None
    _own_data_dir: bool = False

    @property
    def endpoint(self) -> str:
        return self.api.endpoint

    @property
    def project_id(self) -> str:
        return self.state.project_id

    @property
    def api_key(self) -> str:
        return self.state.admin_key

    @classmethod
    def start(
        cls,
        manifest_path: str | pathlib.Path,
        *,
        data_dir: str | pathlib.Path | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        reset: bool = False,
        realtime_cron: bool = True,
        loop_limit: int = 3,
    ) -> Stack:
        manifest = load_manifest(manifest_path)
        own = data_dir is None
        data = (
            pathlib.Path(data_dir)
            if data_dir is not None
            else pathlib.Path(tempfile.mkdtemp(prefix="newsroom-"))
        ).resolve()
        if reset and data.exists():
            shutil.rmtree(data)
        data.mkdir(parents=True, exist_ok=True)
        state = EmulatorState.open(data / "db", project_id=manifest.project_id)
        from emulator.provision import provision

        provision(state, manifest.source)
        api = server.start(state, host=host, port=port)
        functions = Functions(
            state, manifest, workdir=data / "runtime", endpoint=api.endpoint, loop_limit=loop_limit
        )
        build_functions(functions)  # each function's runtime-env, as Appwrite builds it (cached)
        public = [f.id for f in manifest.functions if {"any", "guests"} & set(f.execute)]
        sockets, ports = [], {}
        for index, function_id in enumerate(public, 1):
            sock = socket.socket(
                socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP
            )  # asyncio sets TCP_NODELAY only then
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((host, api.port + index if port else 0))
            sock.listen(128)
            sockets.append(sock)
            ports[sock.getsockname()[1]] = function_id
        gateway = gateway_thread = None
        if sockets:
            config = uvicorn.Config(
                FunctionURLs(functions, ports),
                log_level="warning",
                access_log=False,
                lifespan="off",
            )
            gateway = uvicorn.Server(config)
            gateway_thread = threading.Thread(
                target=gateway.run, kwargs={"sockets": sockets}, name="function-urls", daemon=True
            )
            gateway_thread.start()
            while not gateway.started and gateway_thread.is_alive():
                threading.Event().wait(0.01)
        urls = {fid: f"http://{host}:{p}" for p, fid in ports.items()}
        stack = cls(state, manifest, api, functions, urls, data, gateway, gateway_thread, own)
        state.extensions["stack"] = stack
        if realtime_cron:
            functions.scheduler.start_thread()
        stack.write_credentials()
        return stack

    def credentials(self) -> dict:
        return {
            "endpoint": self.endpoint,
            "projectId": self.project_id,
            "apiKey": self.api_key,
            "functions": dict(self.function_urls),
        }

    def write_credentials(self) -> pathlib.Path:
        path = self.data_dir / CREDENTIALS_FILE
        path.write_text(json.dumps(self.credentials(), indent=2) + "\n")
        path.chmod(0o600)  # it holds the admin API key
        return path

    def close(self) -> None:
        if self._gateway is not None:
            self._gateway.should_exit = True
            self._gateway_thread.join(10)
        self.functions.close()
        self.api.stop()
        (self.data_dir / CREDENTIALS_FILE).unlink(missing_ok=True)
        if self._own_data_dir:
            shutil.rmtree(self.data_dir, ignore_errors=True)

    def __enter__(self) -> Stack:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def parse_moment(value: str) -> dt.datetime:
    """`2026-03-01T03:00`, `2026-03-01 03:00Z`, … (naive = UTC)."""
    from emulator.clock import parse_iso

    return parse_iso(value.strip().replace(" ", "T"))
