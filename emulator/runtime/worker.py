"""A function worker: one process that serves the open-runtimes HTTP protocol for one
deployment, as an `openruntimes/python` container does (reference appwrite-runtime.md §1–§2).

Run by the executor as ``python -I worker.py --ready-file F --logs-dir D`` with its cwd set
to the folder that holds the extracted deployment as ``function/`` — the layout of
``/usr/local/server/src`` in the container. Standard library only, so it runs under the
function's own isolated interpreter.

Protocol:
* ``/__opr/health`` → 200 ``OK``; ``/__opr/timings`` → load timings.
* ``x-open-runtimes-secret`` must equal ``OPEN_RUNTIMES_SECRET`` (when that is set);
  ``x-open-runtimes-timeout`` (seconds, > 0) bounds async handlers;
  ``x-open-runtimes-logging: disabled`` turns logs off; ``x-open-runtimes-log-id`` names
  the log files ``<logs-dir>/<id>_logs.log`` and ``<id>_errors.log`` the executor reads.
* The entrypoint is imported lazily, on the first execution, as module
  ``function.<entrypoint, dotted>``; it stays loaded (module globals persist) until the
  process ends. Load failures answer 503 and are retried on the next request.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib
import importlib.util
import io
import json
import os
import pathlib
import sys
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MAX_BODY = 20 * 1024 * 1024
# Not an open-runtimes header: the emulator's controllable clock (hidden from functions,
# like every x-open-runtimes-* header).
NOW_HEADER = "x-open-runtimes-emulator-now"


def _load_context_module():
    # Loaded by file path under a private name: the worker's own folder is not on sys.path.
    path = pathlib.Path(__file__).with_name("context.py")
    spec = importlib.util.spec_from_file_location("_newsroom_runtime_context", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


ctx = _load_context_module()


class LoadError(Exception):
    """The entrypoint could not be loaded; the message is the runtime's text."""


class Runtime:
    """Loads the entrypoint once and runs executions on one asyncio loop, like the
    runtime's aiohttp server: a sync `main` blocks the loop, async ones interleave."""

    def __init__(self, entrypoint: str, logs_dir: pathlib.Path):
        self.entrypoint = entrypoint
        self.logs_dir = logs_dir
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
            raise LoadError(
                "Failed to load module: " + "".join(traceback.format_exception(e))
            ) from e
        if not callable(getattr(module, "main", None)):
            raise LoadError(
                "Function signature invalid. Did you forget to export a 'main' function?"
            )
        self.timings["import_ms"] = (time.perf_counter() - started) * 1000
        self.module = module
        return module

    # -- one execution --------------------------------------------------------------------
    def handle(self, method, target, headers, body):
        """Returns (status, headers list, body bytes)."""
        future = asyncio.run_coroutine_threadsafe(
            self._handle(method, target, headers, body), self.loop
        )
        return future.result()

    async def _handle(self, method, target, headers, body):
        first = {}
        for key, value in headers:
            first.setdefault(key.lower(), value)
        logging = first.get("x-open-runtimes-logging", "")
        logger = ctx.Logger(
            enabled=logging in ("", "enabled"), id=first.get("x-open-runtimes-log-id", "")
        )
        if (
            logger.enabled
            and not logger.id
            and os.environ.get("OPEN_RUNTIMES_ENV") == "development"
        ):
            logger.id = "dev"
        try:
            return await self._action(logger, first, method, target, headers, body)
        except Exception as e:  # the runtime's handler-level catch: 500, traceback to errors
            logger.write(["".join(traceback.format_exception(e))], ctx.Logger.TYPE_ERROR)
            self._flush(logger)
            return 500, [("x-open-runtimes-log-id", logger.id)], b""

    async def _action(self, logger, first, method, target, headers, body):
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
                with _clock_at(first.get(NOW_HEADER, ""), context):
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
            except TimeoutError:
                context.error("Execution timed out.")
                return context.res.text("", 500, {})
        except Exception as e:
            context.error("".join(traceback.format_exception(e)))
            return context.res.text("", 500, {})

    def _flush(self, logger):
        if not logger.enabled:
            return
        for kind, suffix in (
            (ctx.Logger.TYPE_LOG, "_logs.log"),
            (ctx.Logger.TYPE_ERROR, "_errors.log"),
        ):
            try:
                with open(self.logs_dir / f"{logger.id}{suffix}", "a", encoding="utf-8") as f:
                    f.write(logger.text(kind))
            except OSError:
                pass  # the runtime swallows log write failures


