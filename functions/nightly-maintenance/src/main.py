"""Nightly maintenance (cron `0 3 * * *`).

1. Purges archived articles archived more than `ARCHIVE_RETENTION_DAYS` ago.
2. Purges users who never verified their email, registered more than `UNVERIFIED_USER_DAYS`
   ago, as a user deletion does (unpublished articles, profile, user).
3. Upserts the `daily_stats` row of the day that just ended.

Purging goes in batches and stops before the timeout (or the time budget); the next run
carries on where this one stopped. The stats are written at the end of every run and are
recomputed, not added to, so running it twice in a day changes nothing more.
"""

import time
from datetime import UTC, datetime

from ..shared import App, server_client
from ..shared.settings import int_setting
from . import stats
from .purge import purge_archived_articles, purge_unverified_users
from .schedule import Budget, ReportDay, cutoff, run_batches, stop_at

TIMEOUT = 300
app = App("nightly-maintenance", timeout=TIMEOUT)
STATS_RESERVE = 20.0  # seconds kept for the stats at the end
MAX_IDS = 100  # ids listed per kind in the answer and the log (the counts are complete)


@app.on_schedule
def maintain(req):
    started = time.monotonic()
    archive_days = int_setting("ARCHIVE_RETENTION_DAYS", default=90, minimum=1, maximum=36500)
    unverified_days = int_setting("UNVERIFIED_USER_DAYS", default=30, minimum=1, maximum=36500)
    size = int_setting("MAINTENANCE_BATCH_SIZE", default=100, minimum=1, maximum=100)
    budget_seconds = int_setting(
        "MAINTENANCE_TIME_BUDGET_SECONDS", default=TIMEOUT, minimum=0, maximum=TIMEOUT
    )
    budget = Budget(stop_at(started, req.deadline, budget_seconds, STATS_RESERVE))
    now = datetime.now(UTC)

    from appwrite.services.tables_db import TablesDB
    from appwrite.services.users import Users

    client = server_client(req.headers)
    tables, users = TablesDB(client), Users(client)
    steps = [
        (
            "articles",
            lambda: purge_archived_articles(tables, cutoff(now, archive_days), size, req.deadline),
        ),
        (
            "users",
            lambda: purge_unverified_users(
                tables, users, cutoff(now, unverified_days), size, req.deadline
            ),
        ),
    ]
    purged, finished = run_batches(steps, budget, size)

    row = stats.collect(tables, users, ReportDay.before(now), req.deadline)
    stats.write(tables, row, req.deadline)
    summary = {
        "now": now.isoformat(),
        "finished": finished,
        "purged": {"articles": len(purged["articles"]), "users": len(purged["users"])},
        "purgedArticles": purged["articles"][:MAX_IDS],
        "purgedUsers": purged["users"][:MAX_IDS],
        "stats": row,
    }
    req.log.info("nightly maintenance", **summary)
    return summary


def main(context):
    return app.handle(context)
