import datetime
import os

from appwrite.client import Client
from appwrite.services.tables_db import TablesDB


def main(context):
    now = datetime.datetime.now(datetime.UTC)
    client = (
        Client()
        .set_endpoint(os.environ["APPWRITE_FUNCTION_API_ENDPOINT"])
        .set_project(os.environ["APPWRITE_FUNCTION_PROJECT_ID"])
        .set_key(context.req.headers["x-appwrite-key"])
    )
    row = TablesDB(client).create_row("lab", "ticks", "unique()", {"seen": now.isoformat()})
    return context.res.json(
        {"row": row["$id"], "createdAt": row["$createdAt"], "seen": now.isoformat()}
    )
