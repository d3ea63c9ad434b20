"""The enriched fields and a slug no other article has, written in one conditional bulk update
(`update_rows` where `$id` is the row, `enrichedAt` is null and `$updatedAt` is the version
the fields were derived from): the row is written only while it is still that version and
not enriched. It answers the updated row, or None when the update matched nothing (the row
was edited, enriched by another run, or deleted: the caller re-reads it).

The `slug` column has a unique index. The title's own slug is written first: most are free,
and the write is then the only call. When another article has it, Appwrite 1.9.6 answers a
bulk update with 500 `general_unknown` "Server Error" (its `Bulk/Update.php` catches no
unique-index violation; the single-row update answers 409 `row_unique_constraint_violation`,
taken the same way should the bulk update learn to). A 500 says nothing more, so one lookup
of which of `base`, `base-2`, … are taken (50 candidates per query) tells: the slug is taken
→ the first free one is written, looking again if another article takes it meanwhile; it is
not → the 500 was something else, and the write is retried like any other 5xx.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from itertools import islice
from typing import Any

from ..shared import Conflict, retry
from ..shared.tables import ARTICLES, DATABASE_ID
from ..shared.text import slug_candidates
from .enrichment import slug_base

WINDOW = 50
MAX_ATTEMPTS = 10


class _MaybeTaken(Exception):
    """A write with a slug refused the way Appwrite refuses a taken one."""


def _refused_as_taken(exc: BaseException) -> bool:
    answer = (getattr(exc, "code", None), getattr(exc, "type", None))
    return answer in {(409, "row_unique_constraint_violation"), (500, "general_unknown")}


def _update_if_unchanged(
    tables: Any, row: Mapping[str, Any], data: dict[str, Any], deadline: float, probe: bool
) -> dict | None:
    """The conditional bulk update; with `probe`, an answer that may mean "slug taken" raises
    `_MaybeTaken` at once instead of being retried."""
    from appwrite.query import Query

    queries = [
        Query.equal("$id", [row["$id"]]),
        Query.is_null("enrichedAt"),
        Query.equal("$updatedAt", [row["$updatedAt"]]),
    ]

    def attempt() -> dict:
        try:
            return tables.update_rows(DATABASE_ID, ARTICLES, data, queries)
        except Exception as exc:
            if probe and _refused_as_taken(exc):
                raise _MaybeTaken() from exc
            raise

    written = retry(attempt, deadline=deadline)
    return written["rows"][0] if written["total"] else None


def _taken(tables: Any, candidates: list[str], deadline: float) -> set[str]:
    from appwrite.query import Query

    found = retry(
        lambda: tables.list_rows(
            DATABASE_ID,
            ARTICLES,
            [
                Query.equal("slug", candidates),
                Query.select(["slug"]),
                Query.limit(len(candidates)),
            ],
        ),
        deadline=deadline,
    )
    return {row["slug"] for row in found["rows"]}


def free_slug(tables: Any, base: str, deadline: float) -> str:
    """The first candidate for `base` that no article has."""
    candidates: Iterator[str] = slug_candidates(base)
    while True:
        window = list(islice(candidates, WINDOW))
        taken = _taken(tables, window, deadline)
        for slug in window:
            if slug not in taken:
                return slug


def write_if_unchanged(
    tables: Any, row: Mapping[str, Any], data: dict[str, Any], deadline: float, log: Any
) -> dict | None:
    """`data`, and a free slug when the row has none, written on `row` if it is still that
    version and not enriched; the updated row, or None when it is not."""
    if row.get("slug"):  # a slug already on the row is kept
        return _update_if_unchanged(tables, row, data, deadline, probe=False)
    base = slug_base(row)
    slug = base
    for _ in range(MAX_ATTEMPTS):
        try:
            return _update_if_unchanged(tables, row, {**data, "slug": slug}, deadline, probe=True)
        except _MaybeTaken:
            free = free_slug(tables, base, deadline)
        if free == slug:  # nobody has it: not a taken slug, a server error
            return _update_if_unchanged(tables, row, {**data, "slug": slug}, deadline, probe=False)
        log.info("slug taken, trying the next free one", row=row["$id"], slug=slug)
        slug = free
    raise Conflict(
        f"No free slug for {base!r} after {MAX_ATTEMPTS} attempts.", code="slug_conflict"
    )
