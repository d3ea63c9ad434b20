"""pytest fixtures around the test client (`emulator.testclient.AppwriteTestClient`).

Enable them in your `conftest.py`:

    pytest_plugins = ["emulator.testing"]

and point them at your project (default: the nearest appwrite.json above the rootdir):

    # pytest.ini / pyproject:  [tool.pytest.ini_options]  appwrite_manifest = "appwrite.json"

Fixtures:
* `appwrite` (session) — an `AppwriteTestClient` on a fresh emulator (free port, fresh
  data dir), provisioned from the manifest, with every function runnable;
* `appwrite_admin` — an SDK `Client` with the admin key;
* `appwrite_clean` — the same client, with the emulator put back (SQLite snapshot/restore)
  before the test to the state it had once the session started and was seeded
  (`appwrite_seed = "seed.json"` in the pytest config applies a seed file first).

    def test_signup(appwrite):
        response = appwrite.invoke_http("accounts", "/signup", method="POST", json={...})
        assert response.status_code == 201
        row, executions = appwrite.emit_row_created("articles", {...})
        assert executions[0]["status"] == "completed"
        execution = appwrite.run_schedule("publish-scheduled", at="2026-03-01T03:00Z")
"""

from __future__ import annotations

import ast
import json
import pathlib
import re
import types
from collections.abc import Iterator

import pytest

from emulator import secretscan
from emulator.testclient import AppwriteTestClient


def _manifest_path(config: pytest.Config) -> pathlib.Path:
    configured = config.getini("appwrite_manifest")
    if configured:
        return (config.rootpath / configured).resolve()
    from emulator.manifest import find_manifest

    found = find_manifest(config.rootpath)
    if found is None:
        raise pytest.UsageError(
            "emulator.testing: no appwrite.json found; set `appwrite_manifest` in the pytest config"
        )
    return found


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        "appwrite_manifest", "path of appwrite.json for the emulator.testing fixtures", default=""
    )
    parser.addini(
        "appwrite_seed",
        "a seed file (JSON/YAML, or Python with seed(client)) applied to the session emulator",
        default="",
    )
    parser.addini(
        "appwrite_secret_scan",
        "scan every emulator the tests started for leaked keys, JWTs, session secrets and "
        "passwords, and fail the run if any is found (default true)",
        type="bool",
        default=True,
    )


# ---------------------------------------------------------------- the secret scan
# Every stack the test client drives registers itself with `emulator.secretscan`; at the
# end of the run (per xdist worker, gathered by the controller) its findings fail the run.
_SCAN_KEY = "appwrite_secret_scan"
_PASSWORD_NAMES = re.compile(r"password$", re.I)  # `password`, `newPassword`, not `passwordSalt`
_PASSWORD_WORD = re.compile(r"password", re.I)


def _scan_enabled(config: pytest.Config) -> bool:
    return bool(config.getini("appwrite_secret_scan"))


def password_literals(paths: list[pathlib.Path]) -> set[str]:
    """The password literals of the test files: string constants given to a `password`-like
    keyword argument, dict key or variable."""
    found: set[str] = set()
    for folder in paths:
        files = [folder] if folder.is_file() else folder.rglob("*.py")
        for path in files:
            try:
                text = path.read_text(encoding="utf-8")
                # a file that never says "password" binds no password-like name: most test
                # files, left unparsed (parsing every file cost each scanning process ~1.4 s)
                tree = ast.parse(text) if _PASSWORD_WORD.search(text) else None
            except (SyntaxError, UnicodeDecodeError, OSError):
                continue
            if tree is None:
                continue
            for node in ast.walk(tree):
                pairs: list[tuple[str, ast.AST]] = []
                if isinstance(node, ast.keyword) and node.arg:
                    pairs.append((node.arg, node.value))
                elif isinstance(node, ast.Dict):
                    pairs += [
                        (k.value, v)
                        for k, v in zip(node.keys, node.values, strict=True)
                        if isinstance(k, ast.Constant) and isinstance(k.value, str)
                    ]
                elif isinstance(node, ast.Assign):
                    pairs += [(t.id, node.value) for t in node.targets if isinstance(t, ast.Name)]
                for name, value in pairs:
                    if (
                        _PASSWORD_NAMES.search(name)
                        and isinstance(value, ast.Constant)
                        and isinstance(value.value, str)
                    ):
                        found.add(value.value)
    return {p for p in found if secretscan.scannable_password(p)}


