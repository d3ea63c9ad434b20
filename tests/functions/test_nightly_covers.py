"""Covers whose article is gone, without walking the bucket every night (issue 13, item 3).

* The `articles` function deletes an article's cover on
  `databases.newsroom.tables.articles.rows.*.delete`, however the row was deleted (one row,
  a bulk delete: one event per row), and keeps the cover of an article that exists.
* nightly-maintenance's backstop, for a deletion whose event was lost (here: a project
  without the `articles` function, so no event is handled): a rolling check of
  `COVER_CHECK_PAGES` pages a night that carries on where the last night stopped. A quiet
  night costs the same calls whatever the bucket holds.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import uuid

import pytest
from appwrite.exception import AppwriteException
from appwrite.input_file import InputFile
from appwrite.query import Query
from appwrite.services.storage import Storage
from appwrite.services.tables_db import TablesDB
from PIL import Image

from shared.permissions import article_permissions
from shared.tables import ARTICLES, AUDIT_LOG, COVERS, DATABASE_ID
from tests.functions.scheduled_support import function_entry, start

UTC = dt.UTC
NOW = dt.datetime.now(UTC)
EVENT = "databases.newsroom.tables.articles.rows.{}.delete"


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 40, 40)).save(out, "PNG")
    return out.getvalue()


PNG = png()


def covered(project, ids: list[str], stamped: str | None = None) -> None:
    """Published articles with these ids, each with its cover (written with the key, as
    the functions write them); the rows' `$createdAt`/`$updatedAt` = `stamped` if given."""
    moment = {"$createdAt": stamped, "$updatedAt": stamped} if stamped else {}
    author = "au" + uuid.uuid4().hex[:10]
    readable = article_permissions(author, None, "published")
    tables, storage = TablesDB(project.admin_client()), Storage(project.admin_client())
    for first in range(0, len(ids), 100):
        rows = [
            {
                "$id": row_id,
                "title": row_id,
                "body": "b",
                "authorId": author,
                "status": "published",
                "coverMimeType": "image/png",
                "$permissions": readable,
                **moment,
            }
            for row_id in ids[first : first + 100]
        ]
        tables.create_rows(DATABASE_ID, ARTICLES, rows)
    for row_id in ids:
        storage.create_file(COVERS, row_id, InputFile.from_bytes(PNG, "cover.png"), readable)


def exists(storage: Storage, file_id: str) -> bool:
    try:
        storage.get_file(COVERS, file_id)
    except AppwriteException as exc:
        assert exc.code == 404
        return False
    return True


# -- the event -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def with_articles(tmp_path_factory):
    client = start(tmp_path_factory.mktemp("covers-event"), [function_entry("articles")])
    yield client
    client.stack.close()


def answers(project) -> dict[str, dict]:
    """The articles function's event executions' answers, by article id."""
    done = [e for e in project.executions("articles") if e["trigger"] == "event"]
    assert all(e["status"] == "completed" for e in done), [e["errors"] for e in done]
    return {json.loads(e["responseBody"])["articleId"]: json.loads(e["responseBody"]) for e in done}


def test_a_deleted_article_row_takes_its_cover_along_however_it_was_deleted(with_articles):
    ids = [f"ev{i}{uuid.uuid4().hex[:8]}" for i in range(4)]
    covered(with_articles, ids)
    tables, storage = TablesDB(with_articles.admin_client()), Storage(with_articles.admin_client())

    tables.delete_row(DATABASE_ID, ARTICLES, ids[0])  # one row (as the Console does)
    tables.delete_rows(DATABASE_ID, ARTICLES, [Query.equal("$id", ids[1:3])])  # bulk: per row
    with_articles.wait_for_executions()

    assert [exists(storage, i) for i in ids] == [False, False, False, True]
    answered = answers(with_articles)
    assert [answered[i]["cover"] for i in ids[:3]] == ["deleted"] * 3
    assert ids[3] not in answered
    again = with_articles.deliver_event("articles", EVENT.format(ids[0]), {"$id": ids[0]})
    assert json.loads(again["responseBody"]) == {"articleId": ids[0], "cover": "none"}


