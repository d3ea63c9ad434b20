"""Covers in bucket `covers`: covers whose article is gone, and covers whose permissions
are not their article's — checked where they can have gone wrong, not by walking the bucket.

A cover's id is its article's id. Its permissions can only go wrong by a write: of its
article's row (the row written first, the file's update failed — or the file was never
recorded on the row, its upload's row update having failed, so changes of the row leave
it alone —: the row's `$updatedAt` moved) or of the file (the file updated first, the
row's write failed: the file's `$updatedAt` moved). So the permission walk
(permissions.py) checks the covers of the articles it walks (`repair_covers`, one list of
files per page of articles) and walks the files updated since the last walk
(`check_files`, one list of their articles per page of files).

A cover outlives its article only when the article's deletion event was lost: the
`articles` function deletes the cover on `databases.newsroom.tables.articles.rows.*.delete`
whoever deleted the row. The backstop is a rolling check of a fixed number of pages a night,
carrying on where the last night stopped (`rolling_check`): every cover is looked at again
within (covers / 100 / pages) nights, and a night costs the same whatever the bucket holds.

An **orphan** (a file without an article) is recorded in `audit_log` *before* it is
deleted, like every purge (`purge:cover:<fileId>:<file's $createdAt>`, action
`cover.purged`), so a crash in between leaves a file the next run finds again, and its
audit row once. At most `limit` orphans are removed per run (0: none — the permission
migration on demand removes nothing).
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


class Found:
    """What the covers' checks of one run did: orphans removed, covers repaired, and whether
    more orphans were found than the run could remove (`more`)."""

    __slots__ = ("more", "removed", "repaired")

    def __init__(self) -> None:
        self.removed: list[str] = []
        self.repaired: list[str] = []
        self.more = False


def files_page(storage: Any, queries: list, after: str | None, deadline: float) -> list[dict]:
    """One page of the bucket in `$id` order after the file id `after` (by value, not a
    cursor: that file may be gone)."""
    from appwrite.query import Query

    page = [*queries, Query.order_asc("$id")]
    if after is not None:
        page.append(Query.greater_than("$id", after))
    page.append(Query.limit(PAGE))
    return retry(lambda: storage.list_files(COVERS, page), deadline=deadline)["files"]


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


def _repair_each(
    storage: Any, files: list[dict], articles: dict[str, dict], found: Found, deadline: float
) -> None:
    """Each file that has an article (`articles`, by id) given its article's permissions."""
    found.repaired += [
        file["$id"]
        for file in files
        if file["$id"] in articles and _repair(storage, file, articles[file["$id"]], deadline)
    ]


def repair_covers(storage: Any, articles: list[dict], found: Found, deadline: float) -> None:
    """The covers of these articles (rows with the rule's columns) given their article's
    read permissions where they differ: one list of the files, one update per cover to
    repair. Every article's, not only those whose row records a cover: an upload whose row
    update failed leaves a file the row does not record, and the article's later changes
    do not touch it (`shared.covers.change_article` follows the row)."""
    from appwrite.query import Query

    if not articles:
        return
    ids = [row["$id"] for row in articles]
    files = retry(
        lambda: storage.list_files(COVERS, [Query.equal("$id", ids), Query.limit(len(ids))]),
        deadline=deadline,
    )["files"]
    _repair_each(storage, files, {row["$id"]: row for row in articles}, found, deadline)


def check_files(
    tables: Any, storage: Any, files: list[dict], limit: int, found: Found, deadline: float
) -> bool:
    """A page of files checked against their articles: orphans removed (while fewer than
    `limit` were this run), the others' permissions repaired. False when the page holds more
    orphans than this run may still remove (it is to be checked again)."""
    if not files:
        return True
    articles = _articles(tables, [file["$id"] for file in files], deadline)
    orphans = [file for file in files if file["$id"] not in articles]
    room = max(0, limit - len(found.removed))
    if room and orphans:
        found.removed += _purge(tables, storage, orphans[:room], deadline)
    _repair_each(storage, files, articles, found, deadline)
    if limit and len(orphans) > room:
        found.more = True
        return False
    return True


def rolling_check(
    tables: Any,
    storage: Any,
    after: str | None,
    pages: int,
    limit: int,
    found: Found,
    budget: Budget,
    deadline: float,
) -> str | None:
    """Up to `pages` pages of the bucket after file id `after` (None: from the first file)
    checked (`check_files`), while the budget allows; where the next night carries on: the
    last file checked, or None when the walk reached the end of the bucket (the next night
    starts again from the first)."""
    for _ in range(pages):
        if not budget.allows_batch():
            break
        files = files_page(storage, [], after, deadline)
        budget.spent()
        if not check_files(tables, storage, files, limit, found, deadline):
            break  # more orphans than this run may remove: this page again next night
        if len(files) < PAGE:
            return None
        after = files[-1]["$id"]
    return after
