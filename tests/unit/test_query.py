"""Parsing and validating Appwrite queries: the SDK's JSON in, Appwrite's messages out."""

import json

import pytest
from appwrite.query import Query as Q

from emulator.core.query import (
    Attribute,
    QueryError,
    Schema,
    parse_queries,
    parse_query,
    plan_queries,
)

SCHEMA = Schema.of(
    [
        Attribute.for_column("title", "varchar", False, '"title"'),
        Attribute.for_column("n", "integer", False, '"n"'),
        Attribute.for_column("score", "double", False, '"score"'),
        Attribute.for_column("done", "boolean", False, '"done"'),
        Attribute.for_column("due", "datetime", False, '"due"'),
        Attribute.for_column("tags", "varchar", True, '"tags"'),
    ],
    fulltext={"title": '"fts"'},
)


def plan(*queries):
    return plan_queries(parse_queries(list(queries)), SCHEMA)


def error(*queries) -> str:
    with pytest.raises(QueryError) as info:
        plan(*queries)
    return info.value.message


def test_sdk_queries_parse_into_nodes():
    query = parse_query(Q.equal("n", [1, 2]))
    assert (query.method, query.attribute, query.values) == ("equal", "n", [1, 2])
    nested = parse_query(Q.or_queries([Q.equal("n", 1), Q.is_null("title")]))
    assert [q.method for q in nested.values] == ["equal", "isNull"]
    assert parse_query(Q.is_null("title")).values == []


@pytest.mark.parametrize(
    "text, message",
    [
        ("not json", "Invalid query: Syntax error"),
        ('"a string"', "Invalid query. Must be an array, got string"),
        ("[1]", "Invalid query. Must be an array, got array"),
        ('{"method":"regex","attribute":"a","values":["x"]}', "Invalid query method: regex"),
        ('{"method":"drop table"}', "Invalid query method: drop table"),
        (
            '{"method":"equal","attribute":1,"values":[1]}',
            "Invalid query attribute. Must be a string, got integer",
        ),
        (
            '{"method":"equal","attribute":"a","values":"x"}',
            "Invalid query values. Must be an array, got string",
        ),
    ],
)
def test_malformed_queries_are_rejected_with_appwrite_text(text, message):
    with pytest.raises(QueryError) as info:
        parse_query(text)
    assert info.value.message == message


def test_a_full_plan():
    result = plan(
        Q.equal("title", "x"),
        Q.order_desc("n"),
        Q.limit(5),
        Q.offset(10),
        Q.cursor_after("row1"),
        Q.select(["title", "n"]),
    )
    assert [f.method for f in result.filters] == ["equal"]
    assert [(a.key, d) for a, d in result.orders] == [("n", "DESC")]
    assert (result.limit, result.offset, result.cursor) == (5, 10, ("after", "row1"))
    assert result.select == ["title", "n"]


@pytest.mark.parametrize(
    "query, message",
    [
        (Q.equal("nope", "x"), "Invalid query: Attribute not found in schema: nope"),
        (
            Q.equal('title" OR 1=1 --', "x"),
            'Invalid query: Attribute not found in schema: title" OR 1=1 --',
        ),
        (Q.order_asc("nope"), "Invalid query: Attribute not found in schema: nope"),
        (Q.select(["nope"]), "Invalid query: Attribute not found in schema: nope"),
        (Q.equal("n", "1"), 'Invalid query: Query value is invalid for attribute "n"'),
        (Q.equal("n", 1.5), 'Invalid query: Query value is invalid for attribute "n"'),
        (Q.equal("done", 1), 'Invalid query: Query value is invalid for attribute "done"'),
        (Q.equal("score", "1"), 'Invalid query: Query value is invalid for attribute "score"'),
        (
            Q.greater_than("due", "yesterday"),
            'Invalid query: Query value is invalid for attribute "due"',
        ),
        (Q.equal("title", 3), 'Invalid query: Query value is invalid for attribute "title"'),
        (Q.equal("title", []), "Invalid query: Equal queries require at least one value."),
        (
            '{"method":"notEqual","attribute":"n","values":[1,2]}',
            "Invalid query: NotEqual queries require exactly one value.",
        ),
        (
            '{"method":"between","attribute":"n","values":[1]}',
            "Invalid query: Between queries require exactly two values.",
        ),
        (
            Q.equal("tags", "a"),
            'Invalid query: Cannot query equal on attribute "tags" because it is an array.',
        ),
        (
            Q.contains("n", 1),
            'Invalid query: Cannot query contains on attribute "n" because it is not an array, '
            "string, or object.",
        ),
        (Q.or_queries([Q.equal("n", 1)]), "Invalid query: Or queries require at least two queries"),
        (
            Q.and_queries([Q.equal("n", 1), Q.limit(1)]),
            "Invalid query: And queries can only contain filter queries",
        ),
        (
            Q.limit(0),
            "Invalid query: Invalid limit: Value must be a valid range between 1 and "
            "9,223,372,036,854,775,807",
        ),
        (
            Q.offset(-1),
            "Invalid query: Invalid offset: Value must be a valid range between 0 and "
            "9,223,372,036,854,775,807",
        ),
        (
            Q.cursor_after("x" * 37),
            "Invalid query: Invalid cursor: UID must contain at most 36 chars. "
            "Valid chars are a-z, A-Z, 0-9, and underscore. Can't start with a leading underscore",
        ),
        (
            Q.equal("n", list(range(501))),
            "Invalid query: Query on attribute has greater than 500 values: n",
        ),
        (Q.search("n", "x"), 'Invalid query: Query value is invalid for attribute "n"'),
        (
            Q.search("tags", "x"),
            'Invalid query: Cannot query search on attribute "tags" because it is an array.',
        ),
    ],
)
def test_invalid_queries_get_appwrite_messages(query, message):
    assert error(query) == message


def test_search_needs_a_fulltext_index_on_exactly_that_column():
    schema = Schema.of([Attribute.for_column("body", "text", False, '"body"')])
    with pytest.raises(QueryError) as info:
        plan_queries([parse_query(Q.search("body", "x"))], schema)
    assert info.value.message == 'Searching by attribute "body" requires a fulltext index.'
    assert [f.method for f in plan(Q.search("title", "hello")).filters] == ["search"]


def test_system_attributes_are_queryable():
    result = plan(
        Q.equal("$id", "a"),
        Q.created_after("2026-01-01T00:00:00.000+00:00"),
        Q.updated_between("2026-01-01", "2026-02-01"),
        Q.equal("$sequence", "3"),
        Q.order_asc("$createdAt"),
    )
    assert len(result.filters) == 4


def test_is_null_takes_no_values_and_arrays_allow_contains():
    assert plan(
        Q.is_null("tags"), Q.contains("tags", ["a", "b"]), Q.not_contains("title", "x")
    ).filters


def test_unserved_methods_answer_a_query_error():
    text = json.dumps({"method": "intersects", "attribute": "title", "values": [[1, 2]]})
    assert error(text).startswith("Invalid query: Cannot query intersects")


@pytest.mark.parametrize(
    "query", [Q.equal("n", 2**70), Q.equal("$sequence", 2**70), Q.equal("score", float("inf"))]
)
def test_values_sqlite_cannot_hold_are_invalid(query):
    assert error(query).startswith("Invalid query: Query value is invalid for attribute")
