"""Install the dependencies declared in pyproject.toml into the running interpreter.

Used by the Makefile on the repo's own virtual environment. The project itself is
deliberately *not* installed: `shared/` must never become importable from
site-packages, or a function that forgets to ship it would still work locally.

    python scripts/install_deps.py                # runtime + dev group
    python scripts/install_deps.py --runtime      # only what the functions need
    python scripts/install_deps.py --group sdk27  # dev + that group, replacing runtime pins
                                                  # it overrides
"""

from __future__ import annotations

import argparse
import pathlib
import re
import subprocess
import sys
import tomllib

ROOT = pathlib.Path(__file__).resolve().parent.parent


def _name(requirement: str) -> str:
    return re.split(r"[=<>!~\[; ]", requirement, maxsplit=1)[0].lower()


def declared(runtime_only: bool, group: str | None = None) -> list[str]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    deps = list(data["project"]["dependencies"])
    if not runtime_only:
        deps += data["dependency-groups"]["dev"]
    if group:
        extra = data["dependency-groups"][group]
        overridden = {_name(r) for r in extra}
        deps = [r for r in deps if _name(r) not in overridden] + extra
    return deps


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runtime", action="store_true", help="only the run-time dependencies")
    parser.add_argument(
        "--group", help="also this dependency group; its pins replace same-named ones"
    )
    args = parser.parse_args(argv)
    deps = declared(args.runtime, args.group)
    print(f"installing {len(deps)} pinned packages into {sys.prefix}", flush=True)
    cmd = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *deps]
    return subprocess.call(cmd)


if __name__ == "__main__":
    raise SystemExit(main())
