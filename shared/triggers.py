"""What started an execution: `x-appwrite-trigger` and `x-appwrite-event`, parsed.

Appwrite sends the row events in two spellings (reference: appwrite-runtime.md §4.2):
`databases.DB.collections.TBL.documents.ROW.create` for row creation and
`databases.DB.tables.TBL.rows.ROW.update` for the others. `parse_event` reads both into
the same `Event`, and `event_matches` compares names across the two spellings.
"""

from __future__ import annotations

from .records import Frozen, set_field

HTTP, EVENT, SCHEDULE = "http", "event", "schedule"
KINDS = (HTTP, EVENT, SCHEDULE)

# Words that end the (type, id) pairs of an event name; what follows is the attribute.
ACTIONS = frozenset({"create", "update", "delete", "upsert"})
# Legacy resource names → TablesDB names.
_LEGACY = {"collections": "tables", "documents": "rows"}


class Event(Frozen):
    """A parsed event name, e.g. `users.u1.update.email` → user `u1`, action `update`,
    attribute `email`."""

    __slots__ = ("action", "attribute", "name", "resources")
    name: str
    resources: tuple[tuple[str, str], ...]
    action: str | None
    attribute: str | None

    def __init__(
        self,
        name: str,
        resources: tuple[tuple[str, str], ...],
        action: str | None,
        attribute: str | None = None,
    ):
        set_field(self, "name", name)
        set_field(self, "resources", resources)
        set_field(self, "action", action)
        set_field(self, "attribute", attribute)

    def id_of(self, resource_type: str) -> str | None:
        """The id given for a resource type (`rows`, `users`, `teams`, …; legacy names accepted)."""
        wanted = _LEGACY.get(resource_type, resource_type)
        for kind, ident in self.resources:
            if kind == wanted:
                return ident
        return None

    @property
    def service(self) -> str:
        return self.resources[0][0]

    @property
    def database(self) -> str | None:
        return self.id_of("databases")

    @property
    def table(self) -> str | None:
        return self.id_of("tables")

    @property
    def row(self) -> str | None:
        return self.id_of("rows")

    @property
    def user(self) -> str | None:
        return self.id_of("users")

    @property
    def normalized(self) -> str:
        """The name in the TablesDB spelling (`tables`/`rows`)."""
        return normalize_event_name(self.name)


class Trigger(Frozen):
    """`kind` is `http`, `event` or `schedule`; `event` is set for event executions."""

    __slots__ = ("event", "kind")
    kind: str
    event: Event | None

    def __init__(self, kind: str, event: Event | None = None):
        set_field(self, "kind", kind)
        set_field(self, "event", event)


class InvalidEventName(ValueError):
    pass


def normalize_event_name(name: str) -> str:
    """`collections`/`documents` segments (in type positions) rewritten to `tables`/`rows`."""
    parts = name.split(".")
    return ".".join(_LEGACY.get(p, p) if i % 2 == 0 else p for i, p in enumerate(parts))


def parse_event(name: str) -> Event:
    """Parse an Appwrite event name; raises `InvalidEventName` if it is not one."""
    parts = name.split(".")
    if len(parts) < 2 or any(not p for p in parts):
        raise InvalidEventName(f"not an event name: {name!r}")
    resources: list[tuple[str, str]] = []
    action = attribute = None
    i = 0
    while i < len(parts):
        word = parts[i]
        if word in ACTIONS and resources:
            action = word
            rest = parts[i + 1 :]
            if len(rest) > 1:
                raise InvalidEventName(f"not an event name: {name!r}")
            attribute = rest[0] if rest else None
            break
        if i + 1 >= len(parts):
            raise InvalidEventName(f"not an event name: {name!r}")
        resources.append((_LEGACY.get(word, word), parts[i + 1]))
        i += 2
    return Event(name=name, resources=tuple(resources), action=action, attribute=attribute)


def parse_trigger(headers: dict[str, str]) -> Trigger:
    """The trigger of an execution from its (lower-case) headers.

    A missing `x-appwrite-trigger` means `http`; an empty `x-appwrite-event` (async REST
    executions, schedules) means no event. Raises `ValueError` for an unknown trigger or a
    malformed event name.
    """
    kind = (headers.get("x-appwrite-trigger") or HTTP).strip().lower()
    if kind not in KINDS:
        raise ValueError(f"unknown trigger {kind!r}")
    name = (headers.get("x-appwrite-event") or "").strip()
    event = parse_event(name) if name else None
    return Trigger(kind=kind, event=event)


def event_matches(pattern: str, name: str) -> bool:
    """Whether event `name` is covered by a subscription `pattern` as Appwrite would fire it.

    `*` stands for one whole id segment; a shorter pattern (`databases.DB.tables.TBL.rows.*`)
    covers every action below it. Both spellings (tables/rows, collections/documents) match.
    """
    want = normalize_event_name(pattern).split(".")
    have = normalize_event_name(name).split(".")
    if len(want) > len(have):
        return False
    return all(w == "*" or w == h for w, h in zip(want, have, strict=False))
