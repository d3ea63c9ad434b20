"""The executor: starts or reuses one worker process per deployment and sends it one
request at a time, as Appwrite's executor does with open-runtimes containers
(reference appwrite-runtime.md §1.4, §3.1, §6).

    dep = Deployment("accounts", root=Path("deploy/accounts"), entrypoint="src/main.py")
    with Executor() as executor:
        result = executor.execute(dep, method="GET", path="/health")
        result.status_code, result.body, result.headers, result.logs, result.errors, result.duration

Workers stay warm between executions (module globals persist). When `Deployment.watch`
is set, the executor fingerprints that folder before each execution; a change re-creates
the deployment (`Deployment.refresh`), builds it again (`Deployment.build`, which returns
the `Environment` to run on: the function's runtime-env, see emulator/packaging) and
restarts the worker. A failed build fails the function's executions with its log.

The request to the worker is the one Appwrite's executor makes with curl
(open-runtimes/executor `Docker.php`): its `Host` and `Accept: */*`, the caller's
headers, `Authorization: Basic …`, and a body only when it is neither empty nor "0"
(with curl's default `content-type` for a body). A worker never outlives the emulator:
it exits when the pipe the executor holds open closes (see worker.py).
"""

from __future__ import annotations

import base64
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
import urllib.parse
from collections.abc import Callable

WORKER_SCRIPT = pathlib.Path(__file__).with_name("worker.py")
LOG_FILE_LIMIT = 5 * 1024 * 1024
LOG_FILE_TRUNCATED = "\nLog file has been truncated to 5.00MB."
LOG_FILE_TRUNCATED_ERRORS = "\nError file has been truncated to 5.00MB."
CURL_ERROR = "Internal curl error has occurred within the executor! Error Number: {}"
# Not an open-runtimes header: the emulator's controllable clock (worker.py).
NOW_HEADER = "x-open-runtimes-emulator-now"
# Variables a worker inherits from the emulator's environment; everything else is set
# explicitly, as a container's environment is.
INHERITED_ENV = ("PATH", "HOME", "LANG", "LC_ALL", "TZ", "TMPDIR", "SYSTEMROOT")


class ColdStartError(RuntimeError):
    """The worker process did not come up (it exited or did not listen in time)."""


class BuildFailed(RuntimeError):
    """The deployment's build failed; its executions fail with this message."""


@dataclasses.dataclass(frozen=True)
class Environment:
    """What a deployment runs on, as its build left it."""

    python: pathlib.Path  # the runtime-env's python
    root: pathlib.Path | None = None  # serve this built copy instead of `Deployment.root`
    clock_support: pathlib.Path | None = None  # time-machine for this python (the clock)


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
    # Builds `root` (the open-runtimes build step); None: run `root` on `python` as it is.
    build: Callable[[pathlib.Path], Environment] | None = None


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
        state: tuple,
        started: float,
        lifeline: int,
    ):
        self.process = process
        self.port = port
        self.secret = secret
        self.logs_dir = logs_dir
        self.home = home
        self.state = state  # (fingerprint, deployment) it was started for
        self.started = started
        self.lifeline = lifeline  # write end of the pipe the worker watches

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        if self.lifeline >= 0:
            os.close(self.lifeline)
            self.lifeline = -1
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.home, ignore_errors=True)


_UNWATCHED_DIRS = frozenset(("__pycache__", ".git", "runtime-env"))


def fingerprint(folder: pathlib.Path) -> str:
    """Cheap change detector: relative path, size and mtime of every file (symlinks
    followed, caches skipped), files of a folder before its sub-folders, each in name order.
    It runs before every execution of a watched deployment: `os.scandir` rather than
    `os.walk` + `os.path.relpath` (a third of the cost)."""
    parts: list[str] = []

    def walk(path: str, prefix: str) -> None:
        try:
            entries = sorted(os.scandir(path), key=lambda entry: entry.name)
        except OSError:
            return
        folders = []
        for entry in entries:
            try:
                if entry.is_dir():  # follows symlinks, as the file's stat below does
                    if entry.name not in _UNWATCHED_DIRS:
                        folders.append(entry)
                    continue
                if entry.name.endswith((".pyc", ".pyo")):
                    continue
                st = entry.stat()
            except OSError:  # gone meanwhile, or a broken symlink
                continue
            parts.append(f"{prefix}{entry.name}:{st.st_size}:{st.st_mtime_ns}")
        for entry in folders:
            walk(entry.path, f"{prefix}{entry.name}/")

    walk(os.fspath(folder), "")
    return "\n".join(parts)


