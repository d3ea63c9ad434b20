"""Every function deploys the way Appwrite deploys it, and a broken deployment fails here too.

pack (as the CLI) → extract into a fresh folder → build (`commands` in a fresh
runtime-env) → load through the worker with that environment's python → request.
The worker runs under the deployment's own interpreter, so nothing of the repo or
its venv is importable: what is not in the deployment or its requirements is missing.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from emulator.manifest import FunctionSpec, Manifest, load_manifest
from emulator.packaging import EnvironmentCache, collect, deploy_dir
from emulator.runtime.environment import function_env
from emulator.runtime.executor import Deployment, ExecutionResult, Executor

ROOT = Path(__file__).resolve().parents[2]

FUNCTION_IDS = [f.id for f in load_manifest(ROOT / "appwrite.json").functions]


def run_deployed(
    spec: FunctionSpec,
    project_root: Path,
    dest: Path,
    builds: EnvironmentCache,
    executor: Executor,
    path: str = "/health",
) -> ExecutionResult:
    root = deploy_dir(spec, dest, project_root)
    python = builds.build(root, spec.commands, spec.runtime).python
    return executor.execute(deployment(spec, root, python), method="GET", path=path)


def deployment(spec: FunctionSpec, root: Path, python: Path) -> Deployment:
    env = function_env(
        function_id=spec.id,
        function_name=spec.name,
        deployment_id="packaging",
        project_id="newsroom",
        endpoint="http://127.0.0.1:9/v1",
        runtime=spec.runtime,
    )
    return Deployment(
        spec.id,
        root=root,
        entrypoint=spec.entrypoint,
        python=python,
        env=env,
        timeout=spec.timeout,
        logging=spec.logging,
    )


@pytest.mark.slow
@pytest.mark.parametrize("function_id", FUNCTION_IDS)
def test_function_deploys_builds_and_answers_health(
    function_id, manifest, builds, executor, tmp_path
):
    spec = manifest.function(function_id)
    link = spec.path / "shared"
    assert link.is_symlink() and link.resolve() == (ROOT / "shared").resolve(), (
        f"{link} must be the committed symlink to ../../shared "
        "(on Windows: git config core.symlinks true, then check out again)"
    )
    result = run_deployed(spec, manifest.root, tmp_path / function_id, builds, executor)
    assert result.status_code == 200, result.errors
    assert json.loads(result.body)["function"] == function_id
    shared = tmp_path / function_id / "shared"
    assert shared.is_dir() and not shared.is_symlink()  # shipped as real files


@pytest.mark.slow
def test_the_built_environment_holds_the_requirements_and_not_the_repo_venv(
    manifest, builds, tmp_path
):
    spec = manifest.function(FUNCTION_IDS[0])
    root = deploy_dir(spec, tmp_path / "deployment", manifest.root)
    python = builds.build(root, spec.commands, spec.runtime).python
    assert python.parent.parent.name == "runtime-env"
    other = manifest.function(FUNCTION_IDS[-1])  # same commands and requirements: same build
    again = builds.build(
        deploy_dir(other, tmp_path / "other", manifest.root), other.commands, other.runtime
    )
    assert again.python == python and again.cached
    probe = (
        "import appwrite, jsonschema\ntry:\n import httpx\nexcept ImportError:\n print('isolated')"
    )
    completed = subprocess.run(
        [python, "-I", "-c", probe], capture_output=True, text=True, check=False
    )
    assert (completed.returncode, completed.stdout.strip()) == (0, "isolated"), completed.stderr


# -- broken deployments must fail ------------------------------------------------------------

SCRATCH_MAIN = """\
{imports}


def main(context):
    return context.res.json({{"function": "{id}", "value": VALUE}})
