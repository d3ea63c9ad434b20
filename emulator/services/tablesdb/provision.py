"""Provision the emulator's TablesDB from `appwrite.json`: databases, tables, columns, indexes.

Idempotent: existing databases and tables get the manifest's name, permissions,
rowSecurity and enabled flag; missing columns and indexes are added; nothing is
dropped (as `appwrite push` adds without deleting data).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from emulator.core.errors import AppwriteError
from emulator.core.state import EmulatorState
from emulator.manifest import Manifest, load_manifest
from emulator.manifest.model import ColumnSpec
from emulator.services.tablesdb import columns as col
from emulator.services.tablesdb.registry import Registry
from emulator.services.tablesdb.routes import add_column, add_index, table_permissions


@dataclass
class ProvisionReport:
    """What a run created (ids as `database/table[/key]`)."""

    databases: list[str] = field(default_factory=list)
    tables: list[str] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    indexes: list[str] = field(default_factory=list)


def _column_params(column: ColumnSpec) -> tuple[str, dict]:
    return col.inline_definition(
        {
            "key": column.key,
            "type": column.type,
            "format": column.format,
            "required": column.required,
            "array": column.array,
            "size": column.size,
            "default": column.default,
            "min": column.min,
            "max": column.max,
            "elements": list(column.elements),
            "encrypt": column.encrypt,
        }
    )


def provision(state: EmulatorState, manifest: Manifest | str | Path) -> ProvisionReport:
    """Create what `manifest` (a loaded `Manifest` or the path of appwrite.json) declares."""
    if not isinstance(manifest, Manifest):
        manifest = load_manifest(manifest)
    registry = Registry(state.db)
    report = ProvisionReport()
    for database in manifest.databases:
        try:
            registry.get_database(database.id)
            registry.update_database(database.id, database.name, database.enabled)
        except AppwriteError as exc:
            if exc.type != "database_not_found":
                raise
            registry.create_database(database.id, database.name, database.enabled)
            report.databases.append(database.id)
    for spec in manifest.tables:
        permissions = table_permissions(list(spec.permissions))
        try:
            table = registry.get_table(spec.database_id, spec.id)
            table = registry.update_table(
                table, spec.name, permissions, spec.row_security, spec.enabled
            )
        except AppwriteError as exc:
            if exc.type != "table_not_found":
                raise
            table = registry.create_table(
                spec.database_id, spec.id, spec.name, permissions, spec.row_security, spec.enabled
            )
            report.tables.append(f"{spec.database_id}/{spec.id}")
        for column in spec.columns:
            if table.column(column.key) is None:
                kind, params = _column_params(column)
                add_column(registry, table, kind, params)
                table = registry.get_table(spec.database_id, spec.id)
                report.columns.append(f"{spec.database_id}/{spec.id}/{column.key}")
        for index in spec.indexes:
            if table.index(index.key) is None:
                add_index(
                    registry,
                    table,
                    {
                        "key": index.key,
                        "type": index.type,
                        "columns": list(index.columns),
                        "orders": list(index.orders),
                    },
                )
                table = registry.get_table(spec.database_id, spec.id)
                report.indexes.append(f"{spec.database_id}/{spec.id}/{index.key}")
    return report
