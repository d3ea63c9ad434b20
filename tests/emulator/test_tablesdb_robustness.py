"""Whatever a caller sends to a TablesDB route, the answer is an Appwrite 4xx error, never a 500."""

from __future__ import annotations

import json

import httpx
import pytest
from appwrite.services.tables_db import TablesDB

from tests.emulator.tablesdb_support import new_id, plain

BODIES = [
    b"",
    b"{",
    b"[]",
    b'"text"',
    b"null",
    b"{}",
    json.dumps({"data": 5, "rows": "x", "queries": "x", "permissions": "x"}).encode(),
    json.dumps({"data": [1], "rowId": {"a": 1}, "queries": [1, None], "rows": [1, "x"]}).encode(),
    json.dumps(
        {"rowId": "ok", "data": {"n": {"nested": True}}, "permissions": ['read("any")', 5]}
    ).encode(),
    json.dumps(
        {"databaseId": 5, "tableId": [], "name": None, "enabled": "maybe", "rowSecurity": {}}
    ).encode(),
    json.dumps(
        {
            "key": "k",
            "required": "yes",
            "size": "big",
            "min": "a",
            "max": [],
            "default": {},
            "array": 2,
            "elements": "x",
            "newKey": 7,
        }
    ).encode(),
    json.dumps(
        {"key": "ix", "type": "spatial", "columns": "n", "orders": ["UP"], "lengths": ["x"]}
    ).encode(),
    json.dumps(
        {"columns": [1, {"type": "nope"}], "indexes": [None], "tableId": "tt", "name": "n"}
    ).encode(),
    json.dumps({"value": "1", "max": "x", "min": None}).encode(),
    json.dumps(
        {
            "queries": [
                '{"method":"equal","attribute":"n","values":[{"$gt":1}]}',
                '{"method":"or","values":[1,2]}',
                "x" * 5000,
            ]
        }
    ).encode(),
    json.dumps({"rows": [{"$id": "bad id!", "n": 1}, {"$permissions": "x"}]}).encode(),
    json.dumps(
        {
            "operations": [
                {"action": "create"},
                {
                    "action": "bulkUpdate",
                    "databaseId": "x",
                    "tableId": "y",
                    "data": {"queries": "x"},
                },
            ],
            "ttl": "x",
        }
    ).encode(),
    json.dumps({"commit": "yes", "rollback": [], "transactionId": "nope"}).encode(),
    b'{"value": 1e999, "max": -1e999, "data": {"n": 1e999}, "rowId": "big"}',
    json.dumps({"value": 2**70, "data": {"n": 2**70, "s": "x"}, "rowId": "huge"}).encode(),
]
QUERY_STRINGS = [
    "queries=x",
    "queries[0]=%7B",
    "queries[0][method]=equal",
    "queries[]=1&queries[x]=2",
    "total=maybe",
    "queries[0]=" + json.dumps({"method": "select", "values": [5]}),
    "search[0]=a",
    "queries[0]=" + json.dumps({"method": "cursorAfter", "values": [{"a": 1}]}),
    "queries[0]=" + json.dumps({"method": "limit", "values": [1.5]}),
    "queries[0]=" + json.dumps({"method": "equal", "attribute": "n", "values": [2**70]}),
    "queries[0]="
    + json.dumps({"method": "greaterThan", "attribute": "$sequence", "values": ["9" * 30]}),
    'queries[0]={"method":"equal","attribute":"n","values":[1e999]}',
]


@pytest.fixture(scope="module")
def paths(emulator):
    tdb = TablesDB(emulator.client().set_key(emulator.api_key))
    db = new_id("robust")
    tdb.create(db, "Robust")
    tdb.create_table(db, "t", "T")
    tdb.create_integer_column(db, "t", "n", False)
    tdb.create_varchar_column(db, "t", "s", 10, False)
    tdb.create_index(db, "t", "ix", "key", ["n"])
    tdb.create_row(db, "t", "r1", {"n": 1})
    txn = plain(tdb.create_transaction())["$id"]
    base = f"/tablesdb/{db}/tables/t"
    routes = [
        ("GET", "/tablesdb"),
        ("POST", "/tablesdb"),
        ("GET", f"/tablesdb/{db}"),
        ("PUT", f"/tablesdb/{db}"),
        ("GET", f"/tablesdb/{db}/tables"),
        ("POST", f"/tablesdb/{db}/tables"),
        ("GET", base),
        ("PUT", base),
        ("GET", f"{base}/columns"),
        ("GET", f"{base}/columns/n"),
        ("GET", f"{base}/indexes"),
        ("POST", f"{base}/indexes"),
        ("GET", f"{base}/indexes/ix"),
        ("GET", f"{base}/rows"),
        ("POST", f"{base}/rows"),
        ("PUT", f"{base}/rows"),
        ("PATCH", f"{base}/rows"),
        ("GET", f"{base}/rows/r1"),
        ("PUT", f"{base}/rows/r2"),
        ("PATCH", f"{base}/rows/r1"),
        ("PATCH", f"{base}/rows/r1/n/increment"),
        ("PATCH", f"{base}/rows/r1/s/decrement"),
        ("POST", f"{base}/rows/query"),
        ("GET", "/tablesdb/transactions"),
        ("POST", "/tablesdb/transactions"),
        ("PATCH", f"/tablesdb/transactions/{txn}"),
        ("POST", f"/tablesdb/transactions/{txn}/operations"),
        ("GET", "/tablesdb/bad$id/tables/t/rows"),
        ("GET", f"/tablesdb/{db}/tables/{'x' * 40}/rows/r1"),
    ]
    for kind in (
        "varchar",
        "integer",
        "float",
        "boolean",
        "datetime",
        "email",
        "enum",
        "text",
        "string",
    ):
        routes += [("POST", f"{base}/columns/{kind}"), ("PATCH", f"{base}/columns/{kind}/n")]
    return routes


def test_no_body_or_query_string_causes_a_server_error(emulator, paths):
    # one connection per request keeps hundreds of calls quick
    headers = {
        "x-appwrite-project": emulator.project_id,
        "x-appwrite-key": emulator.api_key,
        "connection": "close",
    }
    failures = []
    with httpx.Client(base_url=emulator.endpoint, headers=headers) as http:
        for method, path in paths:
            attempts = (
                [(q, None) for q in QUERY_STRINGS]
                if method == "GET"
                else [(None, b) for b in BODIES]
            )
            for query, body in attempts:
                url = f"{path}?{query}" if query else path
                answer = http.request(
                    method, url, content=body, headers={"content-type": "application/json"}
                )
                if answer.status_code >= 500 or (
                    answer.status_code >= 400 and "message" not in answer.json()
                ):
                    failures.append((method, url, body, answer.status_code, answer.text[:200]))
    assert failures == []