@contextlib.contextmanager
def _clock_at(moment, context):
    """The emulator's controllable clock: run this execution with `moment` as "now"
    (needs the `time-machine` package in the worker's interpreter)."""
    if not moment:
        yield
        return
    try:
        import time_machine
    except ImportError:
        context.error(f"{NOW_HEADER} ignored: time-machine is not installed in this runtime.")
        yield
        return
    with time_machine.travel(moment, tick=True):
        yield


def _plain(status, text):
    return status, [("content-type", "text/plain; charset=utf-8")], text.encode("utf-8")


def _response(output):
    """The runtime's response post-processing (reference §1.3)."""
    body = output["body"]
    if isinstance(body, str):
        payload = body.encode("utf-8")
    elif isinstance(body, (bytes, bytearray, memoryview)):
        payload = bytes(body)
    else:
        raise ValueError(f"Unsupported body type {type(body)}")
    status = output["statusCode"]
    if not isinstance(status, int) or isinstance(status, bool):
        raise TypeError(f"status code must be an int, not {type(status).__name__}")
    headers = {}
    for key, value in output["headers"].items():
        if key.lower().startswith("x-open-runtimes-"):
            continue
        if not isinstance(value, str):
            raise TypeError(f"header {key!r} value must be str, not {type(value).__name__}")
        headers[key.lower()] = value
    content_type = output["headers"].get("content-type", "text/plain").lower()
    if not content_type.startswith("multipart/") and "charset=" not in content_type:
        content_type += "; charset=utf-8"
    headers["content-type"] = content_type
    return status, list(headers.items()), payload


def make_handler(runtime: Runtime):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "open-runtimes"

        def log_message(self, format, *args):  # no access log on stderr
            pass

        def _serve(self):
            path = self.path.split("?", 1)[0]
            length = int(self.headers.get("content-length") or 0)
            if length > MAX_BODY:
                self._send(
                    413,
                    [("content-type", "text/plain; charset=utf-8")],
                    b"Request Entity Too Large",
                )
                self.close_connection = True
                return
            body = self.rfile.read(length) if length else b""
            if path == "/__opr/health":
                self._send(200, [("content-type", "text/plain; charset=utf-8")], b"OK")
                return
            if path == "/__opr/timings":
                text = "".join(f"{k}={v:.3f}\n" for k, v in runtime.timings.items())
                self._send(200, [("content-type", "text/plain; charset=utf-8")], text.encode())
                return
            status, headers, payload = runtime.handle(
                self.command, self.path, list(self.headers.items()), body
            )
            self._send(status, headers, payload)

        def _send(self, status, headers, payload):
            self.send_response(status)
            for key, value in headers:
                self.send_header(key, value)
            self.send_header("content-length", str(len(payload)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(payload)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_HEAD = _serve

    return Handler


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
    args = parser.parse_args(argv)

    # As in the container: cwd holds `function/`, and cwd is sys.path[0] (gunicorn --chdir).
    sys.path.insert(0, os.getcwd())
    runtime = Runtime(os.environ.get("OPEN_RUNTIMES_ENTRYPOINT", ""), pathlib.Path(args.logs_dir))
    server = ThreadingHTTPServer((args.host, args.port), make_handler(runtime))
    server.daemon_threads = True
    ready = pathlib.Path(args.ready_file)
    tmp = ready.with_suffix(".tmp")
    tmp.write_text(str(server.server_address[1]))
    tmp.replace(ready)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()


if __name__ == "__main__":
    main()
