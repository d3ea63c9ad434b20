"""Enriching one article row, whatever a previous run did: the steps of README.md
"Idempotency", shared by the event handler and the sweep."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from ..shared import audit, retry
from ..shared.gone import fetch_or_none
from ..shared.tables import ARTICLES, DATABASE_ID
from .author_count import ENRICHED, sync_article_count
from .enrichment import enriched_fields, slug_base
from .slugs import update_with_free_slug


def enrich(tables: Any, row_id: str, deadline: float, log: Any) -> dict[str, Any]:
    """Enrich the row if it still needs it; the answer of the execution."""
    row = fetch_or_none(lambda: tables.get_row(DATABASE_ID, ARTICLES, row_id), deadline=deadline)
    if row is None:
        log.info("article gone, nothing to enrich", row=row_id)
        return {"rowId": row_id, "enriched": False, "reason": "row_not_found"}
    if row.get("enrichedAt"):
        log.info("article already enriched", row=row_id)
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
        subject_table=ARTICLES,
        subject_id=row_id,
        details={"title": (row.get("title") or "")[:120]},
        deadline=deadline,
    )
    # 2. the author's articleCount := size of that set (only ever raised)
    article_count = sync_article_count(tables, row["authorId"], deadline)
    # 3. the derived fields and enrichedAt, the "done" marker, in one write
    fields = enriched_fields(row, datetime.now(UTC))
    if row.get("slug"):
        updated = retry(
            lambda: tables.update_row(DATABASE_ID, ARTICLES, row_id, fields), deadline=deadline
        )
    else:
        updated = update_with_free_slug(tables, row_id, slug_base(row), fields, deadline, log)

    log.info(
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
