import os

from appwrite.client import Client
from appwrite.services.tables_db import TablesDB


def main(context):
    note = context.req.body  # content-type is application/json for events
    client = (
        Client()
        .set_endpoint(os.environ["APPWRITE_FUNCTION_API_ENDPOINT"])
        .set_project(os.environ["APPWRITE_FUNCTION_PROJECT_ID"])
        .set_key(context.req.headers["x-appwrite-key"])
    )
    TablesDB(client).create_row(
        "lab",
        "marks",
        note["$id"],
        {"noteId": note["$id"], "event": context.req.headers["x-appwrite-event"]},
    )
    return context.res.json(
        {"marked": note["$id"], "table": note["$tableId"], "database": note["$databaseId"]}
    )
