"""The manifest as typed, immutable values (built only from a manifest that passed the checks)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .catalog import DEFAULT_TIMEOUT


@dataclass(frozen=True)
class FunctionSpec:
    """One `functions[]` entry. `path` is absolute; `entrypoint` is relative to it."""

    id: str
    name: str
    runtime: str
    path: Path
    entrypoint: str
    commands: str = ""
    execute: tuple[str, ...] = ()
    events: tuple[str, ...] = ()
    schedule: str = ""  # "" = no schedule; otherwise 5-field cron, UTC
    timeout: int = DEFAULT_TIMEOUT
    enabled: bool = True
    logging: bool = True
    scopes: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()  # extra ignore patterns (gitignore syntax), in order
    vars: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}), hash=False)
    build_specification: str | None = None
    runtime_specification: str | None = None
    deployment_retention: int | None = None

    @property
    def entrypoint_path(self) -> Path:
        """Absolute path of the entrypoint file."""
        return self.path / self.entrypoint


@dataclass(frozen=True)
class ColumnSpec:
    """One column; `default` is None when absent or null. `format` "" means none."""

    key: str
    type: str
    required: bool = False
    array: bool = False
    size: int | None = None
    default: Any = None
    min: int | float | None = None
    max: int | float | None = None
    format: str = ""
    elements: tuple[str, ...] = ()
    related_table: str | None = None
    relation_type: str | None = None
    two_way: bool = False
    two_way_key: str | None = None
    on_delete: str | None = None
    side: str | None = None
    encrypt: bool = False


@dataclass(frozen=True)
class IndexSpec:
    """One index: `type` is key, unique, fulltext or spatial;
    `orders` may be shorter than `columns`."""

    key: str
    type: str
    columns: tuple[str, ...]
    orders: tuple[str, ...] = ()


@dataclass(frozen=True)
class DatabaseSpec:
    """One `tablesDB[]` entry."""

    id: str
    name: str
    enabled: bool = True


@dataclass(frozen=True)
class TableSpec:
    """One `tables[]` entry. `row_security` defaults to True when omitted,
    as in the Appwrite CLI."""

    id: str
    database_id: str
    name: str
    enabled: bool = True
    row_security: bool = True
    permissions: tuple[str, ...] = ()
    columns: tuple[ColumnSpec, ...] = ()
    indexes: tuple[IndexSpec, ...] = ()

    def column(self, key: str) -> ColumnSpec:
        """The column named `key` (KeyError if none)."""
        for column in self.columns:
            if column.key == key:
                return column
        raise KeyError(key)


@dataclass(frozen=True)
class BucketSpec:
    """One `buckets[]` entry; absent settings are None (the server's defaults apply)."""

    id: str
    name: str
    permissions: tuple[str, ...] = ()
    file_security: bool | None = None
    enabled: bool | None = None
    maximum_file_size: int | None = None
    allowed_file_extensions: tuple[str, ...] | None = None
    compression: str | None = None
    encryption: bool | None = None
    antivirus: bool | None = None

    def settings(self) -> dict[str, Any]:
        """The settings this entry names, by their API names."""
        named = {
            "fileSecurity": self.file_security,
            "enabled": self.enabled,
            "maximumFileSize": self.maximum_file_size,
            "allowedFileExtensions": (
                None if self.allowed_file_extensions is None else list(self.allowed_file_extensions)
            ),
            "compression": self.compression,
            "encryption": self.encryption,
            "antivirus": self.antivirus,
        }
        return {key: value for key, value in named.items() if value is not None}


@dataclass(frozen=True)
class Manifest:
    """A checked `appwrite.json`: `root` is the folder holding it, `source` the file itself."""

    project_id: str
    root: Path
    source: Path
    functions: tuple[FunctionSpec, ...] = ()
    databases: tuple[DatabaseSpec, ...] = ()
    tables: tuple[TableSpec, ...] = ()
    project_name: str | None = None
    buckets: tuple[BucketSpec, ...] = ()

    def function(self, function_id: str) -> FunctionSpec:
        """The function with id `function_id` (KeyError if none)."""
        for function in self.functions:
            if function.id == function_id:
                return function
        raise KeyError(function_id)

    def table(self, database_id: str, table_id: str) -> TableSpec:
        """The table `table_id` of database `database_id` (KeyError if none)."""
        for table in self.tables:
            if (table.database_id, table.id) == (database_id, table_id):
                return table
        raise KeyError(f"{database_id}/{table_id}")


def ignore_patterns(value: object) -> tuple[str, ...]:
    """`ignore` as a list of patterns: accepts a list or a newline-separated string
    (both CLIs do)."""
    lines = (
        value.splitlines() if isinstance(value, str) else value if isinstance(value, list) else []
    )
    return tuple(line.strip() for line in lines if isinstance(line, str) and line.strip())


def _number(value: Any) -> int | float | None:
    if value is None:
        return None
    number = float(value)
    return int(number) if number.is_integer() else number


def build_manifest(data: dict[str, Any], source: Path) -> Manifest:
    """Typed view of `data`, which must already pass `check_manifest`."""
    root = source.parent
    return Manifest(
        project_id=data["projectId"],
        project_name=data.get("projectName"),
        root=root,
        source=source,
        functions=tuple(_function(f, root) for f in data.get("functions", [])),
        databases=tuple(
            DatabaseSpec(d["$id"], d["name"], d.get("enabled", True))
            for d in data.get("tablesDB", [])
        ),
        tables=tuple(_table(t) for t in data.get("tables", [])),
        buckets=tuple(_bucket(b) for b in data.get("buckets", [])),
    )


def _bucket(b: dict[str, Any]) -> BucketSpec:
    size = b.get("maximumFileSize")
    extensions = b.get("allowedFileExtensions")
    return BucketSpec(
        id=b["$id"],
        name=b["name"],
        permissions=tuple(b.get("$permissions", ())),
        file_security=b.get("fileSecurity"),
        enabled=b.get("enabled"),
        maximum_file_size=None if size is None else int(size),
        allowed_file_extensions=None if extensions is None else tuple(extensions),
        compression=b.get("compression"),
        encryption=b.get("encryption"),
        antivirus=b.get("antivirus"),
    )


def _function(f: dict[str, Any], root: Path) -> FunctionSpec:
    retention = f.get("deploymentRetention")
    return FunctionSpec(
        id=f["$id"],
        name=f["name"],
        runtime=f["runtime"],
        path=(root / f["path"]).resolve(),
        entrypoint=f["entrypoint"],
        commands=f.get("commands", ""),
        execute=tuple(f.get("execute", ())),
        events=tuple(f.get("events", ())),
        schedule=f.get("schedule", "").strip(),
        timeout=int(f.get("timeout", DEFAULT_TIMEOUT)),
        enabled=f.get("enabled", True),
        logging=f.get("logging", True),
        scopes=tuple(f.get("scopes", ())),
        ignore=ignore_patterns(f.get("ignore")),
        vars=MappingProxyType(dict(f.get("vars", {}))),
        build_specification=f.get("buildSpecification"),
        runtime_specification=f.get("runtimeSpecification"),
        deployment_retention=None if retention is None else int(retention),
    )


def _table(t: dict[str, Any]) -> TableSpec:
    return TableSpec(
        id=t["$id"],
        database_id=t["databaseId"],
        name=t["name"],
        enabled=t.get("enabled", True),
        row_security=t.get("rowSecurity", True),
        permissions=tuple(t.get("$permissions", ())),
        columns=tuple(_column(c) for c in t.get("columns", [])),
        indexes=tuple(
            IndexSpec(i["key"], i["type"], tuple(i["columns"]), tuple(i.get("orders", ())))
            for i in t.get("indexes", [])
        ),
    )


def _column(c: dict[str, Any]) -> ColumnSpec:
    size = c.get("size")
    return ColumnSpec(
        key=c["key"],
        type=c["type"],
        required=c.get("required", False),
        array=c.get("array", False),
        size=None if size is None else int(size),
        default=c.get("default"),
        min=_number(c.get("min")),
        max=_number(c.get("max")),
        format=c.get("format") or "",
        elements=tuple(c.get("elements", ())),
        related_table=c.get("relatedTable"),
        relation_type=c.get("relationType"),
        two_way=c.get("twoWay", False),
        two_way_key=c.get("twoWayKey"),
        on_delete=c.get("onDelete"),
        side=c.get("side"),
        encrypt=c.get("encrypt", False),
    )
