"""A realistic first request, for the SDK-choice benchmark: parse and validate a JSON
body, build a key-authenticated client, the TablesDB and Users services and a query —
everything a Newsroom handler does before its first network call."""

import resource

from ..shared import App, load_schema, server_client, validate

app = App("sdk-probe")
CREATE = load_schema(__file__, "../schemas/create.json")


@app.route("POST", "/articles")
def create(req):
    data = validate(req.json(), CREATE)
    from appwrite.query import Query
    from appwrite.services.tables_db import TablesDB
    from appwrite.services.users import Users

    client = server_client(req.headers)
    tables, users = TablesDB(client), Users(client)
    queries = [Query.equal("status", ["draft"]), Query.order_desc("$createdAt"), Query.limit(5)]
    return {
        "title": data["title"],
        "services": [type(tables).__name__, type(users).__name__],
        "queries": len(queries),
        "maxrss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    }


def main(context):
    return app.handle(context)
