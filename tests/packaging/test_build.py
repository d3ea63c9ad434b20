"""The build step: a `runtime-env` venv in the deployment root, `commands` run inside it."""

from __future__ import annotations

import pytest

from emulator.packaging import BuildError, build, build_key


def test_commands_run_in_the_root_with_runtime_env_active_and_fail_loudly(tmp_path):
    root = tmp_path / "deployment"
    root.mkdir()
    (root / "requirements.txt").write_text("appwrite==15.3.0\n")
    empty_wheelhouse = tmp_path / "wheels"
    empty_wheelhouse.mkdir()
    commands = (
        "pwd > cwd.txt && echo $VIRTUAL_ENV > venv.txt && "
        "python -c 'import sys; print(sys.prefix)' > prefix.txt && "
        "pip install -r requirements.txt"
    )
    with pytest.raises(BuildError) as failure:
        build(root, commands, wheelhouse=empty_wheelhouse)
    env = root / "runtime-env"
    assert (root / "cwd.txt").read_text().strip() == str(root.resolve())
    assert (root / "venv.txt").read_text().strip() == str(env.resolve())
    assert (root / "prefix.txt").read_text().strip() == str(env.resolve())
    # Offline: pip looked in the (empty) wheelhouse only, and says what it missed.
    assert "exit code 1" in str(failure.value)
    assert "appwrite==15.3.0" in failure.value.output
    assert "No matching distribution" in failure.value.output


def test_build_key_follows_commands_and_requirements(tmp_path):
    one, two = tmp_path / "one", tmp_path / "two"
    for root in (one, two):
        root.mkdir()
        (root / "requirements.txt").write_text("jsonschema==4.26.0\n")
    command = "pip install -r requirements.txt"
    assert build_key(one, command) == build_key(two, command)
    assert build_key(one, command) != build_key(one, command + " --quiet")
    (two / "requirements.txt").write_text("jsonschema==4.25.0\n")
    assert build_key(one, command) != build_key(two, command)
    assert build_key(tmp_path, command) != build_key(one, command)  # no requirements.txt
