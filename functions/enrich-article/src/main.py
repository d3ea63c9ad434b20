"""Enrich article (event `databases.newsroom.tables.articles.rows.*.create`).

Fills a new article's `slug` (unique), `wordCount`, `readingMinutes`, `summary` (when
empty) and `enrichedAt`, records an `article.enriched` audit row and brings the author's
`articleCount` up to date. Safe to run again for the same row, whatever step a previous
run stopped at (order explained in README.md). It only updates rows, and is subscribed to
`create` only, so its own writes never trigger it.
"""

from datetime import UTC, datetime

from ..shared import App, BadRequest, audit, load_schema, retry, server_client
from ..shared.articles import DATABASE_ID, TABLE_ID
from .author_count import ENRICHED, sync_article_count
from .enrichment import enriched_fields, slug_base
from .slugs import update_with_free_slug

# The event body is the whole row, and `body` is a mediumtext column (up to 16 MiB).
app = App("enrich-article", timeout=30, max_body_bytes=32 * 1024 * 1024)
ROW_EVENT = load_schema(__file__, "../schemas/article-row-event.json")


@app.on_event("databases.newsroom.tables.articles.rows.*.create")
def enrich(req):
    row_id = ROW_EVENT.validate(req.json())["$id"]
    if req.event.row not in ("*", row_id):
        raise BadRequest(
            f"The event is for row {req.event.row} but its body is row {row_id}.",
            code="event_mismatch",
        )

    from appwrite.services.tables_db import TablesDB

    tables = TablesDB(server_client(req.headers))
    row = _current_row(tables, row_id, req.deadline)
    if row is None:
        req.log.info("article gone, nothing to enrich", row=row_id)
        return {"rowId": row_id, "enriched": False, "reason": "row_not_found"}
    if row.get("enrichedAt"):
        req.log.info("article already enriched", row=row_id)
        return {
            "rowId": row_id,
            "enriched": False,
            "reason": "already_enriched",
            "slug": row.get("slug"),
        }

    # 1. the audit row: the article joins the author's set of counted articles (once, by key)
    audit.record(
        tables,
        f"enrich:{row_id}",
        ENRICHED,
        actor_id=row["authorId"],
        subject_table=TABLE_ID,
        subject_id=row_id,
        details={"title": row.get("title", "")[:120]},
        deadline=req.deadline,
    )
    # 2. the author's articleCount := size of that set (only ever raised)
    article_count = sync_article_count(tables, row["authorId"], req.deadline)
    # 3. the derived fields and enrichedAt, the "done" marker, in one write
    fields = enriched_fields(row, datetime.now(UTC))
    if row.get("slug"):
        updated = retry(
            lambda: tables.update_row(DATABASE_ID, TABLE_ID, row_id, fields), deadline=req.deadline
        )
    else:
        updated = update_with_free_slug(
            tables, row_id, slug_base(row), fields, req.deadline, req.log
        )

    req.log.info(
        "article enriched",
        row=row_id,
        slug=updated["slug"],
        words=updated["wordCount"],
        author=row["authorId"],
        articleCount=article_count,
    )
    return {
        "rowId": row_id,
        "enriched": True,
        "slug": updated["slug"],
        "wordCount": updated["wordCount"],
        "readingMinutes": updated["readingMinutes"],
        "summary": updated.get("summary"),
        "authorArticleCount": article_count,
    }


def _current_row(tables, row_id, deadline):
    """The row as it is now (the event body may be stale); None if it was deleted."""
    try:
        return retry(lambda: tables.get_row(DATABASE_ID, TABLE_ID, row_id), deadline=deadline)
    except Exception as exc:
        if getattr(exc, "code", None) == 404:
            return None
        raise


def main(context):
    return app.handle(context)
