"""Checks that read the project folder: function paths, entrypoints and requirement pins."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ._walk import entries, text
from .problems import Problem, field_path

_REQUIREMENT = re.compile(
    r"(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*(?P<spec>[^;]*)"
)


def file_problems(data: dict[str, Any], root: Path) -> list[Problem]:
    """Problems found on disk, for every function, relative to the manifest's folder `root`."""
    problems: list[Problem] = []
    pins = project_pins(root / "pyproject.toml")
    for index, function in entries(data, "functions"):

        def at(key: str, _i: int = index) -> str:
            return field_path(["functions", _i, key])

        path = text(function, "path")
        if path is None:
            continue
        folder = root / path
        if not folder.is_dir():
            problems.append(
                Problem(at("path"), f"folder '{path}' does not exist (relative to {root})")
            )
            continue
        entrypoint = text(function, "entrypoint")
        if entrypoint is not None:
            target = (folder / entrypoint).resolve()
            if not target.is_relative_to(folder.resolve()):
                message = f"'{entrypoint}' points outside the function folder '{path}'"
                problems.append(Problem(at("entrypoint"), message))
            elif not target.is_file():
                message = f"file '{entrypoint}' does not exist in '{path}'"
                problems.append(Problem(at("entrypoint"), message))
        requirements = folder / "requirements.txt"
        if pins is not None and requirements.is_file():
            for message in requirement_mismatches(requirements.read_text(encoding="utf-8"), pins):
                problems.append(Problem(at("path"), f"{path}/requirements.txt: {message}"))
    return problems


def normalize(name: str) -> str:
    """PEP 503 name normalization (`Foo_Bar` -> `foo-bar`)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _parse(line: str) -> tuple[str, str] | None:
    line = line.split("#", 1)[0].strip()
    if not line or line.startswith("-"):
        return None
    match = _REQUIREMENT.fullmatch(line)
    return (normalize(match["name"]), match["spec"].replace(" ", "")) if match else None


def project_pins(pyproject: Path) -> dict[str, str] | None:
    """`{normalized name: version spec}` of `[project].dependencies`; None without a pyproject."""
    if not pyproject.is_file():
        return None
    import tomllib  # deferred: only needed when a function ships a requirements.txt

    with pyproject.open("rb") as handle:
        dependencies = tomllib.load(handle).get("project", {}).get("dependencies", [])
    return dict(parsed for line in dependencies if (parsed := _parse(line)))


def requirement_mismatches(requirements: str, pins: dict[str, str]) -> list[str]:
    """Requirements that a local run would not reproduce: undeclared or differently pinned."""
    messages = []
    for line in requirements.splitlines():
        parsed = _parse(line)
        if parsed is None:
            continue
        name, spec = parsed
        if name not in pins:
            messages.append(
                f"'{name}' is not in pyproject.toml [project].dependencies, "
                "so local runs would not have it"
            )
        elif spec != pins[name]:
            messages.append(f"pins '{name}{spec}' but pyproject.toml pins '{name}{pins[name]}'")
    return messages