"""


def scratch_project(tmp_path: Path, functions: dict[str, dict]) -> Manifest:
    """A project like ours: shared/, functions/<id>/ with the `shared` symlink, appwrite.json."""
    project = tmp_path / "project"
    (project / "shared").mkdir(parents=True)
    (project / "shared" / "__init__.py").write_text('VALUE = "from shared"\n')
    requirements = (ROOT / "functions" / FUNCTION_IDS[0] / "requirements.txt").read_text()
    entries = []
    for function_id, spec in functions.items():
        folder = project / "functions" / function_id
        (folder / "src").mkdir(parents=True)
        (folder / "shared").symlink_to(Path("../../shared"), target_is_directory=True)
        (folder / "requirements.txt").write_text(requirements)  # same build as the real functions
        main = SCRATCH_MAIN.format(imports=spec["imports"], id=function_id)
        (folder / "src" / "main.py").write_text(main)
        for name, content in spec.get("files", {}).items():
            (folder / name).write_text(content)
        entries.append(
            {
                "$id": function_id,
                "name": function_id,
                "runtime": "python-3.12",
                "path": f"functions/{function_id}",
                "entrypoint": "src/main.py",
                "commands": "pip install -r requirements.txt",
                "ignore": spec.get("ignore", []),
                "execute": [],
                "timeout": 15,
            }
        )
    (project / "appwrite.json").write_text(
        json.dumps({"projectId": "scratch", "functions": entries})
    )
    return load_manifest(project / "appwrite.json")


@pytest.fixture(scope="module")
def scratch(tmp_path_factory) -> Manifest:
    helpers = {"src/helpers.py": 'VALUE = "from helpers"\n'}
    return scratch_project(
        tmp_path_factory.mktemp("scratch"),
        {
            "relative-import": {"imports": "from ..shared import VALUE"},
            "absolute-import": {"imports": "from shared import VALUE"},
            "missing-library": {"imports": "import httpx\n\nVALUE = httpx.__name__"},
            "ignored-by-rule": {
                "imports": "from .helpers import VALUE",
                "files": helpers,
                "ignore": ["helpers.py"],
            },
            "ignored-by-gitignore": {
                "imports": "from .helpers import VALUE",
                "files": {**helpers, "src/.gitignore": "helpers.py\n"},
            },
        },
    )


@pytest.mark.slow
def test_the_relative_import_of_shared_works_when_deployed(scratch, builds, executor, tmp_path):
    result = run_deployed(
        scratch.function("relative-import"), scratch.root, tmp_path / "d", builds, executor
    )
    assert result.status_code == 200, result.errors
    assert json.loads(result.body) == {"function": "relative-import", "value": "from shared"}


@pytest.mark.slow
@pytest.mark.parametrize(
    "function_id, missing",
    [
        ("absolute-import", "Module not found: shared"),
        ("missing-library", "Module not found: httpx"),
    ],
)
def test_an_import_that_fails_on_appwrite_fails_when_deployed(
    scratch, builds, executor, tmp_path, function_id, missing
):
    result = run_deployed(
        scratch.function(function_id), scratch.root, tmp_path / "d", builds, executor
    )
    assert result.status_code == 503
    assert missing in result.errors


@pytest.mark.slow
@pytest.mark.parametrize("function_id", ["ignored-by-rule", "ignored-by-gitignore"])
def test_a_file_left_out_by_ignore_rules_is_missing_when_deployed(
    scratch, builds, executor, tmp_path, function_id
):
    spec = scratch.function(function_id)
    assert "src/helpers.py" not in [f.path for f in collect(scratch.root, spec.path, spec.ignore)]
    result = run_deployed(spec, scratch.root, tmp_path / "d", builds, executor)
    assert result.status_code == 503
    assert "Module not found: function.src.helpers" in result.errors
    # The same source, copied whole instead of packed, works: the packing made the difference.
    whole = tmp_path / "whole"
    shutil.copytree(spec.path, whole, symlinks=False)
    python = builds.build(whole, spec.commands, spec.runtime).python
    copied = Deployment(
        f"{function_id}-whole", root=whole, entrypoint=spec.entrypoint, python=python
    )
    result = executor.execute(copied, method="GET", path="/")
    assert result.status_code == 200, result.errors
    assert json.loads(result.body)["value"] == "from helpers"


@pytest.mark.slow
def test_a_deployment_that_kept_the_symlink_fails_as_with_cli_13_to_23_1(
    manifest, builds, executor, tmp_path
):
    """CLI-TS 13.0–23.1 archive `shared` as the link itself; on Appwrite it points nowhere."""
    spec = manifest.function(FUNCTION_IDS[0])
    root = tmp_path / "old-cli" / "deployment"
    shutil.copytree(spec.path, root, symlinks=True)  # the link is copied, not followed
    assert (root / "shared").is_symlink() and not (root / "shared").exists()
    python = builds.build(root, spec.commands, spec.runtime).python
    old = dataclasses.replace(deployment(spec, root, python), function_id=f"{spec.id}-old-cli")
    result = executor.execute(old, method="GET", path="/health")
    assert result.status_code == 503
    assert "Module not found: function.shared" in result.errors
