"""Run the emulator's API over real HTTP with uvicorn, in a background thread.

    running = start(EmulatorState.open(data_dir, "my-project"))   # or start(state, app=...)
    client.set_endpoint(running.endpoint)
    running.stop()

Binds 127.0.0.1; `port=0` picks a free port (read it back from `running.port`). The app
is served inside `FaultInjection` (emulator-only fault injection, off until the admin key
adds a rule). `tls=` (an `emulator.http.tls.TLSFiles`) serves HTTPS; `keep_alive` is how
long an idle connection stays open (seconds; Appwrite closes idle connections too).
"""

from __future__ import annotations

import socket
import threading
from dataclasses import dataclass

import uvicorn
from starlette.applications import Starlette

from emulator.app import create_app
from emulator.core.state import EmulatorState
from emulator.http.coalesce import coalescing_protocol
from emulator.http.faults import FaultInjection, FaultTable
from emulator.http.tls import TLSFiles
from emulator.http.traffic import counting_protocol

KEEP_ALIVE = 5  # seconds an idle connection stays open (uvicorn's default)


@dataclass
class RunningServer:
    state: EmulatorState
    app: Starlette
    host: str
    port: int
    _server: uvicorn.Server
    _thread: threading.Thread
    tls: TLSFiles | None = None
    faults: FaultTable | None = None  # the injected faults (`POST /v1/emulator/faults`)

    @property
    def scheme(self) -> str:
        return "https" if self.tls else "http"

    @property
    def endpoint(self) -> str:
        """The SDK endpoint, `/v1` included."""
        return f"{self.scheme}://{self.host}:{self.port}/v1"

    def stop(self, timeout: float = 10.0) -> None:
        self._server.should_exit = True
        self._thread.join(timeout)


def start(
    state: EmulatorState,
    host: str = "127.0.0.1",
    port: int = 0,
    app: Starlette | None = None,
    *,
    tls: TLSFiles | None = None,
    keep_alive: int = KEEP_ALIVE,
) -> RunningServer:
    """Start serving and return once the socket accepts connections.

    `app` is the ASGI app to serve (default: the emulator's API for `state`, with no
    executions service; `emulator.stack` serves one with functions).
    """
    # an explicit IPPROTO_TCP: asyncio sets TCP_NODELAY only then (no 40 ms keep-alive stalls)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    bound_port = sock.getsockname()[1]
    app = app if app is not None else create_app(state)
    # Outermost, so an injected "drop" can close the connection itself (emulator/http/faults.py).
    faults = FaultInjection(app, admin_key=state.admin_key, project_id=state.project_id)
    traffic = getattr(app.state, "traffic", None)
    config = uvicorn_config(faults, tls=tls, keep_alive=keep_alive, traffic=traffic)
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="emulator-api", daemon=True
    )
    thread.start()
    pause = threading.Event()
    while not server.started and thread.is_alive():
        pause.wait(0.01)
    if not server.started:
        raise RuntimeError("the emulator API server failed to start")
    return RunningServer(
        state=state,
        app=app,
        host=host,
        port=bound_port,
        _server=server,
        _thread=thread,
        tls=tls,
        faults=faults.table,
    )


def uvicorn_config(
    app, *, tls: TLSFiles | None = None, keep_alive: int = KEEP_ALIVE, traffic=None
) -> uvicorn.Config:
    """How the emulator runs an ASGI app: quiet, over TLS if asked, each response sent in one
    write (http/coalesce.py), and with each connection reported to `traffic` (default:
    `app.state.traffic` when the app has one; http/traffic.py)."""
    from uvicorn.protocols.http.auto import AutoHTTPProtocol

    protocol = coalescing_protocol(AutoHTTPProtocol)  # a response's head and body in one send
    if traffic is None:
        traffic = getattr(getattr(app, "state", None), "traffic", None)
    if traffic is not None:
        protocol = counting_protocol(protocol, traffic)
    options: dict = {"http": protocol}
    if tls is not None:
        options.update(ssl_certfile=str(tls.cert), ssl_keyfile=str(tls.key))
    return uvicorn.Config(
        app,
        log_level="warning",
        access_log=False,
        lifespan="off",
        timeout_keep_alive=keep_alive,
        **options,
    )
