import os

from appwrite.client import Client
from appwrite.services.tables_db import TablesDB


def main(context):
    row = context.req.body
    client = (
        Client()
        .set_endpoint(os.environ["APPWRITE_FUNCTION_API_ENDPOINT"])
        .set_project(os.environ["APPWRITE_FUNCTION_PROJECT_ID"])
        .set_key(context.req.headers["x-appwrite-key"])
    )
    # A classic mistake: reacting to an update with another update of the same row.
    TablesDB(client).update_row("lab", "loops", row["$id"], {"count": row["count"] + 1})
    return context.res.json({"count": row["count"] + 1})
