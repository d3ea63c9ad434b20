"""A function worker: one process that serves the open-runtimes HTTP protocol for one
deployment, as an `openruntimes/python` container does (reference appwrite-runtime.md §1–§2).

Run by the executor as ``python -I worker.py --ready-file F --logs-dir D
[--parent-pipe FD] [--clock-support DIR]`` with its cwd set to the folder that holds the
extracted deployment as ``function/`` — the layout of ``/usr/local/server/src`` in the
container — and its python the function's own runtime-env. Standard library only, and
Python 3.8+: it runs under the function's declared interpreter.

Protocol (the runtime's server.py, our own code):
* ``/__opr/health`` → 200 ``OK``; ``/__opr/timings`` → load timings.
* ``x-open-runtimes-secret`` must equal ``OPEN_RUNTIMES_SECRET`` (when that is set);
  ``x-open-runtimes-timeout`` (seconds, > 0) bounds async handlers;
  ``x-open-runtimes-logging: disabled`` turns logs off; the response's
  ``x-open-runtimes-log-id`` names the log files ``<logs-dir>/<id>_logs.log`` and
  ``<id>_errors.log`` the executor reads.
* The entrypoint is imported lazily, on the first execution, as module
  ``function.<entrypoint, dotted>``; it stays loaded (module globals persist) until the
  process ends. Load failures answer 503 and are retried on the next request.
* A body of 20 MiB or more is read and answered 413 (aiohttp's text); the worker stays up.
  The HTTP layer (methods, limits, parse errors) is protocol.py.
* The worker exits as soon as the executor's end of ``--parent-pipe`` closes — when the
  emulator stops it or dies, even by SIGKILL — so no worker outlives the emulator.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime
import importlib
import importlib.util
import io
import json
import os
import pathlib
import re
import sys
import threading
import time
import traceback
import urllib.parse

# Not an open-runtimes header: the emulator's controllable clock (hidden from functions,
# like every x-open-runtimes-* header).
NOW_HEADER = "x-open-runtimes-emulator-now"
_SAFE_LOG_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def _load(name):
    # Loaded by file path under a private name: the worker's own folder is not on sys.path.
    path = pathlib.Path(__file__).with_name(name + ".py")
    spec = importlib.util.spec_from_file_location("_opr_worker_" + name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


ctx = _load("context")
protocol = _load("protocol")


class LoadError(Exception):
    """The entrypoint could not be loaded; the message is the runtime's text."""


