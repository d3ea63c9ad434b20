"""Where a function's environment variables come from, as the Appwrite CLI has them.

* **Function variables**: the function's `vars` in appwrite.json, then its folder's `.env`
  (`<path>/.env`), which wins. The CLI treats that `.env` as the function's variables:
  `appwrite push functions --with-variables` replaces the function's variables with it,
  `appwrite pull functions --with-variables` writes them into it, and `appwrite run
  function` gives its entries to the local container.
* **Project variables** (Appwrite's "global variables", shared by every function): the
  `.env` beside appwrite.json. Appwrite merges project variables first, then function
  variables, then its own `APPWRITE_FUNCTION_*` (`emulator.runtime.environment`).

Both files use dotenv syntax (`KEY=value`, quotes, `#` comments), read without `${VAR}`
expansion, as the CLI's dotenv parser reads them.
"""

from __future__ import annotations

from pathlib import Path

from .model import FunctionSpec, Manifest

ENV_FILE = ".env"


def read_dotenv(path: Path) -> dict[str, str]:
    """The entries of a dotenv file ({} when there is none); a key without `=` is skipped."""
    if not path.is_file():
        return {}
    from dotenv import dotenv_values

    values = dotenv_values(path, interpolate=False, encoding="utf-8")
    return {key: value for key, value in values.items() if value is not None}


def project_variables(manifest: Manifest) -> dict[str, str]:
    return read_dotenv(manifest.root / ENV_FILE)


def function_variables(spec: FunctionSpec) -> dict[str, str]:
    return {**dict(spec.vars), **read_dotenv(spec.path / ENV_FILE)}
