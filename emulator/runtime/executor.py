"""The executor: starts or reuses one worker process per deployment and sends it one
request at a time, as Appwrite's executor does with open-runtimes containers
(reference appwrite-runtime.md §1.4, §3.1, §6).

    dep = Deployment("accounts", root=Path("deploy/accounts"), entrypoint="src/main.py")
    with Executor() as executor:
        result = executor.execute(dep, method="GET", path="/health")
        result.status_code, result.body, result.headers, result.logs, result.errors, result.duration

Workers stay warm between executions (module globals persist). When `Deployment.watch`
is set, the executor fingerprints that folder before each execution; a change re-creates
the deployment (`Deployment.refresh`) and restarts the worker.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import http.client
import os
import pathlib
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable

from .context import generate_log_id

WORKER_SCRIPT = pathlib.Path(__file__).with_name("worker.py")
LOG_FILE_LIMIT = 5 * 1024 * 1024
LOG_FILE_TRUNCATED = "\nLog file has been truncated to 5.00MB."
# Variables a worker inherits from the emulator's environment; everything else is set
# explicitly, as a container's environment is.
INHERITED_ENV = ("PATH", "HOME", "LANG", "LC_ALL", "TZ", "TMPDIR", "SYSTEMROOT")


class ColdStartError(RuntimeError):
    """The worker process did not come up (it exited or did not listen in time)."""


@dataclasses.dataclass
class Deployment:
    """What a worker runs: an extracted deployment root and how to start it."""

    function_id: str
    root: pathlib.Path
    entrypoint: str
    python: pathlib.Path | None = None  # the deployment's interpreter; None = this one
    env: dict[str, str] = dataclasses.field(
        default_factory=dict
    )  # APPWRITE_FUNCTION_* and variables
    timeout: int = 15
    logging: bool = True
    watch: pathlib.Path | None = None  # source folder: a change restarts the worker
    refresh: Callable[[], None] | None = None  # re-creates `root` from `watch`


@dataclasses.dataclass
class ExecutionResult:
    status_code: int
    body: bytes
    headers: dict[str, str]
    logs: str
    errors: str
    duration: float  # seconds, request sent → response read (cold start included)
    cold_start: bool = False

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class _Worker:
    def __init__(
        self,
        process: subprocess.Popen,
        port: int,
        secret: str,
        logs_dir: pathlib.Path,
        home: pathlib.Path,
        fingerprint: str | None,
        started: float,
    ):
        self.process = process
        self.port = port
        self.secret = secret
        self.logs_dir = logs_dir
        self.home = home
        self.fingerprint = fingerprint
        self.started = started

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.home, ignore_errors=True)


def fingerprint(folder: pathlib.Path) -> str:
    """Cheap change detector: relative path, size and mtime of every file (symlinks
    followed, caches skipped)."""
    parts = []
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=True):
        dirnames[:] = sorted(d for d in dirnames if d not in ("__pycache__", ".git", "runtime-env"))
        for name in sorted(filenames):
            if name.endswith((".pyc", ".pyo")):
                continue
            path = os.path.join(dirpath, name)
            try:
                st = os.stat(path)
            except OSError:
                continue
            parts.append(f"{os.path.relpath(path, folder)}:{st.st_size}:{st.st_mtime_ns}")
    return "\n".join(parts)


class Executor:
    """Runs executions in warm worker processes, one per function id."""

    def __init__(self, workdir: pathlib.Path | None = None, start_timeout: float = 30.0):
        self._own_workdir = workdir is None
        # Absolute: workers run in their own cwd and are handed paths inside it.
        self.workdir = pathlib.Path(
            workdir or tempfile.mkdtemp(prefix="newsroom-executor-")
        ).resolve()
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.start_timeout = start_timeout
        self._workers: dict[str, _Worker] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- public API -----------------------------------------------------------------------
    def execute(
        self,
        deployment: Deployment,
        *,
        method: str = "POST",
        path: str = "/",
        headers: dict[str, str] | None = None,
        body: bytes | str = b"",
        timeout: int | None = None,
        now: datetime.datetime | None = None,
    ) -> ExecutionResult:
        """Send one request to the deployment's worker (starting it if needed).
        `now` runs the execution with the worker's clock moved to that moment."""
        if isinstance(body, str):
            body = body.encode("utf-8")
        timeout = timeout or deployment.timeout
        started = time.perf_counter()
        worker, cold = self._worker_for(deployment)
        cold_seconds = time.perf_counter() - started if cold else 0.0
        log_id = generate_log_id()
        # What the function may still use after its cold start, at least one second.
        runtime_timeout = max(1, int(timeout - cold_seconds))
        request_headers = dict((headers or {}).items())
        request_headers.update(
            {
                "x-open-runtimes-secret": worker.secret,
                "x-open-runtimes-timeout": str(runtime_timeout),
                "x-open-runtimes-logging": "enabled" if deployment.logging else "disabled",
                "x-open-runtimes-log-id": log_id,
                "content-length": str(len(body)),
            }
        )
        if now is not None:
            request_headers["x-open-runtimes-emulator-now"] = now.isoformat()
        if "host" not in {k.lower() for k in request_headers}:
            # Appwrite's executor reaches the container by its hostname on port 3000.
            request_headers["host"] = f"{worker.home.name}:3000"
        connection = http.client.HTTPConnection("127.0.0.1", worker.port, timeout=timeout + 5)
        try:
            connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
            for key, value in request_headers.items():
                connection.putheader(key, value)
            connection.endheaders(body)
            response = connection.getresponse()
            payload = response.read()
            status = response.status
            response_headers = {}
            for key, value in response.getheaders():
                response_headers.setdefault(key.lower(), value)
        except (TimeoutError, OSError, http.client.HTTPException) as e:
            # The executor's own limit (timeout + 5 s): the worker is stuck or gone.
            self._discard(deployment.function_id)
            duration = time.perf_counter() - started
            message = (
                f"Operation timed out after {timeout + 5} seconds"
                if isinstance(e, TimeoutError)
                else f"Worker failed: {e}"
            )
            return ExecutionResult(500, b"", {}, "", message, duration, cold)
        finally:
            connection.close()
        duration = time.perf_counter() - started
        logs = _read_log(worker.logs_dir / f"{log_id}_logs.log")
        errors = _read_log(worker.logs_dir / f"{log_id}_errors.log")
        for key in [k for k in response_headers if k.startswith("x-open-runtimes-")]:
            del response_headers[key]
        return ExecutionResult(status, payload, response_headers, logs, errors, duration, cold)

    def warm(self, deployment: Deployment) -> bool:
        """Start the worker now if it is not running; returns True if it was started."""
        return self._worker_for(deployment)[1]

    def worker_port(self, function_id: str) -> int | None:
        """The loopback port of a running worker (for diagnostics and protocol tests)."""
        worker = self._workers.get(function_id)
        return worker.port if worker and worker.alive() else None

    def worker_pid(self, function_id: str) -> int | None:
        """The process id of a running worker (for memory measurements)."""
        worker = self._workers.get(function_id)
        return worker.process.pid if worker and worker.alive() else None

    def worker_pids(self) -> dict[int, str]:
        """Process id → function id of every running worker."""
        with self._guard:
            workers = list(self._workers.items())
        return {w.process.pid: fid for fid, w in workers if w.alive()}

    def stop(self, function_id: str) -> None:
        """Stop a function's worker (the next execution cold-starts)."""
        self._discard(function_id)

    def close(self) -> None:
        with self._guard:
            workers, self._workers = list(self._workers.values()), {}
        for worker in workers:
            worker.stop()
        if self._own_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)

    # -- workers ----------------------------------------------------------------------------
    def _lock(self, function_id: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(function_id, threading.Lock())

    def _discard(self, function_id: str) -> None:
        with self._guard:
            worker = self._workers.pop(function_id, None)
        if worker:
            worker.stop()

    def _worker_for(self, deployment: Deployment) -> tuple[_Worker, bool]:
        with self._lock(deployment.function_id):
            worker = self._workers.get(deployment.function_id)
            current = fingerprint(deployment.watch) if deployment.watch else None
            if worker and worker.alive() and worker.fingerprint == current:
                return worker, False
            if worker:
                self._discard(deployment.function_id)
            if deployment.refresh:
                deployment.refresh()
            elif worker is not None:
                _purge_bytecode(pathlib.Path(deployment.root))
            worker = self._start(deployment, current)
            with self._guard:
                self._workers[deployment.function_id] = worker
            return worker, True

    def _start(self, deployment: Deployment, current: str | None) -> _Worker:
        # Named like the runtime's 32-hex hostname, which is also the `host` it is called by.
        home = self.workdir / secrets.token_hex(16)
        home.mkdir()
        src = home / "src"
        logs = home / "logs"
        src.mkdir()
        logs.mkdir()
        # The container layout: <src>/function is the deployment root, cwd is <src>.
        (src / "function").symlink_to(
            pathlib.Path(deployment.root).resolve(), target_is_directory=True
        )
        secret = secrets.token_hex(16)
        env = {k: os.environ[k] for k in INHERITED_ENV if k in os.environ}
        env.update({k: str(v) for k, v in deployment.env.items()})
        python = pathlib.Path(deployment.python or sys.executable)
        venv = python.parent.parent
        if (venv / "pyvenv.cfg").exists():
            env["VIRTUAL_ENV"] = str(venv)
            env["PATH"] = f"{python.parent}{os.pathsep}{env.get('PATH', '')}"
        env.update(
            {
                "OPEN_RUNTIMES_SECRET": secret,
                "OPEN_RUNTIMES_ENTRYPOINT": deployment.entrypoint,
                "OPEN_RUNTIMES_ENV": "production",
                "OPEN_RUNTIMES_HEADERS": "{}",
                "OPEN_RUNTIMES_HOSTNAME": home.name,
                "OPEN_RUNTIMES_CPUS": env.get("APPWRITE_FUNCTION_CPUS", "1"),
                "OPEN_RUNTIMES_MEMORY": env.get("APPWRITE_FUNCTION_MEMORY", "512"),
                "PYTHONUNBUFFERED": "1",
            }
        )
        ready = home / "ready"
        started = time.perf_counter()
        # The worker writes to its own copy of the descriptor; ours closes once it has started.
        with open(home / "stdout.log", "wb") as stdout:
            process = subprocess.Popen(
                [
                    str(python),
                    "-I",
                    str(WORKER_SCRIPT),
                    "--ready-file",
                    str(ready),
                    "--logs-dir",
                    str(logs),
                ],
                cwd=src,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=stdout,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + self.start_timeout
        while not ready.exists():
            if process.poll() is not None:
                output = (home / "stdout.log").read_text(errors="replace")[-4000:]
                shutil.rmtree(home, ignore_errors=True)
                raise ColdStartError(
                    f"worker for {deployment.function_id} exited with {process.returncode}: "
                    f"{output}"
                )
            if time.monotonic() > deadline:
                process.kill()
                shutil.rmtree(home, ignore_errors=True)
                raise ColdStartError(
                    f"worker for {deployment.function_id} did not start in {self.start_timeout}s"
                )
            time.sleep(0.002)
        port = int(ready.read_text())
        return _Worker(process, port, secret, logs, home, current, started)


def _purge_bytecode(root: pathlib.Path) -> None:
    """Drop the deployment's own bytecode caches: an edit within the same second that
    keeps a file's size would otherwise be served from a stale .pyc."""
    for dirpath, dirnames, _ in os.walk(root):
        dirnames[:] = [d for d in dirnames if d != "runtime-env"]
        if "__pycache__" in dirnames:
            shutil.rmtree(os.path.join(dirpath, "__pycache__"), ignore_errors=True)
            dirnames.remove("__pycache__")


def _read_log(path: pathlib.Path) -> str:
    try:
        with open(path, "rb") as f:
            data = f.read(LOG_FILE_LIMIT + 1)
    except FileNotFoundError:
        return ""
    with contextlib.suppress(OSError):
        path.unlink()
    text = data[:LOG_FILE_LIMIT].decode("utf-8", "replace")
    if len(data) > LOG_FILE_LIMIT:
        text += LOG_FILE_TRUNCATED
    return text