class Executor:
    """Runs executions in warm worker processes, one per function id."""

    def __init__(self, workdir: pathlib.Path | None = None, start_timeout: float = 30.0):
        self._own_workdir = workdir is None
        # Absolute: workers run in their own cwd and are handed paths inside it.
        self.workdir = pathlib.Path(
            workdir or tempfile.mkdtemp(prefix="appwrite-executor-")
        ).resolve()
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.start_timeout = start_timeout
        self._workers: dict[str, _Worker] = {}
        self._prepared: dict[str, tuple[tuple, Environment | BuildFailed]] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()
        # Rewrites a worker's command line (function id, argv) → argv before it starts, to
        # run it under a profiler or a tracer (bench/first_request.py counts a first
        # request's instructions under valgrind); None starts it as it is.
        self.wrap_worker: Callable[[str, list[str]], list[str]] | None = None

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
        if body == b"0":
            body = b""  # Appwrite's executor drops it (`in_array($payload, [null, '', '0'])`)
        timeout = timeout or deployment.timeout
        started = time.perf_counter()
        try:
            worker, cold = self._worker_for(deployment)
        except BuildFailed as e:
            return ExecutionResult(500, b"", {}, "", str(e), time.perf_counter() - started)
        cold_seconds = time.perf_counter() - started if cold else 0.0
        # What the function may still use after its cold start, at least one second.
        runtime_timeout = max(1, int(timeout - cold_seconds))
        own = {
            "x-open-runtimes-logging": "enabled" if deployment.logging else "disabled",
            "Authorization": "Basic " + base64.b64encode(f"opr:{worker.secret}".encode()).decode(),
            "x-open-runtimes-secret": worker.secret,
            "x-open-runtimes-timeout": str(runtime_timeout),
        }
        if now is not None:
            own[NOW_HEADER] = now.isoformat()
        # Appwrite's executor reaches the container by its hostname on port 3000.
        request_headers = curl_headers(headers or {}, own, body, host=f"{worker.home.name}:3000")
        connection = http.client.HTTPConnection("127.0.0.1", worker.port, timeout=timeout + 5)
        try:
            connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
            for key, value in request_headers:
                connection.putheader(key, value)
            connection.endheaders(body or None)
            response = connection.getresponse()
            payload = response.read()
            status = response.status
            response_headers = {}
            for key, value in response.getheaders():
                response_headers.setdefault(key.lower(), value)
        except (TimeoutError, OSError, http.client.HTTPException) as e:
            if isinstance(e, TimeoutError) or not worker.alive():
                # The executor's own limit (timeout + 5 s): the worker is stuck; or it is gone.
                self._discard(deployment.function_id, worker)
            duration = time.perf_counter() - started
            message = CURL_ERROR.format(_curl_error(e))
            return ExecutionResult(500, b"", {}, "", message, duration, cold)
        finally:
            connection.close()
        duration = time.perf_counter() - started
        log_id = urllib.parse.unquote(response_headers.get("x-open-runtimes-log-id", ""))
        logs = errors = ""
        if log_id and "/" not in log_id and log_id not in (".", ".."):
            logs = _read_log(worker.logs_dir / f"{log_id}_logs.log")
            errors = _read_log(worker.logs_dir / f"{log_id}_errors.log", LOG_FILE_TRUNCATED_ERRORS)
        for key in [k for k in response_headers if k.startswith("x-open-runtimes-")]:
            del response_headers[key]
        return ExecutionResult(status, payload, response_headers, logs, errors, duration, cold)

    def prepare(self, deployment: Deployment) -> Environment | BuildFailed:
        """Pack and build the deployment now (without starting its worker), as Appwrite
        builds a deployment when it is created; the first execution then only starts it."""
        with self._lock(deployment.function_id):
            return self._prepare(deployment, _state(deployment))

    def warm(self, deployment: Deployment) -> bool:
        """Start the worker now if it is not running; returns True if it was started."""
        return self._worker_for(deployment)[1]

    def worker_port(self, function_id: str) -> int | None:
        """The loopback port of a running worker (for diagnostics and protocol tests)."""
        worker = self._workers.get(function_id)
        return worker.port if worker and worker.alive() else None

    def worker_secret(self, function_id: str) -> str | None:
        """The `x-open-runtimes-secret` a running worker expects (for protocol tests)."""
        worker = self._workers.get(function_id)
        return worker.secret if worker and worker.alive() else None

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

    def _discard(self, function_id: str, only: _Worker | None = None) -> None:
        with self._guard:
            worker = self._workers.get(function_id)
            if worker is None or (only is not None and worker is not only):
                return
            del self._workers[function_id]
        worker.stop()

    def _worker_for(self, deployment: Deployment) -> tuple[_Worker, bool]:
        with self._lock(deployment.function_id):
            worker = self._workers.get(deployment.function_id)
            state = _state(deployment)
            if worker and worker.alive() and worker.state == state:
                return worker, False
            if worker:
                self._discard(deployment.function_id)
            environment = self._prepare(deployment, state)
            if isinstance(environment, BuildFailed):
                raise environment
            worker = self._start(deployment, environment, state)
            with self._guard:
                self._workers[deployment.function_id] = worker
            return worker, True

    def _prepare(self, deployment: Deployment, state: tuple) -> Environment | BuildFailed:
        """Refresh and build the deployment unless already done for this state of its source."""
        known = self._prepared.get(deployment.function_id)
        if known is not None and known[0] == state:
            return known[1]
        if deployment.refresh:
            deployment.refresh()
        elif known is not None:
            _purge_bytecode(pathlib.Path(deployment.root))
        result: Environment | BuildFailed
        if deployment.build is None:
            result = Environment(pathlib.Path(deployment.python or sys.executable))
        else:
            try:
                result = deployment.build(pathlib.Path(deployment.root))
            except Exception as e:  # a failed build fails this function only, as on Appwrite
                result = BuildFailed(
                    f"The build of this deployment failed, so it cannot run:\n{e}".rstrip()
                )
        self._prepared[deployment.function_id] = (state, result)
        return result

    def _start(self, deployment: Deployment, environment: Environment, state: tuple) -> _Worker:
        # Named like the runtime's 32-hex hostname, which is also the `host` it is called by.
        home = self.workdir / secrets.token_hex(16)
        home.mkdir()
        src = home / "src"
        logs = home / "logs"
        src.mkdir()
        logs.mkdir()
        # The container layout: <src>/function is the deployment root, cwd is <src>.
        (src / "function").symlink_to(
            pathlib.Path(environment.root or deployment.root).resolve(), target_is_directory=True
        )
        secret = secrets.token_hex(16)
        env = {k: os.environ[k] for k in INHERITED_ENV if k in os.environ}
        env.update({k: str(v) for k, v in deployment.env.items()})
        python = environment.python
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
        # The worker exits when this pipe closes: when we stop it, or when this process
        # dies in any way (SIGKILL included), so no worker is ever left behind.
        watched, lifeline = os.pipe()
        argv = [str(python), "-I", str(WORKER_SCRIPT), "--ready-file", str(ready)]
        argv += ["--logs-dir", str(logs), "--parent-pipe", str(watched)]
        if environment.clock_support is not None:
            argv += ["--clock-support", str(environment.clock_support)]
        if self.wrap_worker is not None:
            argv = self.wrap_worker(deployment.function_id, argv)
        started = time.perf_counter()
        try:
            with open(home / "stdout.log", "wb") as output:
                process = subprocess.Popen(
                    argv,
                    cwd=src,
                    env=env,
                    stdin=subprocess.DEVNULL,
                    stdout=output,
                    stderr=subprocess.STDOUT,
                    pass_fds=(watched,),
                )
        except OSError:
            os.close(lifeline)
            raise
        finally:
            os.close(watched)
        deadline = time.monotonic() + self.start_timeout
        while not ready.exists():
            if process.poll() is not None:
                os.close(lifeline)
                output = (home / "stdout.log").read_text(errors="replace")[-4000:]
                shutil.rmtree(home, ignore_errors=True)
                raise ColdStartError(
                    f"worker for {deployment.function_id} exited "
                    f"with {process.returncode}: {output}"
                )
            if time.monotonic() > deadline:
                os.close(lifeline)
                process.kill()
                process.wait()
                shutil.rmtree(home, ignore_errors=True)
                raise ColdStartError(
                    f"worker for {deployment.function_id} did not start in {self.start_timeout}s"
                )
            time.sleep(0.002)
        port = int(ready.read_text())
        return _Worker(process, port, secret, logs, home, state, started, lifeline)


