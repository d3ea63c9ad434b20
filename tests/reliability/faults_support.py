"""What the function-fault figures share: a case is one API route a function uses, made to
fail for as long as the function keeps calling it; the function must retry what is safe to
retry, within its timeout, and then answer 503 with a clear message."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from emulator.testclient import AppwriteTestClient
from tests.functions.scheduled_support import ROOT, private_project

UNAVAILABLE = {
    "code": "upstream_unavailable",
    "message": "A service we depend on is unavailable. Try again later.",
    "details": [],
}
DB_PATH = "/v1/tablesdb/newsroom/tables"
# The first backoff's bound in these projects (the functions' own default is 200 ms): the
# figures count attempts and answers, which the backoff does not change, and a persistent
# fault would otherwise sleep up to 1.4 s per call (0.7 s on average) through the retries.
RETRY_BASE_DELAY_MS = "10"


def fault_project(tmp_path_factory) -> Iterator[AppwriteTestClient]:
    """The body of a fault module's `project` fixture: a running emulator of the project
    copy below (`yield from fault_project(tmp_path_factory)`)."""
    folder = tmp_path_factory.mktemp("faults")
    manifest = project_manifest(folder / "project")
    with AppwriteTestClient.start(manifest, data_dir=folder / "data") as client:
        yield client


def project_manifest(folder: Path) -> Path:
    """The whole project (every function, with its code) copied into `folder`, each function
    with the variable `RETRY_BASE_DELAY_MS` set as above (shared/retry.py)."""
    manifest = json.loads((ROOT / "appwrite.json").read_text())
    fast = {"RETRY_BASE_DELAY_MS": RETRY_BASE_DELAY_MS}
    functions = [{**f, "vars": {**f.get("vars", {}), **fast}} for f in manifest["functions"]]
    return private_project(folder, functions)


@dataclass(frozen=True)
class Case:
    function: str
    operation: str
    method: str
    path: str
    dynamic_only: bool = True  # False for the calls a function makes with the user's JWT

    @property
    def id(self) -> str:
        return f"{self.function}:{self.operation}:{self.method} {self.path}"


def answer(response) -> tuple[int, dict]:
    """(status, JSON body) of a function URL response or of a stored execution."""
    if isinstance(response, dict):
        return response["responseStatusCode"], json.loads(response["responseBody"] or "null")
    return response.status_code, response.json()


def report(case: Case, status: int, attempts: int, fault: str = "503") -> None:
    """One line of the figure (shown with `pytest -s`)."""
    print(
        f"\nFAULT {case.function:20} {case.operation:26} {case.method:6} {case.path:52} "
        f"{fault} always → {status} after {attempts} call(s)"
    )


def dynamic_calls(faults: dict) -> list[tuple[str, str]]:
    """(method, path) of each API request the functions made (their dynamic keys), oldest
    first, from the fault journal (`client.faults()`)."""
    return [(r["method"], r["path"]) for r in faults["requests"] if r["key"] == "dynamic"]
