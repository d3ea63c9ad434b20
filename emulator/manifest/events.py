"""Appwrite event names: the config tree and the validator functions' `events` go through.

Grammar: `type.ID[.subType.ID[.subSubType.ID]][.action[.attribute]]`, 2–7 segments, checked
against Appwrite's event tree (app/config/events.php at Appwrite 1.9.x). `*` may replace an
ID only. Names under `functions.` are refused for functions (Appwrite's only loop guard).
"""

from __future__ import annotations

from dataclasses import dataclass, field

FUNCTION_EVENT_MESSAGE = "Triggering a function on a function event is not allowed."


@dataclass(frozen=True)
class Node:
    """One resource type: its actions (each with the attributes it may name) and sub-types."""

    actions: dict[str, tuple[str, ...]]
    types: dict[str, Node] = field(default_factory=dict)


def _node(
    *actions: str, types: dict[str, Node] | None = None, **attributed: tuple[str, ...]
) -> Node:
    return Node({**dict.fromkeys(actions, ()), **attributed}, types or {})


_CUD = ("create", "update", "delete")
_ROWS = ("create", "update", "upsert", "delete")
_TABLES = _node(
    *_CUD, types={"rows": _node(*_ROWS), "indexes": _node(*_CUD), "columns": _node(*_CUD)}
)
_COLLECTIONS = _node(
    *_CUD, types={"documents": _node(*_ROWS), "indexes": _node(*_CUD), "attributes": _node(*_CUD)}
)

TREE: dict[str, Node] = {
    "users": _node(
        "create",
        "delete",
        update=(
            "email",
            "name",
            "password",
            "status",
            "prefs",
            "phone",
            "mfa",
            "labels",
            "verification",
            "impersonator",
        ),
        types={
            "sessions": _node("create", "delete"),
            "recovery": _node("create", "update"),
            "verification": _node("create", "update"),
            "targets": _node(*_CUD),
            "tokens": _node("create"),
        },
    ),
    "databases": _node(*_CUD, types={"tables": _TABLES, "collections": _COLLECTIONS}),
    "tablesdb": _node(*_CUD, types={"tables": _TABLES}),
    "documentsdb": _node(*_CUD, types={"collections": _COLLECTIONS}),
    "vectorsdb": _node(*_CUD, types={"collections": _COLLECTIONS}),
    "buckets": _node(*_CUD, types={"files": _node(*_CUD)}),
    "teams": _node(
        "create",
        "delete",
        update=("prefs",),
        types={"memberships": _node("create", "delete", update=("status",))},
    ),
    "sites": _node(*_CUD, types={"deployments": _node(*_CUD)}),
    "functions": _node(*_CUD, types={"deployments": _node(*_CUD), "executions": _node(*_CUD)}),
    "messages": _node("create", "update"),
    "topics": _node(*_CUD, types={"subscribers": _node("create", "delete")}),
    "providers": _node(*_CUD),
    "schedules": _node("create"),
    "rules": _node(*_CUD),
    "reports": _node(*_CUD, types={"insights": _node(*_CUD)}),
}


def _choices(names: object) -> str:
    return ", ".join(sorted(names))  # type: ignore[arg-type]


def event_problem(name: str) -> str | None:
    """Why Appwrite would refuse `name` as a function event (or why it could never fire);
    None if fine."""
    if name.startswith("functions."):
        return FUNCTION_EVENT_MESSAGE
    parts = name.split(".")
    if not 2 <= len(parts) <= 7:
        return f"an event has 2 to 7 dot-separated segments; '{name}' has {len(parts)}"
    if "" in parts:
        return f"'{name}' has an empty segment"
    kind = parts[0]
    if kind not in TREE:
        if "*" in kind:
            return f"'*' can only stand for an ID, not for the event type '{kind}'"
        return f"unknown event type '{kind}' (expected one of: {_choices(TREE)})"
    node, index, action = TREE[kind], 1, None
    while index < len(parts):
        segment = parts[index]
        if index % 2 == 1 and action is None:  # an ID position
            if "*" in segment and segment != "*":
                return f"'{segment}': '*' must be a whole ID segment (no partial wildcards)"
            index += 1
            continue
        prefix = ".".join(parts[:index])
        if action is not None:  # the segment after an action is its attribute
            attributes = node.actions[action]
            if not attributes:
                return (
                    f"unknown segment '{segment}' after '{prefix}': "
                    f"action '{action}' takes no attribute"
                )
            if segment not in attributes:
                return (
                    f"unknown attribute '{segment}' after '{prefix}' "
                    f"(expected one of: {_choices(attributes)})"
                )
            if index + 1 < len(parts):
                return f"nothing may follow the attribute in '{name}'"
            break
        if segment in node.types:
            if index + 1 == len(parts):
                return f"'{segment}' in '{name}' must be followed by an ID or '*'"
            node = node.types[segment]
            index += 1
            continue
        if segment in node.actions:
            action = segment
            index += 1
            continue
        expected = _choices([*node.types, *node.actions])
        if "*" in segment:
            return (
                f"'{segment}' after '{prefix}': '*' can only stand for an ID, not for an action "
                f"or resource type (expected one of: {expected})"
            )
        return f"unknown segment '{segment}' after '{prefix}' (expected one of: {expected})"
    return _appwrite_quirk(parts, action)


def _appwrite_quirk(parts: list[str], action: str | None) -> str | None:
    """Refusals that follow from how Appwrite applies the tree, not from the tree itself."""
    if len(parts) == 7 and action is not None:
        # Appwrite's Event validator looks up a 7-segment event's action one level up
        # (in `tables` / `collections`), which has no `upsert`: the name is refused there.
        middle = TREE[parts[0]].types[parts[2]]
        if action not in middle.actions:
            listen = ".".join(parts[:6])
            return (
                f"Appwrite refuses '{'.'.join(parts)}': its event validator checks the action of a "
                f"7-segment event against '{parts[2]}', which has no '{action}' action; "
                f"subscribe to '{listen}' (every action) instead"
            )
    if parts[0] == "tablesdb":
        return (
            "'tablesdb.*' events never trigger a function (Appwrite generates only 'databases.*' "
            "names for function triggers); use 'databases." + ".".join(parts[1:]) + "'"
        )
    return None
