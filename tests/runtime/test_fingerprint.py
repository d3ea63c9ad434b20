"""The executor's change detector for watched deployments: which edits re-create a worker."""

from __future__ import annotations

import os

from emulator.runtime.executor import fingerprint


def _tree(root):
    (root / "src" / "deep").mkdir(parents=True)
    (root / "src" / "main.py").write_text("print(1)\n")
    (root / "src" / "deep" / "util.py").write_text("x = 1\n")
    (root / "requirements.txt").write_text("jsonschema\n")
    return root


def test_it_lists_every_file_by_relative_path_size_and_mtime_folders_after_files(tmp_path):
    root = _tree(tmp_path / "fn")
    lines = fingerprint(root).split("\n")
    names = [line.split(":")[0] for line in lines]
    assert names == ["requirements.txt", "src/main.py", "src/deep/util.py"]
    stat = os.stat(root / "src" / "main.py")
    assert f"src/main.py:{stat.st_size}:{stat.st_mtime_ns}" in lines


def test_an_edit_a_new_file_or_a_removal_changes_it_and_caches_do_not(tmp_path):
    root = _tree(tmp_path / "fn")
    before = fingerprint(root)
    (root / "src" / "__pycache__").mkdir()
    (root / "src" / "__pycache__" / "main.cpython-312.pyc").write_bytes(b"\0" * 10)
    (root / "src" / "stale.pyc").write_bytes(b"\0")
    (root / ".git").mkdir()
    (root / ".git" / "HEAD").write_text("ref\n")
    (root / "runtime-env").mkdir()
    (root / "runtime-env" / "x.py").write_text("")
    assert fingerprint(root) == before

    (root / "src" / "main.py").write_text("print(22)\n")  # another size
    edited = fingerprint(root)
    assert edited != before
    os.utime(root / "src" / "deep" / "util.py", ns=(1, 1))  # same size, another mtime
    touched = fingerprint(root)
    assert touched != edited
    (root / "src" / "new.py").write_text("")
    assert "src/new.py:0:" in fingerprint(root)
    (root / "src" / "new.py").unlink()
    assert fingerprint(root) == touched


def test_symlinked_folders_are_followed_and_broken_links_skipped(tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "helpers.py").write_text("y = 2\n")
    root = _tree(tmp_path / "fn")
    (root / "src" / "shared").symlink_to(shared, target_is_directory=True)
    (root / "src" / "gone.py").symlink_to(tmp_path / "nowhere.py")
    lines = fingerprint(root).split("\n")
    assert any(line.startswith("src/shared/helpers.py:6:") for line in lines)
    assert not any(line.startswith("src/gone.py") for line in lines)
    before = fingerprint(root)
    (shared / "helpers.py").write_text("y = 22\n")
    assert fingerprint(root) != before


def test_a_missing_folder_has_an_empty_fingerprint(tmp_path):
    assert fingerprint(tmp_path / "absent") == ""
