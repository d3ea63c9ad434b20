"""Every TablesDB endpoint's success body validated against Appwrite's OpenAPI spec (raw HTTP)."""

from __future__ import annotations

import json

import httpx
import jsonschema
import pytest
from appwrite.query import Query

from tests.emulator.spec import require_spec
from tests.emulator.tablesdb_support import new_id

MODELS = {
    "varchar": "columnVarchar",
    "text": "columnText",
    "mediumtext": "columnMediumtext",
    "longtext": "columnLongtext",
    "string": "columnString",
    "integer": "columnInteger",
    "float": "columnFloat",
    "boolean": "columnBoolean",
    "datetime": "columnDatetime",
    "email": "columnEmail",
    "url": "columnUrl",
    "ip": "columnIp",
    "enum": "columnEnum",
}


class Api:
    def __init__(self, emulator, spec):
        self.http = httpx.Client(
            base_url=emulator.endpoint,
            headers={"x-appwrite-project": emulator.project_id, "x-appwrite-key": emulator.api_key},
        )
        self.spec = spec

    def __call__(
        self,
        method: str,
        path: str,
        expect: int,
        body: dict | None = None,
        params=None,
        model: str | None = None,
    ):
        """Call and validate; `model` names the spec schema where the route's own is ambiguous."""
        answer = self.http.request(
            method,
            path,
            params=params,
            content=json.dumps(body or {}) if method != "GET" else None,
            headers={"content-type": "application/json"},
        )
        assert answer.status_code == expect, (method, path, answer.status_code, answer.text)
        data = (
            answer.json()
            if answer.headers["content-type"].startswith("application/json")
            else answer.content
        )
        if expect == 204:
            assert not answer.headers["content-type"].startswith("application/json") and data == b""
        if model is None:
            self.spec.check(method, path, expect, data if expect != 204 else None)
        else:
            root = {"$ref": f"#/components/schemas/{model}", "components": self.spec.components}
            jsonschema.Draft7Validator(root).validate(data)
        return data


@pytest.fixture(scope="module")
def api(emulator):
    return Api(emulator, require_spec())


def test_schema_endpoints_match_the_spec(api):
    db = new_id("spec")
    api("POST", "/tablesdb", 201, {"databaseId": db, "name": "Spec"})
    api("GET", "/tablesdb", 200)
    api("GET", f"/tablesdb/{db}", 200)
    api("PUT", f"/tablesdb/{db}", 200, {"name": "Spec 2"})
    api(
        "POST",
        f"/tablesdb/{db}/tables",
        201,
        {"tableId": "t", "name": "T", "permissions": ['read("any")']},
    )
    api("GET", f"/tablesdb/{db}/tables", 200)
    api("PUT", f"/tablesdb/{db}/tables/t", 200, {"name": "T2", "rowSecurity": True})
    base = f"/tablesdb/{db}/tables/t"
    columns = {
        "varchar": {"size": 20},
        "text": {},
        "mediumtext": {},
        "longtext": {},
        "string": {"size": 10},
        "integer": {"min": 0, "max": 9},
        "float": {"min": 0.5, "max": 2.5},
        "boolean": {},
        "datetime": {},
        "email": {},
        "url": {},
        "ip": {},
        "enum": {"elements": ["a", "b"]},
    }
    for kind, extra in columns.items():
        api("POST", f"{base}/columns/{kind}", 202, {"key": f"c_{kind}", "required": False, **extra})
        # the spec's getColumn answer is a oneOf that several column models satisfy at once
        api("GET", f"{base}/columns/c_{kind}", 200, model=MODELS[kind])
        update = {"required": False, "default": None}
        if kind == "enum":
            update["elements"] = ["a", "b", "c"]
        api("PATCH", f"{base}/columns/{kind}/c_{kind}", 200, update)
    api("GET", f"{base}/columns", 200)
    api(
        "POST",
        f"{base}/indexes",
        202,
        {"key": "ix", "type": "key", "columns": ["c_integer"], "orders": ["ASC"]},
    )
    api("POST", f"{base}/indexes", 202, {"key": "ft", "type": "fulltext", "columns": ["c_varchar"]})
    api("GET", f"{base}/indexes/ix", 200)
    api("GET", f"{base}/indexes", 200)
    api("GET", base, 200)
    api("DELETE", f"{base}/indexes/ix", 204)
    api("DELETE", f"{base}/columns/c_integer", 204)
    api("DELETE", base, 204)
    api("DELETE", f"/tablesdb/{db}", 204)