def _state(deployment: Deployment) -> tuple:
    """What a worker and a build depend on: the source's fingerprint and the deployment."""
    current = fingerprint(deployment.watch) if deployment.watch else None
    return (current, id(deployment), str(deployment.root), str(deployment.python))


def curl_headers(
    caller: dict[str, str], own: dict[str, str], body: bytes, *, host: str
) -> list[tuple[str, str]]:
    """The header lines Appwrite's executor sends the runtime (EX Docker.php, libcurl).

    curl's `Host` and `Accept: */*` unless the caller sent them; the caller's headers
    (less any `x-open-runtimes-*`) with the executor's own set over them by exact name
    (a PHP array: a caller's lower-case `authorization` stays, and comes first, next to
    `Authorization: Basic`); `Content-Length` and curl's default `Content-Type` only when
    there is a body.
    """
    # The runtime's own headers come from the executor only: a caller's would set the
    # secret, timeout, log file name or the emulator's clock.
    caller = {k: v for k, v in caller.items() if not k.lower().startswith("x-open-runtimes-")}
    names = {key.lower() for key in caller}
    lines = []
    if "host" not in names:
        lines.append(("Host", host))
    if "accept" not in names:
        lines.append(("Accept", "*/*"))
    merged = dict(caller)
    merged.update(own)
    lines.extend(
        (key, value)
        for key, value in merged.items()
        if key.lower() not in ("content-length", "transfer-encoding")
    )
    if body:
        lines.append(("Content-Length", str(len(body))))
        if "content-type" not in names:
            lines.append(("Content-Type", "application/x-www-form-urlencoded"))
    return lines


