"""The whole local stack in one object: API server, executions, function URLs, cron.

    stack = Stack.start(manifest_path, data_dir=".data", port=8090)
    stack.endpoint, stack.api_key, stack.function_urls["my-function"]
    stack.close()

Used by `python -m emulator serve` and by the test client (`emulator.testclient`). This is
where the pieces are put together: the state, the provisioned database, the API app, the
executions service attached to it, and the function URLs. Everything binds 127.0.0.1 by
default. The API is `http://127.0.0.1:<port>/v1`; function URLs are the following ports,
one per function that `execute`s for `any` or `guests` — or free ports when `port` is 0.
With `tls=True` both are served over HTTPS with a certificate generated into
`<data>/tls/` (`emulator/http/tls.py`), which the functions' workers trust through
`REQUESTS_CA_BUNDLE`/`SSL_CERT_FILE`.
"""

from __future__ import annotations

import dataclasses
import json
import os
import pathlib
import shutil
import socket
import tempfile
import threading
from collections.abc import Callable

import uvicorn

from emulator import console as console_ui
from emulator import server
from emulator.app import create_app
from emulator.core.sqlite import private_folder
from emulator.core.state import EmulatorState
from emulator.http.tls import TLSFiles, ensure_certificates
from emulator.manifest import Manifest, load_manifest
from emulator.services.executions.domains import FunctionURLs
from emulator.services.executions.fanout import DEFAULT_LOOP_LIMIT
from emulator.services.executions.locator import WorkerLocator
from emulator.services.executions.service import ExecutionsService
from emulator.services.storage.provision import provision as provision_buckets
from emulator.services.tablesdb.provision import provision

CREDENTIALS_FILE = "credentials.json"


@dataclasses.dataclass
class Stack:
    state: EmulatorState
    manifest: Manifest
    api: server.RunningServer
    executions: ExecutionsService
    function_urls: dict[str, str]
    data_dir: pathlib.Path
    _gateway: uvicorn.Server | None
    _gateway_thread: threading.Thread | None
    _own_data_dir: bool = False
    tls: TLSFiles | None = None
    console: console_ui.Console | None = None
    _on_close: list[Callable[[], None]] = dataclasses.field(default_factory=list)

    @property
    def console_url(self) -> str:
        """The browser console (`/console/` on the API's host and port)."""
        return f"{self.api.scheme}://{self.api.host}:{self.api.port}{console_ui.PATH}/"

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
        loop_limit: int = DEFAULT_LOOP_LIMIT,
        tls: bool = False,
        keep_alive: int = server.KEEP_ALIVE,
        build_now: bool = True,
    ) -> Stack:
        """Start everything. `build_now`: pack and build every function at start, as Appwrite
        builds a deployment when it is created (`serve`); False leaves each to its first
        execution (the test client: a test usually runs few of a project's functions)."""
        manifest = load_manifest(manifest_path)
        own = data_dir is None
        if data_dir is None:
            data_dir = tempfile.mkdtemp(prefix="appwrite-emulator-")
        data = pathlib.Path(data_dir).resolve()
        if reset and data.exists():
            shutil.rmtree(data)
        private_folder(data)  # 0700: credentials.json, the database, the workers' files
        state = EmulatorState.open(data / "db", project_id=manifest.project_id)
        provision(state, manifest)
        provision_buckets(state, manifest)
        app = create_app(state)
        requests = console_ui.RequestLog()
        app.add_middleware(console_ui.RequestMonitor, log=requests)
        state.subscribe(console_ui.EventRecorder())
        certificates = ensure_certificates(data / "tls", hosts=[host]) if tls else None
        api = server.start(
            state, host=host, port=port, app=app, tls=certificates, keep_alive=keep_alive
        )
        executions = ExecutionsService.start(
            state,
            manifest,
            workdir=data / "runtime",
            endpoint=api.endpoint,
            loop_limit=loop_limit,
            realtime_cron=realtime_cron,
            extra_env=certificates.env() if certificates else None,
        )
        app.state.executions = executions
        if build_now:
            executions.runner.prepare_all()  # every function's runtime-env, as Appwrite builds it
        app.state.traffic.locator = WorkerLocator(executions.runner)
        public = [f.id for f in manifest.functions if {"any", "guests"} & set(f.execute)]
        sockets, ports = [], {}
        for index, function_id in enumerate(public, 1):
            # an explicit IPPROTO_TCP: asyncio sets TCP_NODELAY only then
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((host, api.port + index if port else 0))
            sock.listen(128)
            sockets.append(sock)
            ports[sock.getsockname()[1]] = function_id
        gateway = gateway_thread = None
        if sockets:
            config = server.uvicorn_config(
                FunctionURLs(executions.runner, ports), tls=certificates, keep_alive=keep_alive
            )
            gateway = uvicorn.Server(config)
            gateway_thread = threading.Thread(
                target=gateway.run, kwargs={"sockets": sockets}, name="function-urls", daemon=True
            )
            gateway_thread.start()
            while not gateway.started and gateway_thread.is_alive():
                threading.Event().wait(0.01)
        urls = {fid: f"{api.scheme}://{host}:{p}" for p, fid in ports.items()}
        console = console_ui.Console(
            state,
            manifest,
            console_ui.ConsoleAPI(app, state.project_id, state.admin_key),
            requests,
            api.endpoint,
            urls,
            executions=executions,
            allow_remote=not _loopback(host),
        )
        console_ui.mount(app, console)
        stack = cls(state, manifest, api, executions, urls, data, gateway, gateway_thread, own)
        stack.tls = certificates
        stack.console = console
        stack.write_credentials()
        return stack

    def credentials(self) -> dict:
        found = {
            "endpoint": self.endpoint,
            "projectId": self.project_id,
            "apiKey": self.api_key,
            "functions": dict(self.function_urls),
        }
        if self.tls is not None:
            found["tls"] = {"ca": str(self.tls.ca), "trust": str(self.tls.trust)}
        return found

    def write_credentials(self) -> pathlib.Path:
        """Write credentials.json atomically (a reader never sees half of it), mode 600: it
        holds the admin API key."""
        path = self.data_dir / CREDENTIALS_FILE
        partial = path.with_name(f".{CREDENTIALS_FILE}.partial")
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(json.dumps(self.credentials(), indent=2) + "\n")
        os.replace(partial, path)
        return path

    def on_close(self, callback: Callable[[], None]) -> None:
        """Call `callback()` when the stack starts closing, while its data is still there
        (the secret scan reads the stored executions then)."""
        self._on_close.append(callback)

    def close(self) -> None:
        if self.console is not None:
            self.console.closing.set()  # ends its live streams, so the server can stop
        for callback in self._on_close:
            callback()
        self._on_close.clear()
        if self._gateway is not None:
            self._gateway.should_exit = True
            self._gateway_thread.join(10)
        self.executions.close()
        self.api.stop()  # in-flight writes finish, their events still queued
        self.executions.detach()
        (self.data_dir / CREDENTIALS_FILE).unlink(missing_ok=True)
        if self._own_data_dir:
            shutil.rmtree(self.data_dir, ignore_errors=True)

    def __enter__(self) -> Stack:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _loopback(host: str) -> bool:
    import ipaddress

    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return host == "localhost"