def test_row_endpoints_match_the_spec(api):
    db = new_id("spec")
    api("POST", "/tablesdb", 201, {"databaseId": db, "name": "Spec"})
    api(
        "POST",
        f"/tablesdb/{db}/tables",
        201,
        {
            "tableId": "t",
            "name": "T",
            "columns": [
                {"key": "title", "type": "varchar", "size": 20, "required": False},
                {"key": "n", "type": "integer", "required": False},
            ],
        },
    )
    rows = f"/tablesdb/{db}/tables/t/rows"
    api("POST", rows, 201, {"rowId": "r1", "data": {"title": "a", "n": 1}})
    # bulk create shares createRow's route; the spec only lists the single-row answer
    api("POST", rows, 201, {"rows": [{"$id": "r2", "title": "b"}, {"title": "c"}]}, model="rowList")
    # bulk upsert: the spec says 201, Appwrite's action sets no status (200, as single upsert)
    api("PUT", rows, 200, {"rows": [{"$id": "r2", "n": 5}]}, model="rowList")
    api("GET", f"{rows}/r1", 200)
    api("GET", rows, 200, params={"queries[0]": Query.equal("title", ["a", "b"])})
    api("PATCH", f"{rows}/r1", 200, {"data": {"title": "z"}})
    api("PATCH", f"{rows}/r1/n/increment", 200, {"value": 2})
    api("PATCH", f"{rows}/r1/n/decrement", 200, {"value": 1})
    api("PATCH", rows, 200, {"data": {"n": 0}, "queries": [Query.is_null("n")]})
    api("DELETE", f"{rows}/r1", 204)
    api("DELETE", rows, 200, {"queries": [Query.equal("title", "b")]})
    api("DELETE", f"/tablesdb/{db}", 204)


def test_transaction_endpoints_match_the_spec(api):
    db = new_id("spec")
    api("POST", "/tablesdb", 201, {"databaseId": db, "name": "Spec"})
    api(
        "POST",
        f"/tablesdb/{db}/tables",
        201,
        {
            "tableId": "t",
            "name": "T",
            "columns": [{"key": "title", "type": "varchar", "size": 20, "required": False}],
        },
    )
    txn = api("POST", "/tablesdb/transactions", 201, {"ttl": 120})["$id"]
    api("GET", "/tablesdb/transactions", 200)
    api(
        "POST",
        f"/tablesdb/transactions/{txn}/operations",
        201,
        {
            "operations": [
                {
                    "action": "create",
                    "databaseId": db,
                    "tableId": "t",
                    "rowId": "r1",
                    "data": {"title": "x"},
                }
            ]
        },
    )
    api("GET", f"/tablesdb/transactions/{txn}", 200)
    api("PATCH", f"/tablesdb/transactions/{txn}", 200, {"commit": True})
    api("DELETE", f"/tablesdb/transactions/{txn}", 204)
    api("DELETE", f"/tablesdb/{db}", 204)


def test_error_bodies_have_appwrite_shape(emulator):
    answer = httpx.get(
        f"{emulator.endpoint}/tablesdb/nope",
        headers={"x-appwrite-project": emulator.project_id, "x-appwrite-key": emulator.api_key},
    )
    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("application/json")
    assert answer.json() == {
        "message": "Database with the requested ID 'nope' could not be found.",
        "code": 404,
        "type": "database_not_found",
        "version": "1.9.6",
    }
