"""The `sdk_free` marker (the SDK 27 pass of `make test` skips what it marks) is only on
test modules that reach no appwrite SDK: none imports it, the test clients or the
fixtures that hand one out, so skipping them in the second pass loses nothing."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SDK_MODULES = (
    "appwrite",
    "emulator.testclient",
    "emulator.testing",
    "tests.emulator.tablesdb_support",
)
# the fixtures of tests/emulator/conftest.py (and the plugin's) that give an SDK client
SDK_FIXTURES = {
    "admin_client",
    "tdb",
    "guest_client",
    "make_user",
    "user_client",
    "jwt_client",
    "appwrite",
}


def _marked() -> list[Path]:
    return sorted(
        path
        for path in (ROOT / "tests").rglob("test_*.py")
        if "pytest.mark.sdk_free" in path.read_text(encoding="utf-8")
    )


def _sdk_reach(tree: ast.Module) -> list[str]:
    found = []
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        found += [n for n in names if n == "appwrite" or n.startswith(SDK_MODULES)]
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            found += [a.arg for a in node.args.args if a.arg in SDK_FIXTURES]
    return found


def test_the_marked_modules_reach_no_sdk():
    marked = _marked()
    assert len(marked) >= 7  # the check below has modules to look at
    reach = {
        str(path.relative_to(ROOT)): _sdk_reach(ast.parse(path.read_text(encoding="utf-8")))
        for path in marked
    }
    assert {path: found for path, found in reach.items() if found} == {}


def test_the_check_sees_an_sdk_import_and_an_sdk_fixture():
    tree = ast.parse(
        "from appwrite.query import Query\n"
        "import emulator.testclient\n"
        "def test_x(tdb, tmp_path):\n    pass\n"
    )
    assert _sdk_reach(tree) == ["appwrite.query", "emulator.testclient", "tdb"]
