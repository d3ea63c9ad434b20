"""The rules an index must satisfy, as Appwrite 1.9.6 applies them on MariaDB (pure).

Creating an index (`Indexes/Create.php`) first looks each column up — an unknown one is
`column_unknown`, an array one "Creating indexes on array attributes is not currently
supported." —, then runs utopia-php/database's index validator (`Validator/Index.php`,
with MariaDB's settings); resizing or renaming a column runs the same validator over every
index of the table. Each check returns the validator's message (400
`column_index_invalid`) or None. Index lengths are counted in characters for strings (a
column's size when no length is given), 2 for floats and 1 for anything else, against
MariaDB's 768 (`SQL::getMaxIndexLength`, tables not shared).
"""

from __future__ import annotations

from emulator.services.tablesdb import columns as col

MAX_INDEX_LENGTH = 768
RESERVED_INDEX_KEYS = ("primary", "_created_at", "_updated_at", "_tenant_id")
# Appwrite's own attributes an index may use (Indexes/Create.php adds these three).
SYSTEM_COLUMNS = {
    "$id": {"key": "$id", "type": "string", "size": 255},
    "$createdAt": {"key": "$createdAt", "type": "datetime"},
    "$updatedAt": {"key": "$updatedAt", "type": "datetime"},
}
# utopia's validator also knows these internal attributes (never reachable from the API).
_INTERNAL = {
    "$sequence": {"key": "$sequence", "type": "id"},
    "$permissions": {"key": "$permissions", "type": "string", "size": 1_000_000},
}
STRING_TYPES = col.STRING_TYPES


def lookup_problem(columns: list[dict], names: list[str]) -> tuple[str, str] | None:
    """The create route's own look-up, column by column: (error type, message or key)."""
    for name in names:
        spec = next((c for c in columns if c["key"] == name), None) or SYSTEM_COLUMNS.get(name)
        if spec is None:
            return "column_unknown", name
        if spec.get("array"):
            return (
                "column_index_invalid",
                "Creating indexes on array attributes is not currently supported.",
            )
    return None


def normalized_lengths(names: list[str], lengths: list) -> list:
    """Appwrite sets an empty length (missing, 0, null) to null for each indexed column."""
    lengths = list(lengths)
    for i in range(len(names)):
        if i >= len(lengths) or not lengths[i]:
            if i < len(lengths):
                lengths[i] = None
            else:
                lengths.append(None)
    return lengths


def problem(columns: list[dict], index: dict) -> str | None:
    """utopia's `Index::isValid` (MariaDB settings): its message, or None when valid."""
    known = {c["key"].lower(): c for c in columns}
    for name, spec in {**_INTERNAL, **SYSTEM_COLUMNS}.items():
        known[name.lower()] = spec
    names: list[str] = index["columns"]
    kind = index["type"]
    lengths = index.get("lengths") or []
    orders = index.get("orders") or []
    for name in names:
        if name.lower() not in known:
            return f'Invalid index attribute "{name}" not found'
    if not names:
        return "No attributes provided for index"
    if len({n.lower() for n in names}) != len(names):
        return "Duplicate attributes provided"
    if kind == "fulltext":
        for name in names:
            spec = known[name.lower()]
            if spec["type"] not in STRING_TYPES:
                return (
                    f'Attribute "{spec["key"]}" cannot be part of a fulltext index, '
                    "must be of type string"
                )
    message = _array_problem(known, kind, names, orders, lengths)
    if message:
        return message
    if kind != "fulltext":
        message = _length_problem(known, names, lengths)
        if message:
            return message
    if index["key"].lower() in RESERVED_INDEX_KEYS:
        return "Index key name is reserved"
    return None


def _array_problem(known: dict, kind: str, names: list, orders: list, lengths: list) -> str | None:
    arrays = 0
    for position, name in enumerate(names):
        spec = known[name.lower()]
        length = lengths[position] if position < len(lengths) else None
        if spec.get("array"):
            if kind != "key":
                return f'"{kind.capitalize()}" index is forbidden on array attributes'
            if not length:
                return "Index length for array not specified"
            arrays += 1
            if arrays > 1:
                return "An index may only contain one array attribute"
            direction = orders[position] if position < len(orders) else None
            if direction:
                return f'Invalid index order "{direction}" on array attribute "{spec["key"]}"'
        elif spec["type"] not in STRING_TYPES and length:
            return f'Cannot set a length on "{spec["type"]}" attributes'
    return None


def _length_problem(known: dict, names: list, lengths: list) -> str | None:
    if len(lengths) > len(names):
        return (
            "Invalid index lengths. Count of lengths must be equal or less than the number of "
            "attributes."
        )
    total = 0
    for position, name in enumerate(names):
        spec = known[name.lower()]
        given = lengths[position] if position < len(lengths) else None
        if spec["type"] in STRING_TYPES:
            size = column_size(spec)
            length = given if given else size
        elif spec["type"] == "double":
            size = length = 2
        else:
            size = length = 1
        if length < 0:
            return f"Negative index length provided for {name}"
        if length > size:
            return f'Index length {length} is larger than the size for {name}: {size}"'
        total += length
    if total > MAX_INDEX_LENGTH:
        return f"Index length is longer than the maximum: {MAX_INDEX_LENGTH}"
    return None


def column_size(spec: dict) -> int:
    """A string column's size in characters (formats and text types have fixed sizes)."""
    if spec.get("format") in col.FORMAT_SIZES:
        return col.FORMAT_SIZES[spec["format"]]
    if spec["type"] in col.TEXT_SIZES:
        return col.TEXT_SIZES[spec["type"]]
    return int(spec.get("size") or 0)


def without_column(indexes: list[dict], key: str) -> tuple[list[dict], list[dict]]:
    """What deleting column `key` does to the indexes (Appwrite's databases worker):
    (indexes to keep, with `key` taken out of those that used it; indexes to drop).

    An index left with no column is dropped; one left identical (columns and orders) to
    another index is dropped as a duplicate. The worker takes the column's order and length
    out with PHP's `array_diff`, i.e. every equal value (`["ASC", "ASC"]` loses both), and
    only when one is set at that position (`isset`: a null length stays)."""
    kept: list[dict] = []
    dropped: list[dict] = []
    current = [dict(i) for i in indexes]
    for index in current:
        if key not in index["columns"]:
            kept.append(index)
            continue
        position = index["columns"].index(key)
        orders = list(index.get("orders") or [])
        lengths = list(index.get("lengths") or [])
        index["columns"] = [c for c in index["columns"] if c != index["columns"][position]]
        if position < len(orders) and orders[position] is not None:
            orders = [o for o in orders if o != orders[position]]
        if position < len(lengths) and lengths[position] is not None:
            lengths = [n for n in lengths if n != lengths[position]]
        index["orders"], index["lengths"] = orders, lengths
        if not index["columns"]:
            dropped.append(index)
            continue
        duplicate = any(
            other is not index
            and other["columns"] == index["columns"]
            and list(other.get("orders") or []) == index["orders"]
            for other in current
        )
        (dropped if duplicate else kept).append(index)
    return kept, dropped
