"""Article rows in TablesDB with the execution's key (scopes `rows.read`, `rows.write`) —
and, for a signed-in caller's list, with the caller's own JWT (`Reader`).

Every call is retried on transient failures (503 when they persist). Writes are made
idempotent first: a new row gets its id here, so a retried create that had in fact
succeeded is recognised; a retried delete that finds the row gone is done. Lists fetch
only the summary columns (`Query.select`): a page never carries article bodies. A change
of an article's read permissions, and its deletion, take its cover along (`change`,
`delete`; Storage with `files.write`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from appwrite.exception import AppwriteException
from appwrite.id import ID

from ..shared import (
    BadRequest,
    NotFound,
    Request,
    Unauthorized,
    jwt_from_headers,
    retry,
    server_client,
    user_client,
)
from ..shared.articles import Changes
from ..shared.covers import change_article, delete_cover, has_cover, storage_service
from ..shared.errors import echo
from ..shared.gone import delete_if_present, fetch_or_none
from ..shared.identity import looks_like_jwt
from ..shared.patterns import lazy
from ..shared.permissions import can_read
from ..shared.records import Frozen, set_field
from ..shared.tables import ARTICLES, DATABASE_ID

if TYPE_CHECKING:
    from appwrite.services.tables_db import TablesDB

_ROW_ID = lazy(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,35}$")


def _tables_db(client: Any) -> TablesDB:
    """The TablesDB service of `client` (the SDK's client loads with it, on first use)."""
    from appwrite.services.tables_db import TablesDB

    return TablesDB(client)


def tables(req: Request) -> TablesDB:
    return _tables_db(server_client(req.headers))


def not_found(row_id: str) -> NotFound:
    return NotFound(f"Article {echo(row_id)} not found.", code="article_not_found")


def get(req: Request, row_id: str) -> dict[str, Any]:
    """The row, or 404 `article_not_found` (also for ids that cannot exist)."""
    if not _ROW_ID.match(row_id):
        raise not_found(row_id)
    db = tables(req)
    row = fetch_or_none(lambda: db.get_row(DATABASE_ID, ARTICLES, row_id), deadline=req.deadline)
    if row is None:
        raise not_found(row_id)
    return row


def create(req: Request, changes: Changes) -> dict[str, Any]:
    db = tables(req)
    row_id = ID.unique()
    attempts = 0

    def call() -> dict[str, Any]:
        nonlocal attempts
        attempts += 1
        try:
            return db.create_row(
                DATABASE_ID, ARTICLES, row_id, changes["data"], changes["permissions"]
            )
        except AppwriteException as exc:
            if exc.code == 409 and attempts > 1:  # an earlier attempt did create it
                return db.get_row(DATABASE_ID, ARTICLES, row_id)
            raise

    return retry(call, deadline=req.deadline)


def update(req: Request, row_id: str, changes: Changes) -> dict[str, Any]:
    db = tables(req)
    return retry(
        lambda: db.update_row(DATABASE_ID, ARTICLES, row_id, **changes), deadline=req.deadline
    )


def change(req: Request, row: dict[str, Any], changes: Changes) -> dict[str, Any]:
    """Apply `changes` to the article read as `row`; when they change its read permissions,
    its cover follows (`shared.covers.change_article`: never readable by more people than
    the article)."""
    if "permissions" not in changes:
        return update(req, row["$id"], changes)
    return change_article(
        storage_service(server_client(req.headers)),
        row,
        changes["permissions"],
        lambda: update(req, row["$id"], changes),
        deadline=req.deadline,
        log=req.log,
    )


def delete(req: Request, row: dict[str, Any]) -> None:
    """Delete the article: its cover first (shared.covers), then the row; 404 when someone
    else deleted the row since it was read."""
    if has_cover(row):
        delete_cover(storage_service(server_client(req.headers)), row["$id"], deadline=req.deadline)
    db = tables(req)
    if not delete_if_present(
        lambda: db.delete_row(DATABASE_ID, ARTICLES, row["$id"]), deadline=req.deadline
    ):
        raise not_found(row["$id"])


def drop_cover_of_deleted(req: Request, article_id: str) -> str:
    """The cover of an article whose row was deleted, deleted too: `deleted` when there was
    one, `none` when there was none, `kept` when the article exists (a forged or stale
    event: its cover is still its own). Whoever deleted the row — this function, a purge, a
    user's deletion, the Console — the file does not outlive it."""
    client = server_client(req.headers)
    db = _tables_db(client)
    try:
        retry(lambda: db.get_row(DATABASE_ID, ARTICLES, article_id), deadline=req.deadline)
        return "kept"
    except AppwriteException as exc:
        if exc.type != "row_not_found":  # not "no such row" (a missing table is no answer)
            raise
    deleted = delete_cover(storage_service(client), article_id, deadline=req.deadline)
    return "deleted" if deleted else "none"


def cursor_not_found(cursor: str) -> BadRequest:
    return BadRequest(
        "The cursor is not an article of this list.",
        code="validation_failed",
        details=[{"path": "/cursor", "message": f"{echo(cursor)} is not an article you can list"}],
    )


class Reader(Frozen):
    """Who a list is made as: a guest (the execution's key, published rows only) or the
    caller (their JWT: Appwrite applies the rows' read permissions and verifies the JWT)."""

    __slots__ = ("guest", "tables")
    tables: TablesDB
    guest: bool

    def __init__(self, tables: TablesDB, guest: bool):
        set_field(self, "tables", tables)
        set_field(self, "guest", guest)


def reader(req: Request) -> Reader:
    """The caller's reader; 401 `invalid_jwt` for a JWT that cannot be one."""
    jwt = jwt_from_headers(req.headers)
    if jwt is None:
        return Reader(tables(req), guest=True)
    if not looks_like_jwt(jwt):
        raise _invalid_jwt()
    return Reader(_tables_db(user_client(jwt)), guest=False)


def _invalid_jwt() -> Unauthorized:
    return Unauthorized("The JWT is invalid or expired.", code="invalid_jwt")


def _as_reader(call):
    """`call()`, with Appwrite's refusal of a JWT (401/403) answered as 401 `invalid_jwt`."""
    try:
        return call()
    except AppwriteException as exc:
        if exc.code in (401, 403):
            raise _invalid_jwt() from None
        raise


def check_cursor(req: Request, by: Reader, cursor: str) -> None:
    """400 pointing at `cursor` unless it names an article `by` may list (read as them)."""
    if not _ROW_ID.match(cursor):
        raise cursor_not_found(cursor)
    row = _as_reader(
        lambda: fetch_or_none(
            lambda: by.tables.get_row(DATABASE_ID, ARTICLES, cursor), deadline=req.deadline
        )
    )
    if row is None or (by.guest and not can_read(None, row)):
        raise cursor_not_found(cursor)


def list_page(req: Request, by: Reader, queries: list[str], cursor: str | None = None) -> dict:
    """One page of rows read as `by`; a cursor row deleted meanwhile is a 400 pointing at
    `cursor`."""
    try:
        return _as_reader(
            lambda: retry(
                lambda: by.tables.list_rows(DATABASE_ID, ARTICLES, queries=queries),
                deadline=req.deadline,
            )
        )
    except AppwriteException as exc:
        if exc.type == "general_cursor_not_found":  # deleted since it was checked
            raise cursor_not_found(str(cursor)) from None
        raise
