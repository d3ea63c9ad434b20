"""Tiny helpers to walk a parsed manifest that may not match its schema."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


def entries(container: object, key: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """`(index, entry)` for each object in `container[key]`; skips anything malformed."""
    items = container.get(key) if isinstance(container, dict) else None
    if isinstance(items, list):
        for index, item in enumerate(items):
            if isinstance(item, dict):
                yield index, item


def strings(entry: dict[str, Any], key: str) -> Iterator[tuple[int, str]]:
    """`(index, value)` for each string in the list `entry[key]`."""
    items = entry.get(key)
    if isinstance(items, list):
        for index, item in enumerate(items):
            if isinstance(item, str):
                yield index, item


def text(entry: dict[str, Any], key: str) -> str | None:
    """`entry[key]` if it is a string, else None."""
    value = entry.get(key)
    return value if isinstance(value, str) else None


def is_number(value: object) -> bool:
    """A JSON number (bool is not one)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)
