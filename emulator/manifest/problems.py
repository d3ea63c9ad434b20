"""What a manifest check reports: `Problem` (one finding) and `ManifestError` (all of them)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the manifest.

    `path` locates the field the way a reader finds it in the file, e.g.
    `functions[2].schedule` or `tables[1].columns[0].default`; `""` means the whole file.
    """

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


def field_path(parts: Iterable[str | int]) -> str:
    """Render path parts (`["functions", 2, "schedule"]`) as `functions[2].schedule`."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


class ManifestError(Exception):
    """The manifest cannot be used; `problems` lists every reason, one per line in `str()`."""

    def __init__(self, source: str, problems: Sequence[Problem]):
        self.source = source
        self.problems = tuple(problems)
        count = len(self.problems)
        lines = [f"{source}: {count} problem{'s' if count != 1 else ''}"]
        lines += [f"  {problem}" for problem in self.problems]
        super().__init__("\n".join(lines))
