"""`python -m emulator serve | invoke | emit | tick | executions` against a started server,
each in its own process as a user would run them."""

import json
import os
import pathlib
import signal
import socket
import subprocess
import sys
import time

import httpx
import pytest

LAB = pathlib.Path(__file__).parent / "lab" / "appwrite.json"
ROOT = pathlib.Path(__file__).resolve().parents[2]
LAB_FUNCTIONS = [f["$id"] for f in json.loads(LAB.read_text())["functions"]]


def cli(*args, data, check=True):
    result = subprocess.run(
        [sys.executable, "-m", "emulator", *args, "--data", str(data)],
        cwd=LAB.parent,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    if check:
        assert result.returncode == 0, result.stdout + result.stderr
    return result


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    data = tmp_path_factory.mktemp("served")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "emulator",
            "serve",
            "--manifest",
            str(LAB),
            "--data",
            str(data),
            "--port",
            "0",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    credentials = data / "credentials.json"
    deadline = time.monotonic() + 60
    while not credentials.exists():
        assert process.poll() is None, process.stdout.read()
        assert time.monotonic() < deadline, "serve did not start"
        time.sleep(0.05)
    yield data, json.loads(credentials.read_text()), process
    if process.poll() is None:
        process.terminate()
        process.wait(30)


def test_serve_writes_credentials_with_the_endpoint_key_and_function_urls(served):
    data, creds, _ = served
    assert creds["projectId"] == "lab"
    assert creds["endpoint"].startswith("http://127.0.0.1:") and creds["endpoint"].endswith("/v1")
    assert creds["apiKey"]
    # every function has a URL, as every function has a domain on Appwrite
    assert sorted(creds["functions"]) == sorted(LAB_FUNCTIONS)
    assert oct((data / "credentials.json").stat().st_mode)[-3:] == "600"
    response = httpx.get(creds["functions"]["echo"] + "/from-curl")
    assert response.status_code == 200 and response.json()["path"] == "/from-curl"


def test_a_function_guests_may_not_execute_answers_its_url_with_401(served):
    _, creds, _ = served
    response = httpx.get(creds["functions"]["members-only"] + "/")
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("text/html")
    assert (
        'To execute function using domain, execute permissions must include "any" or "guests".'
        in response.text
    )
    assert "function_execute_permission_missing" in response.text


def _free_run(length: int) -> int:
    """A port P with P..P+length-1 free now."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            start = probe.getsockname()[1]
        if start + length >= 65535:
            continue
        try:
            for port in range(start, start + length):
                with socket.socket() as taken:
                    taken.bind(("127.0.0.1", port))
        except OSError:
            continue
        return start
    raise RuntimeError("no run of free ports")


def test_serve_moves_a_function_off_a_taken_port(tmp_path):
    port = _free_run(len(LAB_FUNCTIONS) + 1)
    squatter = socket.socket()
    squatter.bind(("127.0.0.1", port + 2))  # the second function's port
    squatter.listen(1)
    data = tmp_path / "data"
    process = subprocess.Popen(
        [sys.executable, "-m", "emulator", "serve", "--manifest", str(LAB)]
        + ["--data", str(data), "--port", str(port), "--quiet"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        banner = []
        for line in process.stdout:
            banner.append(line)
            if line.startswith("Ctrl-C"):
                break
        text = "".join(banner)
        creds = json.loads((data / "credentials.json").read_text())
        urls = creds["functions"]
        assert creds["endpoint"] == f"http://127.0.0.1:{port}/v1", text
        # the public function first, then the others in appwrite.json order
        order = ["echo"] + [f for f in LAB_FUNCTIONS if f != "echo"]
        moved = order[1]
        assert urls[order[0]] == f"http://127.0.0.1:{port + 1}"
        assert urls[moved] != f"http://127.0.0.1:{port + 2}"
        assert urls[order[2]] == f"http://127.0.0.1:{port + 3}"
        assert f"{urls[moved]} (port {port + 2} was taken)" in text
        response = httpx.get(urls[moved] + "/")  # the moved URL serves that function
        assert response.status_code == 401 and "Execution not permitted" in response.text
    finally:
        squatter.close()
        process.terminate()
        process.wait(30)


def test_invoke_prints_the_response_and_logs(served):
    data, _, _ = served
    out = cli(
        "invoke",
        "echo",
        "--path",
        "/cli?x=1",
        "--method",
        "PATCH",
        "--header",
        "X-Trace:abc",
        data=data,
    ).stdout
    assert "completed, HTTP 200" in out
    assert '"path": "/cli"' in out and '"x-trace": "abc"' in out
    assert "--- logs" in out and "echo PATCH /cli" in out


def test_invoke_reports_server_errors_plainly(served):
    data, _, _ = served
    result = cli("invoke", "no-such-function", data=data, check=False)
    assert result.returncode == 1
    assert "404 (function_not_found)" in result.stderr


def test_emit_fires_events_and_executions_lists_them(served):
    data, _, _ = served
    out = cli(
        "emit",
        "row",
        "--database",
        "lab",
        "--table",
        "notes",
        "--values",
        '{"text": "from cli"}',
        "--id",
        "cli-note",
        data=data,
    ).stdout
    assert "row cli-note created" in out
    deadline = time.monotonic() + 30
    while True:
        listed = cli("executions", "--function", "on-note", "--logs", data=data).stdout
        if "completed" in listed or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert "on-note" in listed and "event" in listed and "completed" in listed


def test_tick_runs_what_is_due_at_that_time(served):
    data, _, _ = served
    out = cli("tick", "--at", "2026-06-01T03:00", data=data).stdout
    assert "every-five" in out and "nightly" in out
    assert "nothing is scheduled" in cli("tick", "--at", "2026-06-01T03:01", data=data).stdout
    assert cli("tick", "--at", "not a time", data=data, check=False).returncode == 1


def test_serve_with_a_relative_data_folder_runs_functions(tmp_path):
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "emulator",
            "serve",
            "--manifest",
            str(LAB),
            "--data",
            "rel-data",
            "--port",
            "0",
        ],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        credentials = tmp_path / "rel-data" / "credentials.json"
        deadline = time.monotonic() + 60
        while not credentials.exists():
            assert process.poll() is None and time.monotonic() < deadline, "serve did not start"
            time.sleep(0.05)
        url = json.loads(credentials.read_text())["functions"]["echo"]
        assert httpx.get(url + "/relative").json()["path"] == "/relative"
    finally:
        process.terminate()
        process.wait(30)


def test_client_commands_without_a_server_say_how_to_start_one(tmp_path):
    result = cli("executions", data=tmp_path, check=False)
    assert result.returncode == 1
    assert "python -m emulator serve" in result.stderr


def test_every_command_has_help():
    for command in ("serve", "invoke", "emit", "tick", "executions", "check"):
        result = subprocess.run(
            [sys.executable, "-m", "emulator", command, "--help"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0 and "usage:" in result.stdout


def test_serve_stops_cleanly_on_sigterm(served):
    data, _, process = served
    process.send_signal(signal.SIGTERM)
    assert process.wait(30) == 0
    assert "stopping" in process.stdout.read()
    assert not (data / "credentials.json").exists()
