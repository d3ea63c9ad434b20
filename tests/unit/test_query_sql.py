"""Queries translated to SQL and run on a real SQLite table: Appwrite semantics, bound values."""

import json
import sqlite3

import pytest
from appwrite.query import Query as Q

from emulator.core.query import Attribute, Schema, parse_queries, plan_queries, sql

SCHEMA = Schema.of(
    [
        Attribute.for_column("title", "varchar", False, '"title"'),
        Attribute.for_column("n", "integer", False, '"n"'),
        Attribute.for_column("done", "boolean", False, '"done"'),
        Attribute.for_column("due", "datetime", False, '"due"'),
        Attribute.for_column("tags", "varchar", True, '"tags"'),
    ],
    fulltext={"title": '"fts"'},
)
ROWS = [
    ("a", "Hello world", 1, 1, "2026-01-01T00:00:00.000+00:00", ["x", "y"]),
    ("b", "Hello there", 2, 0, "2026-02-01T00:00:00.000+00:00", ["y"]),
    ("c", "100% pure_fun", 3, 0, None, []),
    ("d", None, None, None, None, None),
]


@pytest.fixture(scope="module")
def conn():
    db = sqlite3.connect(":memory:")
    db.execute(
        "CREATE TABLE t (_id INTEGER PRIMARY KEY, _uid TEXT, _createdAt TEXT, _updatedAt TEXT, "
        '"title" TEXT, "n" INTEGER, "done" INTEGER, "due" TEXT, "tags" TEXT)'
    )
    db.execute('CREATE VIRTUAL TABLE fts USING fts5("title", content="t", content_rowid="_id")')
    for i, (uid, title, n, done, due, tags) in enumerate(ROWS, start=1):
        db.execute(
            "INSERT INTO t VALUES (?,?,?,?,?,?,?,?,?)",
            (
                i,
                uid,
                f"2026-01-0{i}T00:00:00.000+00:00",
                "",
                title,
                n,
                done,
                due,
                None if tags is None else json.dumps(tags),
            ),
        )
    db.execute("INSERT INTO fts(fts) VALUES ('rebuild')")
    return db


def ids(conn, *queries):
    plan = plan_queries(parse_queries(list(queries)), SCHEMA)
    clause, params = sql.where(plan.filters, SCHEMA)
    terms = sql.order_terms(plan.orders)
    rows = conn.execute(f"SELECT _uid FROM t WHERE {clause} ORDER BY {sql.order_by(terms)}", params)
    return [r[0] for r in rows]


@pytest.mark.parametrize(
    "query, expected",
    [
        (Q.equal("n", [1, 3]), ["a", "c"]),
        (Q.not_equal("n", 1), ["b", "c"]),
        (Q.less_than("n", 2), ["a"]),
        (Q.less_than_equal("n", 2), ["a", "b"]),
        (Q.greater_than("n", 1), ["b", "c"]),
        (Q.greater_than_equal("n", 3), ["c"]),
        (Q.between("n", 1, 2), ["a", "b"]),
        (Q.not_between("n", 1, 2), ["c"]),
        (Q.is_null("n"), ["d"]),
        (Q.is_not_null("title"), ["a", "b", "c"]),
        (Q.starts_with("title", "Hello"), ["a", "b"]),
        (Q.not_starts_with("title", "Hello"), ["c"]),
        (Q.ends_with("title", "world"), ["a"]),
        (Q.not_ends_with("title", "world"), ["b", "c"]),
        (Q.starts_with("title", "100%"), ["c"]),
        (Q.starts_with("title", "1_0"), []),
        (Q.contains("title", "pure_f"), ["c"]),
        (Q.contains("title", "%"), ["c"]),
        (Q.contains("tags", "x"), ["a"]),
        (Q.contains("tags", ["x", "y"]), ["a", "b"]),
        (Q.not_contains("tags", "x"), ["b", "c"]),
        (Q.equal("done", True), ["a"]),
        (Q.greater_than("due", "2026-01-15T00:00:00+00:00"), ["b"]),
        (Q.less_than("due", "2026-01-01T01:00:00+01:00"), []),
        (Q.created_before("2026-01-02T12:00:00.000+00:00"), ["a", "b"]),
        (Q.equal("$id", "c"), ["c"]),
        (Q.or_queries([Q.equal("n", 1), Q.is_null("n")]), ["a", "d"]),
        (Q.and_queries([Q.greater_than("n", 1), Q.less_than("n", 3)]), ["b"]),
        (Q.search("title", "hello"), ["a", "b"]),
        (Q.search("title", "wor"), ["a"]),
        (Q.search("title", "there world"), ["a", "b"]),
        (Q.search("title", '"hello world"'), ["a"]),
        (Q.search("title", "+(*)"), []),
        (Q.not_search("title", "hello"), ["c", "d"]),
    ],
)
def test_filters_have_appwrite_semantics(conn, query, expected):
    assert sorted(ids(conn, query)) == expected


def test_order_and_tie_breaker(conn):
    assert ids(conn, Q.order_desc("n")) == ["c", "b", "a", "d"]
    assert ids(conn, Q.order_asc("done")) == ["d", "b", "c", "a"]
    assert ids(conn) == ["a", "b", "c", "d"]


@pytest.mark.parametrize(
    "value",
    ["'; DROP TABLE t; --", "x') OR ('1'='1", '" OR 1=1 --', "x\\'y", "\x00", "%' OR 1 --"],
)
def test_hostile_values_are_bound_never_spliced(conn, value):
    for query in (
        Q.equal("title", value),
        Q.starts_with("title", value),
        Q.contains("tags", value),
        Q.search("title", value),
    ):
        plan = plan_queries(parse_queries([query]), SCHEMA)
        clause, params = sql.where(plan.filters, SCHEMA)
        assert value not in clause
        conn.execute(f"SELECT _uid FROM t WHERE {clause}", params).fetchall()
    assert conn.execute("SELECT count(*) FROM t").fetchone()[0] == 4


def test_cursor_condition_pages_through_in_order(conn):
    plan = plan_queries(parse_queries([Q.order_desc("n"), Q.is_not_null("n")]), SCHEMA)
    terms = sql.order_terms(plan.orders)
    cursor_row = {'"n"': 2, "_id": 2}
    after, params = sql.cursor_condition(terms, cursor_row, before=False)
    rows = conn.execute(
        f"SELECT _uid FROM t WHERE n IS NOT NULL AND {after} ORDER BY {sql.order_by(terms)}", params
    )
    assert [r[0] for r in rows] == ["a"]
    before, params = sql.cursor_condition(terms, cursor_row, before=True)
    rows = conn.execute(
        f"SELECT _uid FROM t WHERE n IS NOT NULL AND {before} ORDER BY {sql.order_by(terms)}",
        params,
    )
    assert [r[0] for r in rows] == ["c"]


def test_fulltext_expression_mirrors_boolean_mode():
    # Appwrite appends `*` to the term: only the last word is a prefix
    assert sql.fulltext_expression("hello wor") == '"hello" OR "wor"*'
    assert sql.fulltext_expression('"exact phrase"') == '"exact phrase"'
    # words under 3 characters and InnoDB stopwords match nothing, unless they are the prefix
    assert sql.fulltext_expression('a"b') == '"b"*'
    assert sql.fulltext_expression("the cat sat on") == '"cat" OR "sat" OR "on"*'
    assert sql.fulltext_expression("cat.") == '"cat"'
    assert sql.fulltext_expression("  ") is None
    assert sql.fulltext_expression("@+-") is None
