"""`python -m emulator.packaging`: what a push would upload, per function."""

from __future__ import annotations

from pathlib import Path

from emulator.manifest import load_manifest
from emulator.packaging.__main__ import main

MANIFEST = Path(__file__).resolve().parents[2] / "appwrite.json"


def test_table_has_a_row_per_function_with_counts(capsys):
    assert main(["--manifest", str(MANIFEST)]) == 0
    lines = capsys.readouterr().out.splitlines()
    ids = [f.id for f in load_manifest(MANIFEST).functions]
    assert [line.split()[0] for line in lines[1:]] == ids
    assert all(int(line.split()[1]) > 1 for line in lines[1:])


def test_list_shows_shared_as_files_and_drops_ignored_ones(capsys):
    assert main(["--manifest", str(MANIFEST), "--list", "accounts"]) == 0
    files = capsys.readouterr().out.split()
    assert {"src/main.py", "requirements.txt", "shared/__init__.py"} <= set(files)
    assert not [f for f in files if "__pycache__" in f or f.endswith(".pyc")]


def test_unknown_function_is_a_clear_error(capsys):
    assert main(["--manifest", str(MANIFEST), "--list", "nope"]) == 2
    assert "no function 'nope'" in capsys.readouterr().err
