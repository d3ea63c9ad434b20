"""The author's `articleCount`, derived from the audit log so that it counts each article once.

Appwrite cannot increment one row and write a marker on another atomically (a TablesDB
transaction could, but the local emulator has none), so a plain increment is either
lost or doubled by a crash between the two writes. Instead the count is *derived*: it is
the number of `article.enriched` audit rows of the author (one per article, unique by
idempotency key), and it is written with a conditional bulk update that only ever raises
it. Re-running this after any crash, duplicate delivery or concurrent enrichment of the
same author converges on the same value; a stale, smaller count never overwrites a newer one.
"""

from __future__ import annotations

from typing import Any

from ..shared import retry
from ..shared.articles import DATABASE_ID
from ..shared.audit import TABLE_ID as AUDIT_TABLE

PROFILES = "profiles"
ENRICHED = "article.enriched"


def enriched_articles(tables: Any, author_id: str, deadline: float) -> int:
    """How many articles of this author have an `article.enriched` audit row."""
    from appwrite.query import Query

    found = retry(
        lambda: tables.list_rows(
            DATABASE_ID,
            AUDIT_TABLE,
            [
                Query.equal("action", [ENRICHED]),
                Query.equal("actorId", [author_id]),
                Query.limit(1),
            ],
        ),
        deadline=deadline,
    )
    return int(found["total"])


def sync_article_count(tables: Any, author_id: str, deadline: float) -> int | None:
    """Raise the profile's `articleCount` to the audited count; the profile's count after
    that, or None when the author has no profile (yet)."""
    from appwrite.query import Query

    count = enriched_articles(tables, author_id, deadline)
    raised = retry(
        lambda: tables.update_rows(
            DATABASE_ID,
            PROFILES,
            {"articleCount": count},
            [
                Query.equal("$id", [author_id]),
                Query.or_queries(
                    [Query.is_null("articleCount"), Query.less_than("articleCount", count)]
                ),
            ],
        ),
        deadline=deadline,
    )
    if raised["total"]:
        return count
    try:
        profile = retry(lambda: tables.get_row(DATABASE_ID, PROFILES, author_id), deadline=deadline)
    except Exception as exc:
        if getattr(exc, "code", None) == 404:
            return None
        raise
    return profile.get("articleCount")
