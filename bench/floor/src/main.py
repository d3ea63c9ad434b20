"""The first-request floor (issue 13, item 4): a function that only imports what every
Newsroom function must — `appwrite.client` and `jsonschema` — validates a small body and
makes `x-bench-calls` API calls with the execution's key, the SDK's own way (one
`requests.request` per call). Nothing else: no routing, no helpers, no lazy loading."""

import json
import os

import jsonschema
from appwrite.client import Client

SCHEMA = {"type": "object", "properties": {"n": {"type": "integer"}}}


def main(context):
    jsonschema.validate({"n": 1}, SCHEMA)
    env = os.environ
    client = (
        Client()
        .set_endpoint(env["APPWRITE_FUNCTION_API_ENDPOINT"])
        .set_project(env["APPWRITE_FUNCTION_PROJECT_ID"])
        .set_key(context.req.headers["x-appwrite-key"])
    )
    calls = int(context.req.headers.get("x-bench-calls", "1"))
    query = json.dumps({"method": "limit", "values": [1]})
    for _ in range(calls):
        client.call("get", "/users", {"content-type": "application/json"}, {"queries": [query]})
    return context.res.json({"calls": calls})
