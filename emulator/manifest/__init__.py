"""The project manifest (`appwrite.json`): load it as typed specs, or check it for problems.

    from emulator.manifest import load_manifest
    manifest = load_manifest("appwrite.json")      # raises ManifestError listing every problem
    manifest.function("articles").entrypoint_path

Checks = the Appwrite CLI's config schema (`schema.json`, unknown keys rejected) plus the rules
Appwrite's server applies (events, cron, scopes, roles, columns, indexes,
buckets) and on-disk checks.
"""

from .checks import check_manifest
from .loader import FILE_NAMES, find_manifest, load_manifest, read_manifest
from .model import (
    BucketSpec,
    ColumnSpec,
    DatabaseSpec,
    FunctionSpec,
    IndexSpec,
    Manifest,
    TableSpec,
)
from .problems import ManifestError, Problem

__all__ = [
    "FILE_NAMES",
    "BucketSpec",
    "ColumnSpec",
    "DatabaseSpec",
    "FunctionSpec",
    "IndexSpec",
    "Manifest",
    "ManifestError",
    "Problem",
    "TableSpec",
    "check_manifest",
    "find_manifest",
    "load_manifest",
    "read_manifest",
]
