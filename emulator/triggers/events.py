"""Appwrite's event names for a write, and which functions they trigger (reference
appwrite-runtime.md §4.2). Pure: no I/O.

Appwrite does no glob matching. For each write it *generates* every concrete/`*`
combination of the fired pattern — with the action, without it, and each shorter
resource prefix — mirrors `collections/documents` ⇄ `tables/rows`, and a function runs
(once) when its `events` list contains any generated string exactly. The first string,
fully concrete, is the `x-appwrite-event` header.

    generate_events(ROW_CREATE, {"databaseId": "main", "collectionId": "notes",
                                 "documentId": "a1"})[0]
    == "databases.main.collections.notes.documents.a1.create"
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping

# The patterns Appwrite's routes fire. Row creation (single and bulk, and every bulk
# operation) uses the legacy collections/documents label; single-row update, upsert,
# delete and increment/decrement use the tables/rows label.
ROW_CREATE = "databases.[databaseId].collections.[collectionId].documents.[documentId].create"
ROW_BULK = "databases.[databaseId].collections.[collectionId].documents.[documentId].{action}"
ROW_WRITE = "databases.[databaseId].tables.[tableId].rows.[rowId].{action}"
USER = "users.[userId].{action}"
USER_ATTRIBUTE = "users.[userId].update.{attribute}"
USER_SESSION = "users.[userId].sessions.[sessionId].{action}"
TEAM = "teams.[teamId].{action}"
TEAM_ATTRIBUTE = "teams.[teamId].update.{attribute}"
MEMBERSHIP = "teams.[teamId].memberships.[membershipId].{action}"
MEMBERSHIP_ATTRIBUTE = "teams.[teamId].memberships.[membershipId].update.{attribute}"
BUCKET = "buckets.[bucketId].{action}"
FILE = "buckets.[bucketId].files.[fileId].{action}"

_MIRROR = (("collections", "tables"), ("documents", "rows"))
_PLACEHOLDER = re.compile(r"^\[(\w+)\]$")


def row_event(
    action: str, database_id: str, table_id: str, row_id: str, *, legacy: bool
) -> tuple[str, dict]:
    """The pattern and params for a row write; `legacy` for creates and bulk operations."""
    if legacy:
        pattern = ROW_BULK.format(action=action)
        return pattern, {"databaseId": database_id, "collectionId": table_id, "documentId": row_id}
    return ROW_WRITE.format(action=action), {
        "databaseId": database_id,
        "tableId": table_id,
        "rowId": row_id,
    }


def generate_events(pattern: str, params: Mapping[str, str]) -> list[str]:
    """Every event string a write with this pattern fires; the first is the header value."""
    segments = pattern.split(".")
    # [type, id, (subType, id, (subSubType, id)), action?, attribute?]
    resources: list[tuple[str, str]] = []
    index = 0
    while index + 1 < len(segments) and _PLACEHOLDER.match(segments[index + 1]):
        resources.append((segments[index], _PLACEHOLDER.match(segments[index + 1]).group(1)))
        index += 2
    tail = segments[index:]  # action and attribute, possibly empty
    missing = [name for _, name in resources if name not in params]
    if missing:
        raise KeyError(f"missing event params: {', '.join(missing)}")

    # Prefixes, longest first: with action (+attribute), without, then shorter resources.
    shapes: list[tuple[int, list[str]]] = []
    if len(tail) > 1:
        shapes.append((len(resources), tail))
    if tail:
        shapes.append((len(resources), tail[:1]))
    for depth in range(len(resources), 0, -1):
        shapes.append((depth, []))

    events: list[str] = []
    seen: set[str] = set()

    def add(name: str) -> None:
        if name not in seen:
            seen.add(name)
            events.append(name)

    # The header is the concrete action-level name (an attribute never leads).
    action_depth, action_tail = shapes[1] if len(tail) > 1 else shapes[0]
    add(_render(resources[:action_depth], action_tail, params, ()))
    for depth, suffix in shapes:
        used = resources[:depth]
        for starred in _subsets(len(used)):
            add(_render(used, suffix, params, starred))
    for name in list(events):
        add(_mirror(name))
    return events


def _subsets(n: int) -> Iterable[tuple[int, ...]]:
    for size in range(n + 1):
        yield from itertools.combinations(range(n), size)


def _render(resources, suffix, params, starred) -> str:
    parts: list[str] = []
    for i, (kind, name) in enumerate(resources):
        parts += [kind, "*" if i in starred else str(params[name])]
    return ".".join(parts + list(suffix))


def _mirror(name: str) -> str:
    parts = name.split(".")
    if not parts or parts[0] != "databases":
        return name
    out = []
    for i, part in enumerate(parts):
        if i % 2 == 0 and i > 0:  # resource kinds sit at even positions
            for legacy, current in _MIRROR:
                if part == legacy:
                    part = current
                    break
                if part == current:
                    part = legacy
                    break
        out.append(part)
    return ".".join(out)


def subscribers(events: Iterable[str], functions: Iterable[tuple[str, Iterable[str]]]) -> list[str]:
    """Ids of the functions whose `events` contain any generated name (each once)."""
    fired = set(events)
    return [function_id for function_id, subscribed in functions if fired.intersection(subscribed)]
