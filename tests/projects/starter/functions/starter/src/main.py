"""A function shaped like Appwrite's Python starter template (appwrite/templates,
python/starter), written for this test: it pins the same SDK range (23.x), whose
`Users.list()` returns a model object, and reads `.total` from it."""

import os

from appwrite.client import Client
from appwrite.exception import AppwriteException
from appwrite.services.users import Users


def main(context):
    client = (
        Client()
        .set_endpoint(os.environ["APPWRITE_FUNCTION_API_ENDPOINT"])
        .set_project(os.environ["APPWRITE_FUNCTION_PROJECT_ID"])
        .set_key(context.req.headers.get("x-appwrite-key", ""))
    )
    try:
        listing = Users(client).list()
        context.log(f"users: {listing.total}")
    except AppwriteException as error:
        context.error(f"listing users failed: {error!r}")

    if context.req.path == "/ping":
        return context.res.text("Pong")
    return context.res.json({"hello": "from a starter-shaped function"})
