import os


def main(context):
    req = context.req
    if req.path == "/sleep":
        import time

        time.sleep(float(req.query.get("s", "1")))
        return context.res.text("slept")
    if req.path == "/status":
        return context.res.text("", int(req.query.get("code", "200")))
    if req.path == "/write":  # this function's scopes are rows.read only
        from appwrite.client import Client
        from appwrite.exception import AppwriteException
        from appwrite.services.tables_db import TablesDB

        client = (
            Client()
            .set_endpoint(os.environ["APPWRITE_FUNCTION_API_ENDPOINT"])
            .set_project(os.environ["APPWRITE_FUNCTION_PROJECT_ID"])
            .set_key(req.headers["x-appwrite-key"])
        )
        try:
            TablesDB(client).create_row("lab", "notes", "unique()", {"text": "from echo"})
            return context.res.json({"wrote": True})
        except AppwriteException as e:
            return context.res.json({"code": e.code, "type": e.type, "message": e.message}, 403)
    context.log("echo", req.method, req.path)
    return context.res.json(
        {
            "method": req.method,
            "path": req.path,
            "query": req.query,
            "body": req.body_text,
            "headers": req.headers,
            "function": os.environ.get("APPWRITE_FUNCTION_ID"),
        },
        200,
        {"x-echo": "1"},
    )
