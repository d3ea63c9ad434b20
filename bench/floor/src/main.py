"""The first-request floor (issue 13, item 4): a function that only imports what every
Newsroom function must — `appwrite.client` and `jsonschema` — validates a small body and
makes `x-bench-calls` API calls with the execution's key on one kept-alive connection
(the transport the Newsroom functions use). Nothing else: no routing, no helpers."""

import json
import os

import appwrite.client
import jsonschema
import requests

SCHEMA = {"type": "object", "properties": {"n": {"type": "integer"}}}
_session = requests.Session()


class _KeptAlive:
    """The SDK's `requests.request` on one session (as shared/connections.py does)."""

    def __getattr__(self, name):
        return getattr(requests, name)

    def request(self, method, url, **kwargs):
        return _session.request(method=method, url=url, **kwargs)


appwrite.client.requests = _KeptAlive()


def main(context):
    jsonschema.validate({"n": 1}, SCHEMA)
    client = (
        appwrite.client.Client()
        .set_endpoint(os.environ["APPWRITE_FUNCTION_API_ENDPOINT"])
        .set_project(os.environ["APPWRITE_FUNCTION_PROJECT_ID"])
        .set_key(context.req.headers["x-appwrite-key"])
    )
    calls = int(context.req.headers.get("x-bench-calls", "1"))
    query = json.dumps({"method": "limit", "values": [1]})
    for _ in range(calls):
        client.call("get", "/users", {"content-type": "application/json"}, {"queries": [query]})
    return context.res.json({"calls": calls})