def pytest_configure(config: pytest.Config) -> None:
    if not _scan_enabled(config):
        return
    secretscan.capture_logs()
    roots = [config.rootpath / p for p in config.getini("testpaths")] or [config.rootpath]
    # read only if this process scans something (parsing every test file costs ~1 s)
    secretscan.REGISTRY.remember_later(lambda: password_literals([r for r in roots if r.exists()]))
    config.stash[_FINDINGS] = []


_FINDINGS = pytest.StashKey[list]()  # what the xdist workers found
_REPORT = pytest.StashKey[tuple]()  # (finding lines, exemptions) of the whole run


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error) -> None:
    """xdist controller: a worker's findings."""
    config = node.config
    data = getattr(node, "workeroutput", {}).get(_SCAN_KEY)
    if data and _FINDINGS in config.stash:
        config.stash[_FINDINGS].extend(json.loads(data))


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    config = session.config
    if _FINDINGS not in config.stash:
        return
    findings = secretscan.REGISTRY.finish()
    lines = [f.line() for f in findings]
    exempt = secretscan.REGISTRY.exemptions()
    if hasattr(config, "workerinput"):  # an xdist worker: the controller reports
        config.workeroutput[_SCAN_KEY] = json.dumps(
            [{"line": line} for line in lines] + [{"exempt": e} for e in exempt]
        )
        return
    gathered = config.stash[_FINDINGS]
    lines += [item["line"] for item in gathered if "line" in item]
    exempt += [item["exempt"] for item in gathered if "exempt" in item]
    config.stash[_REPORT] = (sorted(set(lines)), sorted(set(exempt)))
    if lines and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter, exitstatus, config: pytest.Config) -> None:
    if _REPORT not in config.stash:
        return
    lines, exempt = config.stash[_REPORT]
    if lines:
        terminalreporter.section("secret scan", sep="=", red=True, bold=True)
        terminalreporter.line(
            f"{len(lines)} secret(s) found in stored executions, worker output or emulator "
            "logs (secrets are cut short):"
        )
        for line in lines[:100]:
            terminalreporter.line(f"  {line}")
        if len(lines) > 100:
            terminalreporter.line(f"  … and {len(lines) - 100} more")
        # counted in the summary line ("N secret leaks"); report-like objects, as other
        # plugins reading the stats expect
        leaks = [types.SimpleNamespace(secret_leak=line) for line in lines]
        terminalreporter.stats.setdefault("secret leaks", []).extend(leaks)
    else:
        terminalreporter.line("secret scan: no secret found in any stored execution or log")
    for entry in exempt:
        terminalreporter.line(f"  (exempt: {entry})")


@pytest.fixture(scope="session")
def appwrite(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[AppwriteTestClient]:
    """A fresh emulator with every function of the project, for the whole test session."""
    client = AppwriteTestClient.start(
        _manifest_path(request.config), data_dir=tmp_path_factory.mktemp("appwrite")
    )
    try:
        seed = request.config.getini("appwrite_seed")
        if seed:
            client.apply_seed(request.config.rootpath / seed)
        yield client
    finally:
        client.close()


@pytest.fixture(scope="session")
def appwrite_baseline(appwrite: AppwriteTestClient):
    """The session emulator's state when first asked for (after the seed): what
    `appwrite_clean` restores."""
    snapshot = appwrite.snapshot()
    yield snapshot
    snapshot.close()


@pytest.fixture
def appwrite_clean(appwrite: AppwriteTestClient, appwrite_baseline) -> AppwriteTestClient:
    """The session emulator, restored to its baseline before this test: rows, users,
    teams, executions and the outbox as they were (workers stay warm)."""
    appwrite.restore(appwrite_baseline)
    return appwrite


@pytest.fixture
def appwrite_admin(appwrite: AppwriteTestClient):
    """An SDK client with the emulator's admin API key."""
    return appwrite.admin_client()


__all__ = [
    "AppwriteTestClient",
    "appwrite",
    "appwrite_admin",
    "appwrite_baseline",
    "appwrite_clean",
]