def test_the_cover_of_an_article_that_exists_is_kept_whatever_the_event_says(with_articles):
    [alive] = ids = [f"kept{uuid.uuid4().hex[:8]}"]
    covered(with_articles, ids)
    forged = with_articles.deliver_event("articles", EVENT.format(alive), {"$id": alive})
    assert forged["status"] == "completed"
    assert json.loads(forged["responseBody"]) == {"articleId": alive, "cover": "kept"}
    assert exists(Storage(with_articles.admin_client()), alive)

    never = "never" + uuid.uuid4().hex[:8]  # no row, no cover: nothing to do
    done = with_articles.deliver_event("articles", EVENT.format(never), {"$id": never})
    assert json.loads(done["responseBody"]) == {"articleId": never, "cover": "none"}


@pytest.mark.parametrize(
    ("event_row", "body", "status", "code"),
    [
        ("other", {"$id": "mine"}, 400, "event_mismatch"),
        ("x", {"title": "no id"}, 400, "validation_failed"),
        ("x", {"$id": "../bucket"}, 400, "validation_failed"),
        ("x", "not json", 400, "invalid_json"),
    ],
)
def test_an_event_that_is_not_an_articles_deletion_is_refused(
    with_articles, event_row, body, status, code
):
    done = with_articles.deliver_event("articles", EVENT.format(event_row), body)
    assert done["responseStatusCode"] == status
    assert json.loads(done["responseBody"])["error"]["code"] == code


# -- the nightly backstop --------------------------------------------------------------------------


def nightly_only(tmp_path_factory, name: str, pages: int):
    """A project with nightly-maintenance alone (no `articles` function: a row's deletion
    event is handled by nobody, as when its execution is lost), `COVER_CHECK_PAGES=pages`."""
    client = start(
        tmp_path_factory.mktemp(name),
        [function_entry("nightly-maintenance", vars={"COVER_CHECK_PAGES": str(pages)})],
    )
    yield client
    client.stack.close()


@pytest.fixture(scope="module")
def without_articles(tmp_path_factory):
    yield from nightly_only(tmp_path_factory, "covers-rolling", 1)


def night(project, days: int | dt.datetime) -> tuple[dict, int]:
    """A night `days` after NOW (or at that moment): its answer and its API requests."""
    at = days if isinstance(days, dt.datetime) else NOW + dt.timedelta(days=days)
    execution = project.run_schedule("nightly-maintenance", at=at)
    assert execution["status"] == "completed", execution["errors"]
    requests = project.execution_stats(execution["$id"])["requests"]
    return json.loads(execution["responseBody"]), requests


def test_the_rolling_check_finds_an_orphan_a_lost_event_left_and_a_night_costs_the_same(
    without_articles,
):
    project = without_articles
    tag = uuid.uuid4().hex[:6]
    ids = [f"c{i:04d}{tag}" for i in range(220)]  # `$id` order: the rolling check's order
    covered(project, ids)
    tables, storage = TablesDB(project.admin_client()), Storage(project.admin_client())

    first, _ = night(project, 1)  # the first walk: every row and every cover
    assert first["permissions"]["finished"] and first["purged"]["covers"] == 0
    for gone in (ids[150], ids[210]):  # deleted; their events are lost: two orphans
        tables.delete_row(DATABASE_ID, ARTICLES, gone)

    nights = [night(project, day) for day in (2, 3, 4, 5)]  # one page of 100 covers a night
    assert [n["purgedCovers"] for n, _ in nights] == [[], [ids[150]], [ids[210]], []]
    assert not exists(storage, ids[150]) and not exists(storage, ids[210])
    quiet = nights[0][1]
    # the same calls every night, whatever the page held; a removal adds its audit row and delete
    assert [requests for _, requests in nights] == [quiet, quiet + 2, quiet + 2, quiet]
    audited = tables.list_rows(DATABASE_ID, AUDIT_LOG, [Query.equal("action", ["cover.purged"])])[
        "rows"
    ]
    assert sorted(row["subjectId"] for row in audited) == [ids[150], ids[210]]

    more = [f"d{i:04d}{tag}" for i in range(300)]  # the bucket grows to 518 covers
    covered(project, more)
    night(project, 6)  # the rows and covers written since the last walk are checked
    _, later = night(project, 7)
    assert later == quiet


@pytest.fixture(scope="module")
def no_rolling(tmp_path_factory):
    """No rolling check: only the covers that can have drifted are looked at."""
    yield from nightly_only(tmp_path_factory, "covers-drift", 0)


