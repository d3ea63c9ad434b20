"""Publish scheduled (cron `*/5 * * * *`): publishes the scheduled articles whose
`publishAt` has passed — status `published`, `publishedAt` = now, public read (of its cover
too) — earliest first, at most `PUBLISH_BATCH_LIMIT` per run; the rest go next run. One
list, then one bulk update per 100 articles whose queries re-check that each is still due,
so one published (or rescheduled) by someone else in the meantime is skipped
(publishing.py). Logs the counts and the ids.
"""

from datetime import UTC, datetime

from ..shared import App, server_client
from ..shared.covers import storage_service
from ..shared.settings import int_setting
from .publishing import due_articles, publish_all, seconds_left

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
    time_left = seconds_left(req.deadline, DEADLINE_MARGIN)
    done = publish_all(tables, storage, due, now, req.deadline, req.log, time_left=time_left)

    summary = {
        "now": now.isoformat(),
        "limit": limit,
        "due": total_due,
        "published": done.published,
        "skipped": done.skipped,
        "failed": done.failed,
        "postponed": done.postponed,
        "remaining": max(0, total_due - len(done.published) - len(done.skipped)),
    }
    req.log.info("scheduled articles published", **summary)
    return summary


def main(context):
    return app.handle(context)
