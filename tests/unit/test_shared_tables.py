"""tables.py: the one place table and bucket ids are named agrees with appwrite.json, and
the functions name no table or bucket but through it."""

import json
import pathlib
import re

from shared import tables

ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_ids_are_those_of_the_manifest():
    manifest = json.loads((ROOT / "appwrite.json").read_text())
    assert [db["$id"] for db in manifest["tablesDB"]] == [tables.DATABASE_ID]
    assert sorted(t["$id"] for t in manifest["tables"]) == sorted(tables.ALL)
    assert sorted(b["$id"] for b in manifest["buckets"]) == sorted(tables.BUCKETS)


def test_no_function_spells_a_table_id_itself():
    """Table and bucket ids reach the SDK only through shared.tables: no `DATABASE_ID,
    "articles"`, no `"newsroom"`, no `storage.get_file("covers", …)`, no module constant of
    its own."""
    spelled = re.compile(
        r"""DATABASE_ID,\s*["']|["']newsroom["']"""
        r"""|^\s*[A-Z_]+\s*=\s*["'](profiles|articles|audit_log|daily_stats|covers)["']"""
        r"""|\(\s*["']covers["']""",
        re.MULTILINE,
    )
    sources = [
        *sorted((ROOT / "functions").glob("*/src/*.py")),
        *sorted((ROOT / "shared").glob("*.py")),
    ]
    offenders = [
        f"{path.relative_to(ROOT)}: {match.group(0)!r}"
        for path in sources
        if path.name != "tables.py"
        for match in spelled.finditer(path.read_text())
    ]
    assert offenders == []