def test_a_drifted_cover_is_repaired_the_night_after_from_either_side(no_rolling):
    """The file updated but its article's write lost (the file moved): found among the files
    updated since the last walk. The row written but the file's update lost (the row moved):
    found among the articles walked. Each side alone: key writes to files are stamped with
    the real time, so the file side runs at the real time with rows written long before;
    the row side runs days later, when the files are long past the walks' margin."""
    project = no_rolling
    tag = uuid.uuid4().hex[:6]
    ids = [f"r{i}{tag}" for i in range(2)]
    long_ago = (dt.datetime.now(UTC) - dt.timedelta(days=3)).isoformat()
    covered(project, ids, stamped=long_ago)
    tables, storage = TablesDB(project.admin_client()), Storage(project.admin_client())
    start_at = dt.datetime.now(UTC)

    def night_at(moment: dt.datetime) -> dict:
        return night(project, moment)[0]["permissions"]

    night_at(start_at)  # the first walk: every row, every cover
    storage.update_file(COVERS, ids[0], permissions=['read("any")', 'read("users")'])
    assert night_at(start_at + dt.timedelta(minutes=5))["covers"] == 1
    assert storage.get_file(COVERS, ids[0])["$permissions"] == ['read("any")']

    night_at(start_at + dt.timedelta(days=1))  # the files are now before the walks' margin
    row = tables.get_row(DATABASE_ID, ARTICLES, ids[1])
    draft = article_permissions(row["authorId"], None, "draft")
    moved = (start_at + dt.timedelta(days=1, hours=1)).isoformat()
    tables.update_row(
        DATABASE_ID, ARTICLES, ids[1], {"status": "draft", "$updatedAt": moved}, draft
    )
    assert night_at(start_at + dt.timedelta(days=2))["covers"] == 1
    assert storage.get_file(COVERS, ids[1])["$permissions"] == draft


def test_a_cover_its_row_does_not_record_follows_the_article_the_night_after(no_rolling):
    """An upload whose row update failed leaves a file the row does not record
    (`coverMimeType` empty): archiving the article then writes the row alone (the file
    stays public). The night after, the walk of the articles updated finds the file anyway."""
    project = no_rolling
    tables, storage = TablesDB(project.admin_client()), Storage(project.admin_client())
    row_id = f"u{uuid.uuid4().hex[:8]}"
    long_ago = (dt.datetime.now(UTC) - dt.timedelta(days=3)).isoformat()
    covered(project, [row_id], stamped=long_ago)
    tables.update_row(
        DATABASE_ID, ARTICLES, row_id, {"coverMimeType": None, "$updatedAt": long_ago}
    )
    later = dt.datetime.now(UTC) + dt.timedelta(days=5)
    night(project, later)  # the rows' and files' walks begin after
    row = tables.get_row(DATABASE_ID, ARTICLES, row_id)
    archived = article_permissions(row["authorId"], None, "archived")
    moved = (later + dt.timedelta(hours=2)).isoformat()
    tables.update_row(  # archived, as change_article writes it: the row only
        DATABASE_ID, ARTICLES, row_id, {"status": "archived", "$updatedAt": moved}, archived
    )
    assert storage.get_file(COVERS, row_id)["$permissions"] == ['read("any")']

    summary, _ = night(project, later + dt.timedelta(days=1))

    assert summary["permissions"]["covers"] == 1
    assert storage.get_file(COVERS, row_id)["$permissions"] == archived


@pytest.fixture(scope="module")
def one_page(tmp_path_factory):
    yield from nightly_only(tmp_path_factory, "covers-migrate", 1)


def last_walk(project) -> dict:
    rows = TablesDB(project.admin_client()).list_rows(
        DATABASE_ID,
        AUDIT_LOG,
        [
            Query.equal("action", ["permissions.checked"]),
            Query.order_desc("$createdAt"),
            Query.limit(1),
        ],
    )["rows"]
    return json.loads(rows[0]["details"])


def test_the_migration_on_demand_keeps_the_rolling_checks_place(one_page):
    """`POST /migrations/permissions` walks every cover but removes no orphan: the rolling
    check, there to find them, carries on where it was instead of starting again."""
    project = one_page
    tag = uuid.uuid4().hex[:6]
    covered(project, [f"k{i:04d}{tag}" for i in range(150)])
    project.run_schedule("nightly-maintenance")  # the first walk: the rolling check restarts
    assert last_walk(project)["rolling"] is None
    project.run_schedule("nightly-maintenance")  # the rolling check's first page of 100
    place = last_walk(project)["rolling"]
    assert place == f"k0099{tag}"

    migrated = project.execute("nightly-maintenance", "/migrations/permissions", method="POST")

    assert migrated["responseStatusCode"] == 200, migrated["responseBody"]
    details = last_walk(project)
    assert details["since"] is None and details["rolling"] == place
