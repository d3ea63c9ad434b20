"""Run the emulator's API over real HTTP with uvicorn, in a background thread.

    running = start(EmulatorState.open(data_dir, "my-project"))   # or start(state, app=...)
    client.set_endpoint(running.endpoint)
    running.stop()

Binds 127.0.0.1; `port=0` picks a free port (read it back from `running.port`). The app
is served inside `FaultInjection` (emulator-only fault injection, off until the admin key
adds a rule).
"""

from __future__ import annotations

import socket
import threading
from dataclasses import dataclass

import uvicorn
from starlette.applications import Starlette

from emulator.app import create_app
from emulator.core.state import EmulatorState
from emulator.http.faults import FaultInjection, FaultTable


@dataclass
class RunningServer:
    state: EmulatorState
    app: Starlette
    host: str
    port: int
    _server: uvicorn.Server
    _thread: threading.Thread
    faults: FaultTable | None = None  # the injected faults (`POST /v1/emulator/faults`)

    @property
    def endpoint(self) -> str:
        """The SDK endpoint, `/v1` included."""
        return f"http://{self.host}:{self.port}/v1"

    def stop(self, timeout: float = 10.0) -> None:
        self._server.should_exit = True
        self._thread.join(timeout)


def start(
    state: EmulatorState,
    host: str = "127.0.0.1",
    port: int = 0,
    app: Starlette | None = None,
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
    config = uvicorn.Config(faults, log_level="warning", access_log=False, lifespan="off")
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
        faults=faults.table,
    )
