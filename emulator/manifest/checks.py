"""`check_manifest`: every problem in a parsed manifest, schema and Appwrite rules together."""

from __future__ import annotations

import re
from pathlib import Path

from .bucket_rules import bucket_problems
from .files import file_problems
from .function_rules import function_problems
from .problems import Problem
from .schema import schema_problems
from .table_rules import table_problems


def check_manifest(data: object, root: Path | str) -> list[Problem]:
    """All problems of `data` (the parsed JSON), whose relative paths start at `root`.

    Schema errors come first for each field; rule checks skip values of the wrong type, so
    one mistake is reported once. The result is sorted by field path.
    """
    problems = schema_problems(data)
    if isinstance(data, dict):
        if "includes" in data:
            message = "split config files are not supported here; keep every resource in this file"
            problems.append(Problem("includes", message))
        problems += function_problems(data)
        problems += table_problems(data)
        problems += bucket_problems(data)
        problems += file_problems(data, Path(root))
    unique = list(dict.fromkeys(problems))
    return sorted(unique, key=lambda problem: _path_order(problem.path))


def _path_order(path: str) -> tuple:
    """Sort key that puts `functions[10]` after `functions[2]`."""
    tokens = [token for token in re.split(r"(\d+)", path) if token]
    return tuple((0, int(token)) if token.isdigit() else (1, token) for token in tokens)
