"""Enrich article (event `databases.newsroom.tables.articles.rows.*.create`, and a sweep
every 5 minutes).

Fills a new article's `slug` (unique), `wordCount`, `readingMinutes`, `summary` (when
empty) and `enrichedAt`, records an `article.enriched` audit row and brings the author's
`articleCount` up to date, from the row the event carries (re-read only when that row is
not a whole, unenriched version, or has changed since). Safe to run again for the same
row, whatever step a previous run stopped at (order explained in README.md). It only
updates rows, and is subscribed to `create` only, so its own writes never trigger it. The
schedule enriches the articles whose event never arrived (sweep.py): the product does not
depend on every event.
"""

import time
from datetime import UTC, datetime

from ..shared import App, BadRequest, load_schema, server_client
from ..shared.errors import to_http
from ..shared.settings import int_setting
from .enrich import enrich
from .sweep import listed, missed

# The event body is the whole row, and `body` is a mediumtext column (up to 16 MiB).
app = App("enrich-article", timeout=30, max_body_bytes=32 * 1024 * 1024)
ROW_EVENT = load_schema(__file__, "../schemas/article-row-event.json")
MARGIN = 5.0  # seconds kept free before the timeout


def tables_for(req):
    from appwrite.services.tables_db import TablesDB

    return TablesDB(server_client(req.headers))


@app.on_event("databases.newsroom.tables.articles.rows.*.create")
def on_create(req):
    row = ROW_EVENT.validate(req.json())
    if req.event.row not in ("*", row["$id"]):
        raise BadRequest(
            f"The event is for row {req.event.row} but its body is row {row['$id']}.",
            code="event_mismatch",
        )
    return enrich(tables_for(req), row, req.deadline, req.log)


@app.on_schedule
def sweep(req):
    limit = int_setting("ENRICH_SWEEP_LIMIT", default=50, minimum=1, maximum=500)
    tables = tables_for(req)
    ids, total = missed(tables, datetime.now(UTC), limit, req.deadline)
    enriched, failed, postponed = [], [], []
    for position, (row_id, row) in enumerate(listed(tables, ids, req.deadline, req.log)):
        if time.monotonic() > req.deadline - MARGIN:
            postponed = ids[position:]
            break
        if row is None:  # enriched by a late event, or deleted, since the listing
            continue
        try:
            done = enrich(tables, row, req.deadline, req.log)
        except Exception as exc:  # one bad article must not hold back the others
            failed.append(row_id)
            req.log.error("could not enrich", row=row_id, error=to_http(exc).code)
            continue
        if done["enriched"]:
            enriched.append(row_id)
    summary = {
        "missed": total,
        "enriched": enriched,
        "failed": failed,
        "postponed": postponed,
        "remaining": max(0, total - len(enriched)),
    }
    req.log.info("enrichment sweep", **summary)
    return summary


def main(context):
    return app.handle(context)
