"""A list whose rows SQLite writes as JSON (issue 13 item 6) answers the same bytes as the
rows' models encoded in Python: every character, the 64-bit integer limits, NULLs,
booleans, arrays, permissions — and a list SQLite cannot write exactly (a select, a double
column) is still answered, by Python. The rows are real rows in a real SQLite file; the same over
HTTP: `test_tablesdb_fastpaths.py`."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emulator.core.query import parse_queries, plan_queries
from emulator.core.sqlite import Database
from emulator.http.responses import json_body
from emulator.services.tablesdb import columns as col
from emulator.services.tablesdb.registry import Registry
from emulator.services.tablesdb.rows import Rows

pytestmark = pytest.mark.sdk_free  # no SDK call: the SDK 27 pass of `make test` skips it

INT64 = (-(2**63), 2**63 - 1)
# Every character UTF-8 can hold (no lone surrogates: SQLite stores text as UTF-8): all of
# the first 2,048 — ASCII's escapes, C1 controls, two-byte UTF-8 — then a sample of the rest,
# and the ones JSON encoders are known to treat specially.
SWEEP = "".join(
    chr(c)
    for c in [*range(0x800), *range(0x800, 0x110000, 251), 0x2028, 0x2029, 0xFEFF, 0xFFFE, 0xFFFF]
    if not 0xD800 <= c <= 0xDFFF
)
TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=12) | st.sampled_from(
    ["\\u00e9", '"', "\\", "\x00", "\x7f", "\u2028", "😀", "é"]
)
ROLES = ['read("any")', 'read("user:a-b.c_d")', 'read("team:t/owner")', 'read("label:vip")']


def _flat_spec(kind: str, key: str, **extra) -> dict:
    return col.build_spec(kind, {"key": key, "required": False, **extra})


@pytest.fixture
def store(tmp_path):
    """(Rows, table) on a SQLite file: a table of every column kind SQLite writes itself
    (all but doubles)."""
    db = Database(tmp_path / "db.sqlite3")
    registry = Registry(db)
    registry.create_database("d", "D", True)
    registry.create_table("d", "t", "T", [], True, True)
    for spec in (
        _flat_spec("text", "body"),
        _flat_spec("integer", "n", min=INT64[0], max=INT64[1]),
        _flat_spec("datetime", "due"),
        _flat_spec("enum", "state", elements=["draft", "live"]),
        _flat_spec("email", "mail"),
        _flat_spec("boolean", "done"),
        _flat_spec("varchar", "tags", size=200, array=True),
        _flat_spec("integer", "counts", array=True),
        _flat_spec("boolean", "flags", array=True),
        _flat_spec("datetime", "dates", array=True),
    ):
        registry.add_column(registry.get_table("d", "t"), spec)
    return Rows(db), registry


def _insert(rows: Rows, registry: Registry, row_id: str, data: dict, permissions: list[str]):
    table = registry.get_table("d", "t")
    rows.insert(table, row_id, rows.prepare(table, data, None, allow_dates=True), permissions)


def _both(rows: Rows, registry: Registry, queries: list[str] = ()):
    """The list as SQLite writes it (None when it does not) and as Python encodes it."""
    table = registry.get_table("d", "t")
    plan = plan_queries(parse_queries(list(queries)), table.schema())
    rendered = rows.find_rendered(table, plan)
    total, models = rows.find_models(table, plan)
    return rendered, (total, [json_body(m).decode() for m in models])


def test_this_sqlite_is_probed_once_and_agrees_with_the_sweep(tmp_path):
    db = Database(tmp_path / "db.sqlite3")
    written = db.execute("SELECT json_object('s', ?, 'n', ?)", (SWEEP, INT64[0])).fetchone()[0]
    agrees = written == json.dumps(
        {"s": SWEEP, "n": INT64[0]}, ensure_ascii=False, separators=(",", ":")
    )
    assert db.writes_json_as_python() is agrees
    assert db._json_exact is agrees  # kept: the probe runs once per connection


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.fixed_dictionaries(
            {},
            optional={
                "body": TEXT,
                "n": st.integers(*INT64),
                "due": st.sampled_from(["2026-03-01T12:00:00+02:00", "1999-12-31T23:59:59.999Z"]),
                "state": st.sampled_from(["draft", "live"]),
                "mail": st.sampled_from(["a@b.io", "x.y+z@example.com"]),
                "done": st.booleans() | st.none(),
                "tags": st.lists(TEXT, max_size=3) | st.none(),
                "counts": st.lists(st.integers(*INT64), max_size=3),
                "flags": st.lists(st.booleans(), max_size=3),
                "dates": st.lists(st.sampled_from(["2026-03-01T12:00:00+02:00"]), max_size=2),
            },
        ),
        max_size=8,
    ),
    st.lists(st.sampled_from(ROLES), unique=True, max_size=3),
)
def test_sqlite_writes_each_row_as_python_encodes_its_model(store, data, permissions):
    rows, registry = store
    if not rows.db.writes_json_as_python():
        pytest.skip("this SQLite writes JSON otherwise: lists are encoded by Python here")
    rows.db.execute(f"DELETE FROM {registry.get_table('d', 't').sql}")
    for i, values in enumerate(data):
        _insert(rows, registry, f"r{i}", values, permissions)
    rendered, encoded = _both(rows, registry)
    assert rendered == encoded


def test_the_sweep_and_the_integer_limits_are_written_as_python_encodes_them(store):
    rows, registry = store
    if not rows.db.writes_json_as_python():
        pytest.skip("this SQLite writes JSON otherwise: lists are encoded by Python here")
    _insert(rows, registry, "sweep", {"body": SWEEP, "n": INT64[0]}, ROLES)
    _insert(rows, registry, "top", {"n": INT64[1], "state": "live"}, [])
    rendered, encoded = _both(rows, registry)
    assert rendered == encoded and rendered[0] == 2
    assert json.loads(rendered[1][0])["body"] == SWEEP


def test_what_sqlite_cannot_write_exactly_is_left_to_python(store):
    rows, registry = store
    _insert(rows, registry, "a", {"body": "x", "n": 1}, [])
    rendered, encoded = _both(rows, registry, ['{"method":"select","values":["body"]}'])
    assert rendered is None and json.loads(encoded[1][0])["body"] == "x"
    for spec in (_flat_spec("float", "score"), _flat_spec("float", "scores", array=True)):
        registry.add_column(registry.get_table("d", "t"), spec)
        rendered, encoded = _both(rows, registry)
        assert rendered is None and encoded[0] == 1
        registry.delete_column(registry.get_table("d", "t"), spec["key"])
    rows.db._json_exact = False  # an SQLite whose JSON differs: not asked
    assert _both(rows, registry)[0] is None
