"""Every JSON Schema a function ships is a valid schema of its draft (decision 0019).

At run time `shared.validation` builds a schema's validator without checking the schema
against its metaschema (that check cost 2–9 ms of every cold worker's first request), so
a broken schema must fail here, in CI, before it is deployed: each schema file under a
function's (or the benchmark probe's) `schemas/`, and every file a source loads with
`load_schema(__file__, "...")`, is checked with its own draft's `check_schema`.
"""

import json
import re
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError
from jsonschema.validators import validator_for

from shared.validation import compile_schema, load_schema

ROOT = Path(__file__).resolve().parents[2]
DEPLOYMENTS = sorted(p.parent for p in ROOT.glob("functions/*/src")) + [ROOT / "bench" / "probe"]
SCHEMA_FILES = sorted(f for d in DEPLOYMENTS for f in (d / "schemas").glob("*.json"))
LOADS = re.compile(r"""load_schema\(\s*__file__\s*,\s*["']([^"']+)["']\s*\)""")


def _loaded_by_sources() -> set[Path]:
    return {
        (source.parent / relative).resolve()
        for d in DEPLOYMENTS
        for source in (d / "src").rglob("*.py")
        for relative in LOADS.findall(source.read_text(encoding="utf-8"))
    }


def test_every_schema_a_function_loads_is_one_of_the_checked_files():
    loaded = _loaded_by_sources()
    assert len(loaded) >= 17  # the probe found the functions' schemas
    assert loaded <= {f.resolve() for f in SCHEMA_FILES}


@pytest.mark.parametrize("path", SCHEMA_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_a_shipped_schema_is_valid_for_its_draft(path):
    schema = json.loads(path.read_text(encoding="utf-8"))
    cls = validator_for(schema)  # the draft `$schema` names; run time picks it the same way
    assert cls is Draft202012Validator, "our schemas are written for draft 2020-12"
    cls.check_schema(schema)  # raises SchemaError naming what is wrong


def test_the_check_fails_for_a_broken_schema():
    with pytest.raises(SchemaError):
        validator_for({"type": 12}).check_schema({"type": 12})
    with pytest.raises(SchemaError):  # `pattern` must be a regular expression
        Draft202012Validator.check_schema({"type": "string", "pattern": "("})


def test_compile_schema_still_checks_when_asked_and_run_time_does_not(tmp_path):
    with pytest.raises(SchemaError):
        compile_schema({"type": 12})
    compile_schema({"type": 12}, check=False)  # built as is: the tests above are the check
    (tmp_path / "odd.json").write_text('{"type": "object", "minProperties": -1}')
    odd = load_schema(str(tmp_path / "main.py"), "odd.json")
    assert odd.errors({}) == []  # no SchemaError on first use any more
