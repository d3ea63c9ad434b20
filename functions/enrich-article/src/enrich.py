"""Enriching one article row, whatever a previous run did: the steps of README.md
"Idempotency", shared by the event handler and the sweep.

The fields are derived from the row as it was given (the event's body, a row of the sweep's
listing) when that is a whole version of an unenriched article (`whole_version`), and from
the row re-read otherwise. Their write is conditional on that version (slugs.py): when the
row changed in the meantime it is re-read and the fields derived again, at most
`MAX_VERSIONS` times.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from ..shared import Conflict, audit
from ..shared.gone import fetch_or_none
from ..shared.tables import ARTICLES, DATABASE_ID
from .author_count import ENRICHED, article_count, raise_article_count
from .enrichment import enriched_fields
from .slugs import write_if_unchanged

# What the fields are derived from, and the version they are written on.
ROW_FIELDS = ("$id", "$updatedAt", "authorId", "title", "body", "summary", "slug", "enrichedAt")
MAX_VERSIONS = 3


def whole_version(row: Mapping[str, Any]) -> bool:
    """Every column the fields are derived from is there (a missing `summary` must not pass
    for an empty one), with the version, and the article is not enriched."""
    return all(key in row for key in ROW_FIELDS) and not row["enrichedAt"]


def _reread(tables: Any, row_id: str, deadline: float) -> dict | None:
    return fetch_or_none(lambda: tables.get_row(DATABASE_ID, ARTICLES, row_id), deadline=deadline)


def _nothing_to_do(row_id: str, row: Mapping[str, Any] | None, log: Any) -> dict | None:
    """The answer when the article is gone or already enriched; None when it needs enriching."""
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
    return None


def enrich(tables: Any, given: Mapping[str, Any], deadline: float, log: Any) -> dict[str, Any]:
    """Enrich the article `given` (a row, or at least its `$id`) if it still needs it; the
    answer of the execution."""
    row_id = given["$id"]
    row = given if whole_version(given) else _reread(tables, row_id, deadline)
    if (skipped := _nothing_to_do(row_id, row, log)) is not None:
        return skipped
    author = row["authorId"]

    # 1. the audit row: the article joins the author's set of counted articles (once, by key)
    audit.record(
        tables,
        f"enrich:{row_id}",
        ENRICHED,
        actor_id=author,
        subject_table=ARTICLES,
        subject_id=row_id,
        details={"title": (row.get("title") or "")[:120]},
        deadline=deadline,
    )
    # 2. the author's articleCount := size of that set (only ever raised)
    count = raise_article_count(tables, author, deadline)
    # 3. the derived fields and enrichedAt, the "done" marker, on the version they come from
    for _ in range(MAX_VERSIONS):
        fields = enriched_fields(row, datetime.now(UTC))
        updated = write_if_unchanged(tables, row, fields, deadline, log)
        if updated is None:  # edited, enriched by another run, or deleted since `row`
            row = _reread(tables, row_id, deadline)
            if row is not None and row.get("enrichedAt") == fields["enrichedAt"]:
                updated = row  # our own write, whose answer was lost (a retried 5xx)
            elif (skipped := _nothing_to_do(row_id, row, log)) is not None:
                return skipped
            else:
                continue
        if count is None:
            count = article_count(tables, author, deadline)
        log.info(
            "article enriched",
            row=row_id,
            slug=updated["slug"],
            words=updated["wordCount"],
            author=author,
            articleCount=count,
        )
        return {
            "rowId": row_id,
            "enriched": True,
            "slug": updated["slug"],
            "wordCount": updated["wordCount"],
            "readingMinutes": updated["readingMinutes"],
            "summary": updated.get("summary"),
            "authorArticleCount": count,
        }
    raise Conflict(
        f"Article {row_id} changed {MAX_VERSIONS} times while it was being enriched; the "
        "sweep enriches it later.",
        code="article_changing",
    )