class Runtime:
    """Loads the entrypoint once and runs executions on one asyncio loop, like the
    runtime's aiohttp server: a sync `main` blocks the loop, async ones interleave."""

    def __init__(self, entrypoint: str, logs_dir: pathlib.Path, clock: Clock | None = None):
        self.entrypoint = entrypoint
        self.logs_dir = logs_dir
        self.clock = clock or Clock(None)
        self.module = None
        self.timings: dict[str, float] = {}
        self.loop = asyncio.new_event_loop()
        threading.Thread(target=self.loop.run_forever, name="opr-loop", daemon=True).start()

    # -- loading ------------------------------------------------------------------------
    def load(self):
        if self.module is not None:
            return self.module
        entrypoint = self.entrypoint
        if not os.path.exists(os.path.join("function", entrypoint)):
            raise LoadError(f"Failed to load entrypoint, file {entrypoint} does not exist.")
        dotted = entrypoint[:-3] if entrypoint.endswith(".py") else entrypoint
        name = "function." + dotted.replace("/", ".")
        started = time.perf_counter()
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as e:
            raise LoadError(f"Module not found: {e.name}") from e
        except SyntaxError as e:
            raise LoadError(f"Syntax error in {e.filename}:{e.lineno}: {e.msg}") from e
        except Exception as e:  # anything else raised while importing
            raise LoadError("Failed to load module: " + _traceback(e)) from e
        if not callable(getattr(module, "main", None)):
            raise LoadError(
                "Function signature invalid. Did you forget to export a 'main' function?"
            )
        self.timings["import_ms"] = (time.perf_counter() - started) * 1000
        self.module = module
        return module

    # -- one execution --------------------------------------------------------------------
    def handle(self, request):
        """One HTTP request → (status, headers list, body bytes)."""
        path = urllib.parse.unquote(_path_of(request.target) or "")
        if path == "/__opr/health":
            return 200, [("content-type", "text/plain; charset=utf-8")], b"OK"
        if path == "/__opr/timings":
            text = "".join(f"{k}={v:.3f}\n" for k, v in self.timings.items())
            return 200, [("content-type", "text/plain; charset=utf-8")], text.encode()
        if _path_of(request.target) is None:  # `*`, `host:port`: aiohttp's router has no route
            return 404, [("Content-Type", "text/plain; charset=utf-8")], b"404: Not Found"
        future = asyncio.run_coroutine_threadsafe(
            self._handle(
                request.method,
                _origin_form(request.target),
                request.headers,
                request.body,
                request.too_large,
            ),
            self.loop,
        )
        return future.result()

    async def _handle(self, method, target, headers, body, too_large=0):
        first = {}
        for key, value in headers:
            first.setdefault(key.lower(), value)
        enabled = first.get("x-open-runtimes-logging", "") in ("", "enabled")
        log_id = first.get("x-open-runtimes-log-id", "")
        if not _SAFE_LOG_ID.match(log_id):
            log_id = ""  # it names files: nothing that could leave the logs folder
        if enabled and not log_id and os.environ.get("OPEN_RUNTIMES_ENV") == "development":
            log_id = "dev"
        logger = ctx.Logger(enabled=enabled, id=log_id)
        try:
            return await self._action(logger, first, method, target, headers, body, too_large)
        except Exception as e:  # the runtime's handler-level catch: 500, traceback to errors
            logger.write([_traceback(e)], ctx.Logger.TYPE_ERROR)
            self._flush(logger)
            return 500, [("x-open-runtimes-log-id", logger.id)], b""

    async def _action(self, logger, first, method, target, headers, body, too_large):
        timeout = first.get("x-open-runtimes-timeout", "")
        safe_timeout = None
        if timeout:
            if not timeout.isdigit() or int(timeout) == 0:
                return _plain(
                    500, 'Header "x-open-runtimes-timeout" must be an integer greater than 0.'
                )
            safe_timeout = int(timeout)
        secret = os.environ.get("OPEN_RUNTIMES_SECRET", "")
        if secret != "" and first.get("x-open-runtimes-secret", "") != secret:
            return _plain(500, 'Unauthorized. Provide correct "x-open-runtimes-secret" header.')
        if too_large:  # aiohttp's HTTPRequestEntityTooLarge, raised by `await request.read()`
            return _plain(
                413,
                f"Maximum request body size {protocol.MAX_BODY} exceeded, "
                f"actual body size {too_large}",
            )

        context = ctx.Context(logger)
        forced = json.loads(os.environ.get("OPEN_RUNTIMES_HEADERS") or "{}")
        ctx.fill_request(
            context.req,
            method=method,
            target=target,
            headers=headers,
            body=body,
            forced_headers=forced,
        )

        native = io.StringIO()
        sys.stdout = sys.stderr = native
        output = None
        try:
            try:
                module = self.load()
            except LoadError as e:
                context.error(str(e))
                output = context.res.text("", 503, {})
            else:
                with self.clock.at(first.get(NOW_HEADER, ""), context):
                    output = await self._run(module, context, safe_timeout)
        finally:
            sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__
            if native.getvalue():
                logger.write([native.getvalue()], ctx.Logger.TYPE_LOG, native=True)

        if output is None:
            context.error(
                "Return statement missing. return context.res.empty() if no response is expected."
            )
            output = context.res.text("", 500, {})

        output["body"] = output.get("body", "")
        output["statusCode"] = output.get("statusCode", 200)
        output["headers"] = output.get("headers", {})
        status, response_headers, payload = _response(output)
        response_headers.append(("x-open-runtimes-log-id", logger.id))
        self._flush(logger)
        return status, response_headers, payload

    async def _run(self, module, context, safe_timeout):
        async def execute():
            if asyncio.iscoroutinefunction(module.main):
                return await module.main(context)
            return module.main(context)

        try:
            if safe_timeout is None:
                return await execute()
            try:
                return await asyncio.wait_for(execute(), timeout=safe_timeout)
            except asyncio.TimeoutError:  # not the builtin TimeoutError before Python 3.11
                context.error("Execution timed out.")
                return context.res.text("", 500, {})
        except Exception as e:
            context.error(_traceback(e))
            return context.res.text("", 500, {})

    def _flush(self, logger):
        """The execution's logs and errors, each in the file the executor reads once the
        answer is back (and removes). An empty one is not written: the executor reads a
        missing file as empty, and creating a file costs more than the rest of a short
        execution's bookkeeping (two files created and removed per execution)."""
        if not logger.enabled:
            return
        for kind, suffix in (
            (ctx.Logger.TYPE_LOG, "_logs.log"),
            (ctx.Logger.TYPE_ERROR, "_errors.log"),
        ):
            text = logger.text(kind)
            if not text:
                continue
            try:
                with open(self.logs_dir / f"{logger.id}{suffix}", "a", encoding="utf-8") as f:
                    f.write(text)
            except OSError:
                pass  # the runtime swallows log write failures


