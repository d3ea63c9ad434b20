"""Nightly maintenance (cron `0 3 * * *`).

1. Migrates row permissions: every article and profile gets the read-only `$permissions`
   of the current rule (rows written by older versions granted their users writes) — the
   rows updated since the last complete walk under the same rule (permissions.py) —, and
   checks the covers that can have drifted since: those of the articles walked and the
   files updated since; a cover whose article is gone is removed (at most
   `MAINTENANCE_BATCH_SIZE` per run, audited), the others get their article's read
   permissions; then `COVER_CHECK_PAGES` pages of the bucket's rolling check (covers.py).
2. Purges archived articles archived more than `ARCHIVE_RETENTION_DAYS` ago, with their
   covers.
3. Purges users who never verified their email, registered more than `UNVERIFIED_USER_DAYS`
   ago, as a user deletion does (covers and unpublished articles, profile, user).
4. Upserts the `daily_stats` row of the day that just ended.

Migrating and purging go in batches and stop before the timeout (or the time budget); the
next run carries on. The stats are written at the end of every run and are recomputed, not
added to, so running it twice in a day changes nothing more.

`POST /migrations/permissions` (an HTTP execution; `execute` is empty, so API keys and the
Console only) runs step 1 over every row and every cover, removing no cover: right after
deploying a new version, without waiting for 03:00.
"""

import time
from datetime import UTC, datetime

from ..shared import App, server_client
from ..shared.covers import storage_service
from ..shared.settings import int_setting
from ..shared.tables import COVERS
from . import stats
from .covers import Found
from .permissions import check_permissions
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
    cover_pages = int_setting("COVER_CHECK_PAGES", default=10, minimum=0, maximum=100)
    budget_seconds = int_setting(
        "MAINTENANCE_TIME_BUDGET_SECONDS", default=TIMEOUT, minimum=0, maximum=TIMEOUT
    )
    stop = stop_at(started, req.deadline, budget_seconds, STATS_RESERVE)
    now = datetime.now(UTC)

    from appwrite.services.tables_db import TablesDB
    from appwrite.services.users import Users

    client = server_client(req.headers)
    tables, users, storage = TablesDB(client), Users(client), storage_service(client)
    found = Found()
    migrated, migrated_all = check_permissions(
        tables,
        storage,
        Budget(stop),
        req.deadline,
        now,
        limit=size,
        rolling_pages=cover_pages,
        found=found,
    )
    steps = [
        (
            "articles",
            lambda: purge_archived_articles(
                tables, storage, cutoff(now, archive_days), size, req.deadline
            ),
        ),
        (
            "users",
            lambda: purge_unverified_users(
                tables, users, storage, cutoff(now, unverified_days), size, req.deadline
            ),
        ),
    ]
    purged, finished = run_batches(steps, Budget(stop), size)

    row = stats.collect(tables, users, ReportDay.before(now), req.deadline)
    stats.write(tables, row, req.deadline)
    summary = {
        "now": now.isoformat(),
        "finished": finished and not found.more,  # purges; orphans beyond the batch
        "permissions": {
            **{table: len(ids) for table, ids in migrated.items()},
            COVERS: len(found.repaired),
            "finished": migrated_all,
        },
        "purged": {
            "articles": len(purged["articles"]),
            "users": len(purged["users"]),
            COVERS: len(found.removed),
        },
        "purgedArticles": purged["articles"][:MAX_IDS],
        "purgedUsers": purged["users"][:MAX_IDS],
        "purgedCovers": found.removed[:MAX_IDS],
        "stats": row,
    }
    req.log.info("nightly maintenance", **summary)
    return summary


@app.route("POST", "/migrations/permissions")
def migrate_now(req):
    from appwrite.services.tables_db import TablesDB

    client = server_client(req.headers)
    tables, storage = TablesDB(client), storage_service(client)
    stop = stop_at(time.monotonic(), req.deadline, TIMEOUT, 0.0)
    found = Found()
    migrated, finished = check_permissions(
        tables, storage, Budget(stop), req.deadline, datetime.now(UTC), everything=True, found=found
    )
    summary = {
        **{table: len(ids) for table, ids in migrated.items()},
        COVERS: len(found.repaired),
        "finished": finished,
    }
    req.log.info("permissions migrated", **summary)
    return summary


def main(context):
    return app.handle(context)
