"""An article's life as pure functions: what its row becomes when created, updated, scheduled,
published or archived.

    draft ──schedule──► scheduled ──publish (by hand or when publishAt passes)──► published
      │  ◄─unschedule──    │                                                        │
      └──────publish───────┼────────────────────────────────────────────────────────┤
      └──────archive───────┴─────────────archive─────────────────────────────────► archived

`archived` is final (nightly-maintenance purges it after the retention period). A change
that the row's status does not allow raises `InvalidTransition` (409).

Every `*_changes` returns the keyword arguments of `TablesDB.update_row`, permissions
included, so one call applies the whole transition:

    tables.update_row(DATABASE_ID, ARTICLES, row["$id"], **publish_changes(row, now))

`publish-scheduled` and `POST /articles/{id}/publish` both use `publish_changes`.

What callers see: a list answers each article in the summary shape (`SUMMARY_FIELDS`,
`summary_of`: no `body`, so a page's size is bounded whatever the articles hold); a single
read answers the article with its body (`public_article`). Both say whether the article
has a cover (`cover`, from the row's cover columns: `shared.covers`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from .covers import COVER_COLUMNS, cover_of
from .errors import BadRequest, Conflict
from .permissions import article_permissions
from .tables import ARTICLES
from .text import reading_minutes, word_count

TABLE_ID = ARTICLES  # the name this module always used; prefer shared.tables.ARTICLES

DRAFT, SCHEDULED, PUBLISHED, ARCHIVED = "draft", "scheduled", "published", "archived"
STATUSES = (DRAFT, SCHEDULED, PUBLISHED, ARCHIVED)
EDITABLE = (DRAFT, SCHEDULED, PUBLISHED)
CONTENT_FIELDS = ("title", "body", "summary", "tags")

# The summary shape of a list item: every column but `body` (and `enrichedAt`), plus the
# row's id and timestamps. A single read adds `body` and `enrichedAt`.
SUMMARY_FIELDS = (
    "$id",
    "$createdAt",
    "$updatedAt",
    "title",
    "slug",
    "summary",
    "authorId",
    "teamId",
    "status",
    "publishAt",
    "publishedAt",
    "archivedAt",
    "tags",
    "wordCount",
    "readingMinutes",
    "cover",
)
ARTICLE_FIELDS = (*SUMMARY_FIELDS, "body", "enrichedAt")
# Columns a list fetches (`Query.select`): Appwrite adds the `$` attributes itself; `cover`
# is made of the row's cover columns (shared.covers.cover_of).
SUMMARY_COLUMNS = [
    *(name for name in SUMMARY_FIELDS if not name.startswith("$") and name != "cover"),
    *COVER_COLUMNS,
]

Changes = dict[str, Any]
"""`{"data": {...}, "permissions": [...]}` — keyword arguments of `update_row`/`create_row`."""


class InvalidTransition(Conflict):
    code = "invalid_transition"


def appwrite_datetime(moment: datetime) -> str:
    """Appwrite's datetime text: UTC, milliseconds, `+00:00` (2026-01-02T03:04:05.000+00:00)."""
    if moment.tzinfo is None:
        raise ValueError("a naive datetime has no defined moment")
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")


