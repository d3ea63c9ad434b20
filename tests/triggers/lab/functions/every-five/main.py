import datetime


def main(context):
    return context.res.json(
        {
            "now": datetime.datetime.now(datetime.UTC).isoformat(),
            "body": context.req.body_text,
            "method": context.req.method,
            "event": context.req.headers.get("x-appwrite-event"),
        }
    )
