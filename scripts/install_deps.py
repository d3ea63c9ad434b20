"""Install the dependencies declared in pyproject.toml into the running interpreter.

Used by the Makefile on the repo's own virtual environment. The project itself is
deliberately *not* installed: `shared/` must never become importable from
site-packages, or a function that forgets to ship it would still work locally.

    python scripts/install_deps.py            # runtime + dev group
    python scripts/install_deps.py --runtime  # only what the functions need
"""

from __future__ import annotations

import argparse
import pathlib
import subprocess
import sys
import tomllib

ROOT = pathlib.Path(__file__).resolve().parent.parent


def declared(runtime_only: bool) -> list[str]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    deps = list(data["project"]["dependencies"])
    if not runtime_only:
        deps += data["dependency-groups"]["dev"]
    return deps


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runtime", action="store_true", help="only the run-time dependencies")
    args = parser.parse_args(argv)
    deps = declared(args.runtime)
    print(f"installing {len(deps)} pinned packages into {sys.prefix}", flush=True)
    cmd = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *deps]
    return subprocess.call(cmd)


if __name__ == "__main__":
    raise SystemExit(main())
