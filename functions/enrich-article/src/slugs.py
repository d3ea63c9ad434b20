"""A slug no other article has, written with the row's other enriched fields.

The `slug` column has a unique index. We write `base` itself first; when another article
has it, Appwrite answers 409 `row_unique_constraint_violation`, and we look up which of
`base`, `base-2`, `base-3`, … are taken (50 candidates per query) and write the first free
one — looking again if another article takes it in the meantime.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice
from typing import Any

from ..shared import Conflict, retry
from ..shared.tables import ARTICLES, DATABASE_ID
from ..shared.text import slug_candidates

WINDOW = 50
MAX_ATTEMPTS = 10


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


def _is_slug_collision(exc: BaseException) -> bool:
    return (
        getattr(exc, "code", None) == 409
        and getattr(exc, "type", None) == "row_unique_constraint_violation"
    )


def update_with_free_slug(
    tables: Any, row_id: str, base: str, data: dict[str, Any], deadline: float, log: Any
) -> dict:
    """`update_row` of `data` plus a free slug; the updated row.

    `base` itself is tried first: most titles give a slug no other article has, and the
    write is then the only call. When it is taken (409), the free candidates are looked up
    and the first one written, again until one sticks."""
    slug = base
    for _ in range(MAX_ATTEMPTS):
        try:
            return retry(
                lambda slug=slug: tables.update_row(
                    DATABASE_ID, ARTICLES, row_id, {**data, "slug": slug}
                ),
                deadline=deadline,
            )
        except Exception as exc:
            if not _is_slug_collision(exc):
                raise
            log.info("slug taken, trying the next free one", row=row_id, slug=slug)
        slug = free_slug(tables, base, deadline)
    raise Conflict(
        f"No free slug for {base!r} after {MAX_ATTEMPTS} attempts.", code="slug_conflict"
    )
