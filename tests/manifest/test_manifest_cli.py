"""`python -m emulator check` as a user runs it: a real subprocess, exit codes and output."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def run(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "emulator", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_check_passes_on_the_real_manifest(real_data):
    result = run("check")

    functions, tables = len(real_data["functions"]), len(real_data["tables"])
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == f"appwrite.json: OK ({functions} functions, {tables} tables)\n"


def test_check_lists_every_problem_and_exits_1(make_project):
    def mutate(data):
        data["functions"][0]["schedule"] = "every day"
        data["tables"][0]["$permissions"] = ['delete("any")']

    path = make_project(mutate)
    result = run("check", "--manifest", str(path))

    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0] == "appwrite.json: 2 problems"
    assert lines[1].startswith("  functions[0].schedule: 'every day' has 2 fields")
    assert lines[2].startswith(
        "  tables[0].$permissions[0]: 'delete(\"any\")' lets anyone delete rows"
    )
    assert "Traceback" not in result.stderr


def test_check_finds_the_manifest_from_a_subfolder(make_project, real_data):
    path = make_project(name="appwrite.config.json")
    result = run("check", cwd=path.parent / real_data["functions"][0]["path"])

    assert result.returncode == 0
    assert result.stdout.startswith("appwrite.config.json: OK (")


def test_check_without_a_manifest_exits_1(tmp_path):
    result = run("check", cwd=tmp_path)

    assert result.returncode == 1
    assert "no appwrite.config.json or appwrite.json" in result.stderr


def test_check_reports_invalid_json(tmp_path):
    (tmp_path / "appwrite.json").write_text(json.dumps({"projectId": "p"})[:-1])
    result = run("check", "--manifest", str(tmp_path / "appwrite.json"))

    assert result.returncode == 1
    assert "not valid JSON" in result.stdout


def test_help_lists_the_check_command():
    top, check = run("--help"), run("check", "--help")

    assert top.returncode == check.returncode == 0
    assert "check" in top.stdout
    assert "--manifest PATH" in check.stdout
