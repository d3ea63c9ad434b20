"""Regular expressions compiled on first use, not at import.

    _EMAIL = lazy(r"...")          # at module level: nothing compiled yet
    _EMAIL.fullmatch(text)         # compiled now, once, then reused

A function's first request pays for every module-level `re.compile` of every module it
imports, used or not: 0.1–6 ms each (a case-insensitive or Unicode class is the dear
kind). `lazy` defers that to the first call, so a route pays only for the expressions it
runs. The object answers like the compiled pattern (`match`, `search`, `sub`, `pattern`…).
"""

from __future__ import annotations

import re
from typing import Any


class LazyPattern:
    """A `re.Pattern` compiled on the first attribute asked for."""

    __slots__ = ("_compiled", "_flags", "_source")

    def __init__(self, source: str, flags: int = 0):
        self._source = source
        self._flags = flags
        self._compiled: re.Pattern[str] | None = None

    @property
    def compiled(self) -> re.Pattern[str]:
        if self._compiled is None:
            self._compiled = re.compile(self._source, self._flags)
        return self._compiled

    def __getattr__(self, name: str) -> Any:  # match, search, fullmatch, sub, pattern, …
        return getattr(self.compiled, name)

    def __repr__(self) -> str:
        state = "compiled" if self._compiled is not None else "not compiled yet"
        return f"lazy({self._source!r}, {self._flags!r}) ({state})"


def lazy(source: str, flags: int = 0) -> LazyPattern:
    return LazyPattern(source, flags)
