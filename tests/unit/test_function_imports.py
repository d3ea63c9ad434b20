"""What a function's first request pays before its handler runs (issue 13, item 4).

Each function's main module is imported as the worker imports it (`function.src.main`
with the deployment as `function/`, cwd on sys.path), in a fresh interpreter:

* no regular expression of ours is compiled at import (shared.patterns compiles each on
  first use; the router tells a `{name}` segment by string tests), so a route pays only
  for the expressions it runs;
* Pillow is never loaded at import (only the cover routes of `articles` need it), and
  no SDK service is loaded by `articles` at import that its list route does not use;
* no dataclass of ours is created at import (creating one runs `exec` for each of its
  methods, about 1 ms a class): our value classes are plain classes (`shared.records`);
* the SDK's client (and with it `requests`) is never loaded at import: every function
  loads it on its first API call (`shared.client`), at the depth of a handler's call, so
  the heaviest import of a first request does not run at the bottom of a long import
  chain (see docs/benchmarks.md, "the data-stack effect").
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FUNCTIONS = sorted(p.parent.parent.name for p in (ROOT / "functions").glob("*/src/main.py"))

PROBE = """
import json, os, re, sys
ours = (os.path.realpath("function"), os.path.realpath({shared!r}))
compiled = []
real_compile = re.compile
def watched_compile(pattern, flags=0):
    caller = sys._getframe(1).f_code.co_filename
    if os.path.realpath(caller).startswith(ours):
        compiled.append((os.path.basename(caller), str(pattern)[:40]))
    return real_compile(pattern, flags)
re.compile = watched_compile
sys.path.insert(0, os.getcwd())
import function.src.main
from dataclasses import is_dataclass
dataclasses = sorted(
    f"{{name}}.{{value.__qualname__}}"
    for name, module in list(sys.modules.items())
    if name == "function" or name.startswith("function.")
    for value in vars(module).values()
    if isinstance(value, type) and value.__module__ == name and is_dataclass(value)
)
modules = sorted(sys.modules)
print(json.dumps({{"compiled": compiled, "modules": modules, "dataclasses": dataclasses}}))
"""


def _probe(run: Path) -> dict:
    """What importing `run/function`'s `src.main` in a fresh interpreter loaded and did."""
    result = subprocess.run(
        [sys.executable, "-c", PROBE.format(shared=str(ROOT / "shared"))],
        cwd=run,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


def _import_main(function_id: str, tmp_path: Path) -> dict:
    (tmp_path / "function").symlink_to(ROOT / "functions" / function_id)
    return _probe(tmp_path)


@pytest.mark.parametrize("function_id", FUNCTIONS)
def test_importing_a_function_compiles_no_regular_expression_of_ours(function_id, tmp_path):
    loaded = _import_main(function_id, tmp_path)
    assert "function.shared.patterns" in loaded["modules"]  # the probe saw our modules load
    assert loaded["compiled"] == []


@pytest.mark.parametrize("function_id", FUNCTIONS)
def test_importing_a_function_creates_no_dataclass_of_ours(function_id, tmp_path):
    loaded = _import_main(function_id, tmp_path)
    assert "function.shared.triggers" in loaded["modules"]  # the probe saw our classes load
    assert loaded["dataclasses"] == []


def test_the_dataclass_probe_sees_a_dataclass_of_ours(tmp_path):
    """The check above can fail: a dataclass in a function's module is reported."""
    function = tmp_path / "functions" / "probe"
    (function / "src").mkdir(parents=True)
    (function / "shared").symlink_to(ROOT / "shared")
    (function / "src" / "__init__.py").write_text("")
    (function / "src" / "main.py").write_text(
        "from dataclasses import dataclass\n"
        "from ..shared import triggers\n\n\n"
        "@dataclass(frozen=True)\nclass Point:\n    x: int\n"
    )
    run = tmp_path / "run"
    run.mkdir()
    (run / "function").symlink_to(function)
    assert _probe(run)["dataclasses"] == ["function.src.main.Point"]


@pytest.mark.parametrize("function_id", FUNCTIONS)
def test_importing_a_function_loads_no_pillow(function_id, tmp_path):
    modules = _import_main(function_id, tmp_path)["modules"]
    assert not [m for m in modules if m == "PIL" or m.startswith("PIL.")]


def test_articles_loads_the_teams_service_only_when_a_route_asks_for_roles(tmp_path):
    modules = _import_main("articles", tmp_path)["modules"]
    assert "appwrite.services.teams" not in modules
    assert "function.src.rows" in modules  # the probe did load the module that uses TablesDB


@pytest.mark.parametrize("function_id", FUNCTIONS)
def test_importing_a_function_loads_no_sdk_client(function_id, tmp_path):
    modules = _import_main(function_id, tmp_path)["modules"]
    loaded = [m for m in modules if m in ("appwrite.client", "requests", "urllib3")]
    loaded += [m for m in modules if m.startswith("appwrite.services.")]
    assert loaded == []


# What a route does not need is not loaded at import (issue 13, item 4, fourth round): the
# first request of each of these functions loads only the modules its route uses.
NOT_LOADED_AT_IMPORT = {
    # an event's profile needs neither the schedule's sweep nor the article helpers it uses
    "provision-profile": (
        "function.src.sweep",
        "function.shared.articles",
        "function.shared.covers",
        "function.shared.identity",  # `shared` loads a module when one of its names is used
    ),
    # the cover routes' modules (and Pillow's loader) load on the first cover request
    "articles": ("function.src.covers", "function.src.images"),
    # only the deletion removes covers and a user's data; a sign-up needs neither the list,
    # the lookups nor the profile edits (fifth round)
    "accounts": (
        "function.shared.user_cleanup",
        "function.shared.covers",
        "function.src.listing",
        "function.src.lookup",
        "function.src.profile",
    ),
}


@pytest.mark.parametrize("function_id", sorted(NOT_LOADED_AT_IMPORT))
def test_importing_a_function_loads_no_module_its_first_route_does_not_use(function_id, tmp_path):
    modules = _import_main(function_id, tmp_path)["modules"]
    assert "function.shared.app" in modules  # the probe saw the function load its helpers
    assert [m for m in NOT_LOADED_AT_IMPORT[function_id] if m in modules] == []


LAZY_NAMES = """
import json, sys
import shared
before = set(sys.modules)
from shared import Identity, retry, audit
print(json.dumps({
    "loaded_first": sorted(m for m in before if m.startswith("shared.")),
    "loaded_after": sorted(m for m in set(sys.modules) - before if m.startswith("shared.")),
    "identity": Identity.__module__, "retry_is_function": callable(retry) and retry.__module__,
    "audit": audit.__name__, "all_resolve": all(hasattr(shared, n) for n in shared.__all__),
}))
"""


def test_shared_loads_a_module_when_one_of_its_names_is_first_used():
    result = subprocess.run(
        [sys.executable, "-c", LAZY_NAMES], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout)
    assert "shared.identity" not in seen["loaded_first"]
    assert "shared.identity" in seen["loaded_after"]
    assert seen["identity"] == "shared.identity"
    assert seen["retry_is_function"] == "shared.retry"  # the function, not its module
    assert seen["audit"] == "shared.audit"  # a submodule is still importable by name
    assert seen["all_resolve"]
