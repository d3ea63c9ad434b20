"""`serve` as a user runs it: the console URL, one live line per finished execution (with
its logs), `--quiet`, `--export-on-exit` and `--import`."""

import json
import os
import pathlib
import queue
import signal
import socket
import subprocess
import sys
import threading
import time

import httpx

ROOT = pathlib.Path(__file__).resolve().parents[2]
LAB = ROOT / "tests" / "triggers" / "lab" / "appwrite.json"


def free_port_pair() -> int:
    """A port whose next one is free too (serve puts the function URLs there)."""
    for _ in range(20):
        with socket.socket() as first:
            first.bind(("127.0.0.1", 0))
            port = first.getsockname()[1]
            with socket.socket() as second:
                try:
                    second.bind(("127.0.0.1", port + 1))
                except OSError:
                    continue
        return port
    raise RuntimeError("no free pair of ports")


class Serve:
    def __init__(self, *args: str):
        self.port = free_port_pair()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "emulator", "serve", "--manifest", str(LAB)]
            + ["--port", str(self.port), *args],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=os.environ | {"PYTHONUNBUFFERED": "1"},
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def until(self, predicate, timeout: float = 60) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.2)
            except queue.Empty:
                if self.process.poll() is not None and self.lines.empty():
                    break
                continue
            self.seen.append(line)
            if predicate(line):
                return line
        raise AssertionError("not printed; output so far:\n" + "\n".join(self.seen))

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(30)
        self.reader.join(10)  # the pipe closed: every line is queued
        while not self.lines.empty():
            self.seen.append(self.lines.get())


def test_serve_prints_the_console_and_each_finished_execution_then_exports(tmp_path):
    serve = Serve("--data", str(tmp_path / "data"), "--export-on-exit", str(tmp_path / "out"))
    try:
        console = serve.until(lambda line: line.strip().startswith("console"))
        assert f"http://127.0.0.1:{serve.port}/console/" in console
        serve.until(lambda line: line.startswith("Ctrl-C"))
        answer = httpx.get(f"http://127.0.0.1:{serve.port + 1}/hello?x=1")
        assert answer.status_code == 200
        line = serve.until(lambda line: " echo " in line and "completed" in line)
        assert " http " in line and " 200 " in line and "GET /hello" in line
        assert serve.until(lambda line: line.startswith("    ")) == "    echo GET /hello"
        # the API key is printed once in the banner, never in an execution's line
        key = json.loads((tmp_path / "data" / "credentials.json").read_text())["apiKey"]
        assert key not in line
    finally:
        serve.stop()
    assert serve.process.returncode == 0
    assert any(line.startswith("exported ") for line in serve.seen), serve.seen
    header = json.loads((tmp_path / "out" / "export.json").read_text())
    assert header["projectId"] == "lab"


def test_quiet_and_import(tmp_path):
    dump = tmp_path / "dump"
    (dump / "tables" / "lab").mkdir(parents=True)
    (dump / "export.json").write_text(
        json.dumps(
            {
                "format": "appwrite-emulator-state",
                "version": 1,
                "projectId": "lab",
                "tables": {"lab": ["notes"]},
            }
        )
    )
    for name in ("users", "teams", "memberships"):
        (dump / f"{name}.json").write_text(json.dumps({name: []}))
    (dump / "tables" / "lab" / "notes.json").write_text(
        json.dumps({"rows": [{"$id": "kept", "$permissions": [], "text": "imported"}]})
    )
    serve = Serve("--data", str(tmp_path / "data"), "--quiet", "--import", str(dump))
    try:
        assert serve.until(lambda line: line.startswith("imported")).startswith(
            "imported 0 users, 0 teams, 0 memberships, 1 rows"
        )
        serve.until(lambda line: line.startswith("Ctrl-C"))
        assert httpx.get(f"http://127.0.0.1:{serve.port + 1}/").status_code == 200
    finally:
        serve.stop()  # stopping waits for the execution's finish listeners: all is printed
    assert serve.process.returncode == 0
    assert not any(" echo " in line and "completed" in line for line in serve.seen), serve.seen