def _curl_error(error: Exception) -> int:
    """The curl error number Appwrite's executor reports for a failed request."""
    if isinstance(error, TimeoutError):
        return 28  # CURLE_OPERATION_TIMEDOUT
    if isinstance(error, ConnectionRefusedError):
        return 7  # CURLE_COULDNT_CONNECT
    if isinstance(error, http.client.RemoteDisconnected):
        return 52  # CURLE_GOT_NOTHING
    if isinstance(error, http.client.HTTPException):
        return 1  # curl gives up on a status line it cannot read
    return 56  # CURLE_RECV_ERROR


def _purge_bytecode(root: pathlib.Path) -> None:
    """Drop the deployment's own bytecode caches: an edit within the same second that
    keeps a file's size would otherwise be served from a stale .pyc."""
    for dirpath, dirnames, _ in os.walk(root):
        dirnames[:] = [d for d in dirnames if d != "runtime-env"]
        if "__pycache__" in dirnames:
            shutil.rmtree(os.path.join(dirpath, "__pycache__"), ignore_errors=True)
            dirnames.remove("__pycache__")


def _read_log(path: pathlib.Path, truncated: str = LOG_FILE_TRUNCATED) -> str:
    try:
        with open(path, "rb") as f:
            data = f.read(LOG_FILE_LIMIT + 1)
    except FileNotFoundError:
        return ""
    with contextlib.suppress(OSError):
        path.unlink()
    text = data[:LOG_FILE_LIMIT].decode("utf-8", "replace")
    if len(data) > LOG_FILE_LIMIT:
        text += truncated
    return text
