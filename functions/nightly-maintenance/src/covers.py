"""The walk through bucket `covers`: covers whose article is gone, and covers whose
permissions are not their article's.

Pages of 100 files; for each page one `list_rows` finds its articles (a cover's id is its
article's id; only the columns of the permission rule are read). Then:

* a file whose article no longer exists is an **orphan** (its article was deleted by an
  older version, by hand in the Console, or by a delete that failed half-way): recorded in
  `audit_log` *before* it is deleted, like every purge (`purge:cover:<fileId>:<file's
  $createdAt>`, action `cover.purged`), so a crash in between leaves a file the next run
  finds again, and its audit row once;
* a file whose permissions differ from its article's read permissions
  (`shared.permissions.read_permissions`, the rule rows follow) is given them.

Bounded per run: at most `limit` orphans are removed (the run's batch size), and no page is
started once the time budget is spent. The next run walks again from the first file: what
was removed is gone, what was checked costs two calls per 100 covers, so it carries on.
`limit=0` repairs permissions and removes nothing (`POST /migrations/permissions`).
"""

from __future__ import annotations

from typing import Any

from ..shared import audit, retry
from ..shared.covers import delete_cover
from ..shared.permissions import read_permissions, same_permissions
from ..shared.tables import ARTICLES, COVERS, DATABASE_ID
from .schedule import Budget

PAGE = 100
COVER_PURGED = "cover.purged"
RULE_COLUMNS = ["authorId", "teamId", "status"]


def _articles(tables: Any, ids: list[str], deadline: float) -> dict[str, dict]:
    from appwrite.query import Query

    found = retry(
        lambda: tables.list_rows(
            DATABASE_ID,
            ARTICLES,
            [Query.equal("$id", ids), Query.select(RULE_COLUMNS), Query.limit(len(ids))],
        ),
        deadline=deadline,
    )["rows"]
    return {row["$id"]: row for row in found}


def _purge(tables: Any, storage: Any, orphans: list[dict], deadline: float) -> list[str]:
    audit.record_many(
        tables,
        [
            audit.audit_entry(
                f"purge:cover:{file['$id']}:{file['$createdAt']}",
                COVER_PURGED,
                subject_table=COVERS,
                subject_id=file["$id"],
                details={
                    "mimeType": file.get("mimeType"),
                    "sizeOriginal": file.get("sizeOriginal"),
                    "createdAt": file["$createdAt"],
                },
            )
            for file in orphans
        ],
        deadline=deadline,
    )
    for file in orphans:
        delete_cover(storage, file["$id"], deadline=deadline)
    return [file["$id"] for file in orphans]


def _repair(storage: Any, file: dict, article: dict, deadline: float) -> bool:
    if not article.get("authorId") or not article.get("status"):
        return False  # not an article the rule can place (as the row migration leaves it)
    wanted = read_permissions(article)
    if same_permissions(file.get("$permissions") or [], wanted):
        return False
    retry(lambda: storage.update_file(COVERS, file["$id"], permissions=wanted), deadline=deadline)
    return True


def sweep_covers(
    tables: Any, storage: Any, budget: Budget, limit: int, deadline: float
) -> tuple[list[str], list[str], bool]:
    """(orphans removed, covers whose permissions were repaired, whether the walk ended)."""
    from appwrite.query import Query

    removed: list[str] = []
    repaired: list[str] = []
    cursor: list[str] = []
    while budget.allows_batch():
        files = retry(
            lambda cursor=cursor: storage.list_files(COVERS, [Query.limit(PAGE), *cursor]),
            deadline=deadline,
        )["files"]
        budget.spent()
        articles = _articles(tables, [f["$id"] for f in files], deadline) if files else {}
        orphans = [f for f in files if f["$id"] not in articles]
        room = max(0, limit - len(removed))
        removed += _purge(tables, storage, orphans[:room], deadline) if room and orphans else []
        repaired += [
            f["$id"]
            for f in files
            if f["$id"] in articles and _repair(storage, f, articles[f["$id"]], deadline)
        ]
        if limit and len(orphans) > room:
            return removed, repaired, False  # more orphans than this run may remove
        kept = [f for f in files if f["$id"] in articles or f["$id"] not in removed]
        if len(files) < PAGE:
            return removed, repaired, True
        if kept:  # a cursor must name a file that still exists
            cursor = [Query.cursor_after(kept[-1]["$id"])]
    return removed, repaired, False
