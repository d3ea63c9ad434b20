"""The author's `articleCount`, derived from the audit log so that it counts each article once.

A plain increment next to a marker row is either lost or doubled by a crash between the
two writes. A TablesDB transaction (Appwrite has them, and so does the local emulator)
could write the two atomically; the count is derived instead because that needs no
transaction, survives any number of deliveries of the same event, and brings a count that
fell behind (a lost run) back up on the author's next enrichment. The count is the
number of `article.enriched` audit rows of the author (one per article, unique by
idempotency key), and it is written with a conditional bulk update that only ever raises
it. Re-running this after any crash, duplicate delivery or concurrent enrichment of the
same author converges on the same value; a stale, smaller count never overwrites a newer one.
"""

from __future__ import annotations

from typing import Any

from ..shared import retry
from ..shared.gone import fetch_or_none
from ..shared.tables import AUDIT_LOG, DATABASE_ID, PROFILES

ENRICHED = "article.enriched"


def enriched_articles(tables: Any, author_id: str, deadline: float) -> int:
    """How many articles of this author have an `article.enriched` audit row."""
    from appwrite.query import Query

    found = retry(
        lambda: tables.list_rows(
            DATABASE_ID,
            AUDIT_LOG,
            [
                Query.equal("action", [ENRICHED]),
                Query.equal("actorId", [author_id]),
                Query.limit(1),
            ],
        ),
        deadline=deadline,
    )
    return int(found["total"])


def raise_article_count(tables: Any, author_id: str, deadline: float) -> int | None:
    """Raise the profile's `articleCount` to the audited count; that count when this call
    raised it, None when the profile already had at least as much, or there is no profile
    (yet): `article_count` then says which."""
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
    return count if raised["total"] else None


def article_count(tables: Any, author_id: str, deadline: float) -> int | None:
    """The profile's `articleCount`; None when the author has no profile."""
    profile = fetch_or_none(
        lambda: tables.get_row(DATABASE_ID, PROFILES, author_id), deadline=deadline
    )
    return None if profile is None else profile.get("articleCount")