class Clock:
    """The emulator's controllable clock: runs an execution with a chosen moment as "now".

    time-machine comes from `support` (a folder the emulator fills for this interpreter,
    outside the function's runtime-env) and is imported only when an execution first
    moves the clock, with that folder on sys.path for the import alone: a function cannot
    import it (or its dependencies) before, as it could not on Appwrite. time-machine's
    C patches then look it up in sys.modules, so it stays there. Without `support`, the
    interpreter's own time-machine is used.
    """

    def __init__(self, support):
        self.support = support
        self.module = None

    def _load(self):
        if self.module is not None:
            return self.module
        if not self.support:
            import time_machine

            self.module = time_machine
            return time_machine
        sys.path.insert(0, self.support)
        try:
            import time_machine
        finally:
            sys.path.remove(self.support)
            inside = os.path.realpath(self.support) + os.sep
            for name, module in list(sys.modules.items()):
                origin = getattr(module, "__file__", None) or ""
                keep = name in ("time_machine", "_time_machine")
                if not keep and origin and os.path.realpath(origin).startswith(inside):
                    del sys.modules[name]  # e.g. dateutil (time-machine 2.x): not the function's
        self.module = time_machine
        return time_machine

    @contextlib.contextmanager
    def at(self, moment, context):
        if not moment:
            yield
            return
        try:
            time_machine = self._load()
        except ImportError:
            context.error(f"{NOW_HEADER} ignored: time-machine is not available in this runtime.")
            yield
            return
        with time_machine.travel(datetime.datetime.fromisoformat(moment), tick=True):
            yield


def _traceback(error):
    return "".join(traceback.TracebackException.from_exception(error).format())


def _path_of(target):
    """The path?query of a request target; None for targets that are not a path."""
    if target.startswith("/"):
        return target.split("?", 1)[0]
    if target.lower().startswith(("http://", "https://")):
        return urllib.parse.urlsplit(target).path or "/"
    return None


def _origin_form(target):
    if target.startswith("/"):
        return target
    parts = urllib.parse.urlsplit(target)
    return (parts.path or "/") + ("?" + parts.query if parts.query else "")


def _plain(status, text):
    return status, [("content-type", "text/plain; charset=utf-8")], text.encode("utf-8")


def _response(output):
    """The runtime's response post-processing (reference §1.3), with aiohttp's rules:
    `statusCode` goes through `int()` (so "201" is 201), a body of None is empty, any
    other body that is not text or bytes is an error."""
    body = output["body"]
    if body is None:
        payload = b""
    elif isinstance(body, str):
        payload = body.encode("utf-8")
    elif isinstance(body, (bytes, bytearray, memoryview)):
        payload = bytes(body)
    else:
        raise ValueError(f"Unsupported body type {type(body)!r}")
    status = int(output["statusCode"])
    headers = {}
    for key in output["headers"].keys():  # noqa: SIM118 - `.keys()` is what must exist
        if not key.lower().startswith("x-open-runtimes-"):
            headers[key.lower()] = output["headers"][key]
    content_type = output["headers"].get("content-type", "text/plain").lower()
    if not content_type.startswith("multipart/") and "charset=" not in content_type:
        content_type += "; charset=utf-8"
    headers["content-type"] = content_type
    return status, list(headers.items()), payload


def _watch_parent(fd):
    """Exit as soon as the executor's end of the pipe closes (it stopped us, or died)."""

    def watch():
        try:
            while os.read(fd, 4096):
                pass
        except OSError:
            pass
        os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Serve one function deployment (open-runtimes protocol)."
    )
    parser.add_argument("--ready-file", required=True, help="written with the port once listening")
    parser.add_argument(
        "--logs-dir", required=True, help="where <log id>_logs.log / _errors.log go"
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument(
        "--parent-pipe", type=int, default=-1, help="exit when this pipe's other end closes"
    )
    parser.add_argument("--clock-support", default="", help="a folder holding time-machine")
    args = parser.parse_args(argv)
    if args.parent_pipe >= 0:
        _watch_parent(args.parent_pipe)

    # As in the container: cwd holds `function/`, and cwd is sys.path[0] (gunicorn --chdir).
    sys.path.insert(0, os.getcwd())
    runtime = Runtime(
        os.environ.get("OPEN_RUNTIMES_ENTRYPOINT", ""),
        pathlib.Path(args.logs_dir),
        Clock(args.clock_support or None),
    )
    server = protocol.Server((args.host, args.port), runtime.handle)
    ready = pathlib.Path(args.ready_file)
    tmp = ready.with_suffix(".tmp")
    tmp.write_text(str(server.server_address[1]))
    tmp.replace(ready)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()


if __name__ == "__main__":
    main()
