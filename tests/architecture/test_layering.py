"""The emulator's layering, as docs/architecture.md draws it: every import points down (or
stays inside its own package), no two packages import each other, and the packages that
must stay light load only what they need (checked in a fresh interpreter)."""

from __future__ import annotations

import ast
import json
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "emulator"

# Lowest first. A module may import its own package and any package of a lower layer;
# packages of the same layer never import each other.
LAYERS = [
    ["emulator.core"],
    ["emulator.manifest", "emulator.runtime", "emulator.triggers"],
    ["emulator.packaging", "emulator.http"],
    ["emulator.services.identity"],
    ["emulator.services.tablesdb", "emulator.services.executions", "emulator.services.storage"],
    ["emulator.app", "emulator.console", "emulator.statefiles"],
    ["emulator.server"],
    ["emulator.stack", "emulator.secretscan"],
    ["emulator.testclient"],
    ["emulator.testing", "emulator.cli"],
    ["emulator.__main__"],
]
NAMESPACES = {"emulator", "emulator.services"}  # folders only: they hold no code of their own
LAYER_OF = {package: level for level, packages in enumerate(LAYERS) for package in packages}


def package_of(module: str) -> str:
    """The longest entry of LAYERS that `module` belongs to."""
    matches = [p for p in LAYER_OF if module == p or module.startswith(p + ".")]
    assert matches, f"{module} belongs to no layer: add it to LAYERS and docs/architecture.md"
    return max(matches, key=len)


def module_name(path: pathlib.Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _type_checking_block(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def imports_of(path: pathlib.Path) -> set[str]:
    """The emulator modules `path` imports anywhere (functions included), except in
    `if TYPE_CHECKING:` blocks, which are never executed."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    skipped = {
        id(n) for block in ast.walk(tree) if _type_checking_block(block) for n in ast.walk(block)
    }
    found = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.add(target)
    return {m for m in found if m == "emulator" or m.startswith("emulator.")}


def import_graph() -> dict[str, set[str]]:
    return {
        module_name(path): imports_of(path)
        for path in PACKAGE.rglob("*.py")
        if "__pycache__" not in path.parts
    }


def test_every_import_points_down_or_stays_in_its_package():
    wrong = []
    for module, imported in sorted(import_graph().items()):
        if module in NAMESPACES:
            continue
        own = package_of(module)
        for target in sorted(imported - NAMESPACES):
            other = package_of(target)
            if other != own and LAYER_OF[other] >= LAYER_OF[own]:
                wrong.append(f"{module} → {target} ({own} may not import {other})")
    assert not wrong, "imports against the layering:\n" + "\n".join(wrong)


def test_no_import_cycles_between_modules():
    graph = import_graph()
    state: dict[str, int] = {}
    cycles = []

    def visit(module: str, stack: list[str]) -> None:
        state[module] = 1
        for target in sorted(graph.get(module, ())):
            if target not in graph:
                continue
            if state.get(target) == 1:
                cycles.append(" → ".join(stack[stack.index(target) :] + [target]))
            elif target not in state:
                visit(target, [*stack, target])
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    # a package's __init__ importing its own submodules is not a cycle of code
    real = [c for c in cycles if not all(p.startswith(c.split(" → ")[0]) for p in c.split(" → "))]
    assert not real, "import cycles:\n" + "\n".join(real)


def loaded_after(code: str) -> set[str]:
    """The modules a fresh interpreter has loaded after running `code`."""
    probe = code + "\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    output = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    return set(json.loads(output.splitlines()[-1]))


@pytest.mark.parametrize(
    ("module", "must_not_load"),
    [
        ("emulator.core.state", ["starlette", "emulator.http", "emulator.services"]),
        ("emulator.core.query", ["starlette", "emulator.services"]),
        ("emulator.runtime", ["starlette", "emulator.http", "emulator.services", "emulator.core"]),
        ("emulator.triggers.events", ["starlette", "emulator.http", "emulator.services"]),
        ("emulator.triggers.cron", ["starlette", "emulator.http", "emulator.services"]),
        ("emulator.manifest", ["starlette", "emulator.http", "emulator.services"]),
        ("emulator.http.boundary", ["emulator.services"]),
        (
            "emulator.services.identity.routes",
            ["emulator.services.tablesdb", "emulator.services.executions", "emulator.runtime"],
        ),
        (
            "emulator.services.tablesdb.routes",
            ["emulator.services.executions", "emulator.runtime", "emulator.packaging", "cronsim"],
        ),
        # the REST API alone loads no executor, packaging or cron
        ("emulator.app", ["emulator.runtime", "emulator.packaging", "emulator.triggers.cron"]),
        ("emulator.testclient", ["pytest", "_pytest"]),
    ],
)
def test_a_package_loads_only_what_it_needs(module, must_not_load):
    loaded = loaded_after(f"import {module}")
    leaked = sorted(
        m for m in loaded for bad in must_not_load if m == bad or m.startswith(bad + ".")
    )
    assert not leaked, f"importing {module} loaded {leaked}"


def test_serve_with_a_seed_file_does_not_import_pytest(tmp_path):
    seed = tmp_path / "seed.py"
    seed.write_text("def seed(client):\n    return f'seeded {client.project_id}'\n")
    code = (
        "from emulator.cli.serve import run_seed\n"
        "from emulator.testclient import AppwriteTestClient\n"
        f"client = AppwriteTestClient.start({str(ROOT / 'tests/triggers/lab/appwrite.json')!r})\n"
        f"assert run_seed(__import__('pathlib').Path({str(seed)!r}), client) == 'seeded lab'\n"
        "client.close()\n"
    )
    loaded = loaded_after(code)
    assert "pytest" not in loaded and "_pytest" not in loaded
