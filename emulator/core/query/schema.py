"""What the query validator needs to know about a table: its attributes and fulltext indexes."""

from __future__ import annotations

from dataclasses import dataclass, field

# Value kinds: string, integer, double, boolean, datetime, sequence.
STRING_TYPES = frozenset({"varchar", "text", "mediumtext", "longtext", "string"})


@dataclass(frozen=True)
class Attribute:
    key: str
    kind: str
    array: bool = False
    sql: str = ""  # the SQL column expression (already safely quoted)
    encrypted: bool = False

    @staticmethod
    def for_column(
        key: str, column_type: str, array: bool, sql: str, encrypted: bool = False
    ) -> Attribute:
        kind = "string" if column_type in STRING_TYPES else column_type
        return Attribute(key, kind, array, sql, encrypted)


SYSTEM_ATTRIBUTES = {
    "$id": Attribute("$id", "string", sql="_uid"),
    "$sequence": Attribute("$sequence", "sequence", sql="_id"),
    "$createdAt": Attribute("$createdAt", "datetime", sql="_createdAt"),
    "$updatedAt": Attribute("$updatedAt", "datetime", sql="_updatedAt"),
}


@dataclass(frozen=True)
class Schema:
    """Attributes by key (system ones included) and fulltext tables by column key."""

    attributes: dict[str, Attribute]
    fulltext: dict[str, str] = field(default_factory=dict)  # column key -> quoted FTS5 table

    @staticmethod
    def of(columns: list[Attribute], fulltext: dict[str, str] | None = None) -> Schema:
        attributes = dict(SYSTEM_ATTRIBUTES)
        attributes.update({c.key: c for c in columns})
        return Schema(attributes, fulltext or {})
