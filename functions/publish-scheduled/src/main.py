"""Publish scheduled (cron `*/5 * * * *`): publishes the scheduled articles whose
`publishAt` has passed — status `published`, `publishedAt` = now, public read (of its cover
too) — earliest first, at most `PUBLISH_BATCH_LIMIT` per run; the rest go next run. Each
article is re-read before it is published, so one published (or rescheduled) by someone else
in the meantime is skipped. Logs the counts and the ids.
"""

import time
from datetime import UTC, datetime

from ..shared import App, server_client
from ..shared.covers import storage_service
from ..shared.errors import to_http
from ..shared.settings import int_setting
from .publishing import due_articles, publish_if_due

app = App("publish-scheduled", timeout=60)
DEADLINE_MARGIN = 5.0  # seconds kept free before the timeout


@app.on_schedule
def publish_due(req):
    limit = int_setting("PUBLISH_BATCH_LIMIT", default=50, minimum=1, maximum=1000)
    now = datetime.now(UTC)

    from appwrite.services.tables_db import TablesDB

    client = server_client(req.headers)
    tables, storage = TablesDB(client), storage_service(client)
    due, total_due = due_articles(tables, now, limit, req.deadline)
    published, skipped, failed, postponed = [], [], [], []
    for row in due:
        if time.monotonic() > req.deadline - DEADLINE_MARGIN:
            postponed.append(row["$id"])
            continue
        try:
            done = publish_if_due(tables, storage, row["$id"], now, req.deadline, req.log)
        except Exception as exc:  # one bad article must not hold back the others
            failed.append(row["$id"])
            req.log.error("could not publish", row=row["$id"], error=to_http(exc).code)
            continue
        (published if done else skipped).append(row["$id"])

    summary = {
        "now": now.isoformat(),
        "limit": limit,
        "due": total_due,
        "published": published,
        "skipped": skipped,
        "failed": failed,
        "postponed": postponed,
        "remaining": max(0, total_due - len(published) - len(skipped)),
    }
    req.log.info("scheduled articles published", **summary)
    return summary


def main(context):
    return app.handle(context)
