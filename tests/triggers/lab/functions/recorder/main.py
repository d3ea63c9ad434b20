def main(context):
    h = context.req.headers
    return context.res.json(
        {
            "event": h.get("x-appwrite-event"),
            "trigger": h.get("x-appwrite-trigger"),
            "contentType": h.get("content-type"),
            "userAgent": h.get("user-agent"),
            "userId": h.get("x-appwrite-user-id"),
            "jwt": h.get("x-appwrite-user-jwt"),
            "body": context.req.body,
        }
    )
