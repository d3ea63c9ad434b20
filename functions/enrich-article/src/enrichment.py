"""What enrichment writes on an article row, computed from the row alone (pure)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from ..shared.articles import appwrite_datetime
from ..shared.text import reading_minutes, slugify, summarize, word_count


def slug_base(row: Mapping[str, Any]) -> str:
    """The slug the title asks for; `article-<row id>` when the title has no ASCII letters or
    digits."""
    return slugify(row.get("title") or "") or slugify(f"article-{row['$id']}")


def enriched_fields(row: Mapping[str, Any], now: datetime) -> dict[str, Any]:
    """`wordCount`, `readingMinutes`, `enrichedAt`, and `summary` when the row has none
    (the author's own summary is kept). The slug is chosen separately: it needs the table."""
    body = row.get("body") or ""
    words = word_count(body)
    data: dict[str, Any] = {
        "wordCount": words,
        "readingMinutes": reading_minutes(words),
        "enrichedAt": appwrite_datetime(now),
    }
    if not (row.get("summary") or "").strip():
        summary = summarize(body)
        if summary:
            data["summary"] = summary
    return data