def _answer(row: Mapping[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    return {name: cover_of(row) if name == "cover" else row.get(name) for name in fields}


def summary_of(row: Mapping[str, Any]) -> dict[str, Any]:
    """An article as a list answers it: `SUMMARY_FIELDS`, no body, no permissions; `cover`
    is `{fileId, mimeType, sizeOriginal, width, height}` or null."""
    return _answer(row, SUMMARY_FIELDS)


def public_article(row: Mapping[str, Any]) -> dict[str, Any]:
    """An article as a single read answers it: the summary fields, `body` and `enrichedAt`."""
    return _answer(row, ARTICLE_FIELDS)


def parse_datetime(text: str) -> datetime:
    """An aware UTC datetime from ISO 8601 text (`Z` or an offset; a bare time is read as UTC).

    `ValueError` for text that is no date-time, and for one that has no UTC equivalent
    (`9999-12-31T23:59:59-00:01` is in the year 10000 in UTC).
    """
    moment = datetime.fromisoformat(text.strip().upper().replace("Z", "+00:00"))
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        raise ValueError(f"{text[:40]!r} is out of the range of dates") from None


def _future(publish_at: str, now: datetime, pointer: str = "/publishAt") -> str:
    try:
        moment = parse_datetime(publish_at)
    except ValueError as exc:
        raise BadRequest(
            "publishAt is not a date-time that can be stored.",
            code="validation_failed",
            details=[{"path": pointer, "message": str(exc)}],
        ) from None
    if moment <= now:
        problem = f"{publish_at!r} is not after {appwrite_datetime(now)}"
        raise BadRequest(
            "publishAt must be in the future.",
            code="validation_failed",
            details=[{"path": pointer, "message": problem}],
        )
    return appwrite_datetime(moment)


def _with_status(row: Mapping[str, Any], status: str, data: dict[str, Any]) -> Changes:
    return {
        "data": {"status": status, **data},
        "permissions": article_permissions(row["authorId"], row.get("teamId"), status),
    }


def require_editable(row: Mapping[str, Any], action: str = "edited") -> None:
    """409 `invalid_transition` for an archived (read-only) article."""
    _require(row, EDITABLE, action)


def _require(row: Mapping[str, Any], allowed: tuple[str, ...], action: str) -> None:
    status = row.get("status")
    if status not in allowed:
        raise InvalidTransition(
            f"A {status} article cannot be {action}.",
            details=[{"status": status, "allowed": list(allowed)}],
        )


def new_article(author_id: str, fields: Mapping[str, Any], now: datetime) -> Changes:
    """The row of a new article: a draft, or `scheduled` when a (future) `publishAt` is given."""
    data = {key: fields[key] for key in CONTENT_FIELDS if fields.get(key) is not None}
    data.update(authorId=author_id, teamId=fields.get("teamId"), publishAt=None, publishedAt=None)
    row = {"authorId": author_id, "teamId": fields.get("teamId")}
    if fields.get("publishAt") is not None:
        return _with_status(
            row, SCHEDULED, {**data, "publishAt": _future(fields["publishAt"], now)}
        )
    return _with_status(row, DRAFT, data)


def update_changes(row: Mapping[str, Any], fields: Mapping[str, Any], now: datetime) -> Changes:
    """A PATCH: content of any editable article; `publishAt` (re)schedules a draft or scheduled
    article, `publishAt: null` returns a scheduled one to draft. Archived articles are read-only.
    A new body gets its `wordCount` and `readingMinutes` as enrich-article computes them; the
    slug (the article's address) and the summary stay unless given."""
    _require(row, EDITABLE, "edited")
    data = {key: fields[key] for key in CONTENT_FIELDS if key in fields}
    if "body" in fields:
        words = word_count(fields["body"])
        data.update(wordCount=words, readingMinutes=reading_minutes(words))
    if "publishAt" not in fields:
        return {"data": data}
    if fields["publishAt"] is None:
        if row.get("status") == PUBLISHED:
            raise InvalidTransition("A published article has no schedule to clear.")
        return _with_status(row, DRAFT, {**data, "publishAt": None})
    _require(row, (DRAFT, SCHEDULED), "scheduled")
    return _with_status(row, SCHEDULED, {**data, "publishAt": _future(fields["publishAt"], now)})


def schedule_changes(row: Mapping[str, Any], publish_at: str, now: datetime) -> Changes:
    """Schedule (or reschedule) a draft or scheduled article; `publish_at` must be in the future."""
    _require(row, (DRAFT, SCHEDULED), "scheduled")
    return _with_status(row, SCHEDULED, {"publishAt": _future(publish_at, now)})


def publish_changes(row: Mapping[str, Any], now: datetime) -> Changes:
    """Publish a draft or scheduled article now: `publishedAt`, and public read."""
    _require(row, (DRAFT, SCHEDULED), "published")
    return _with_status(row, PUBLISHED, {"publishedAt": appwrite_datetime(now)})


def archive_changes(row: Mapping[str, Any], now: datetime) -> Changes:
    """Archive any article that is not archived yet: `archivedAt`, and no more public read.
    `publishedAt` stays as the record of when it was published."""
    _require(row, EDITABLE, "archived")
    return _with_status(row, ARCHIVED, {"archivedAt": appwrite_datetime(now)})


def is_due(row: Mapping[str, Any], now: datetime) -> bool:
    """A scheduled article whose `publishAt` has passed."""
    publish_at: str | None = row.get("publishAt")
    if row.get("status") != SCHEDULED or not publish_at:
        return False
    try:
        return parse_datetime(publish_at) <= now
    except ValueError:
        return False
