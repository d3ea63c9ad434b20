"""nightly-maintenance carries on a permission walk its time budget cut short (issue 13,
item 5): the next night starts after the last row walked — by `$sequence`, so a purged
row is no obstacle — until the walk ends and is recorded as begun when its first part did;
a row put wrong behind the cursor meanwhile is taken by the walk after.

A private project with the nightly job alone, its time budget 0 s: each night walks one
page of 100 rows (a run always does one batch of work).
"""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest
from appwrite.query import Query
from appwrite.services.tables_db import TablesDB

from shared.permissions import article_permissions
from shared.tables import ARTICLES, AUDIT_LOG, DATABASE_ID
from tests.functions.scheduled_support import function_entry, start

UTC = dt.UTC
NOW = dt.datetime.now(UTC)


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    client = start(
        tmp_path_factory.mktemp("nightly-resume"),
        [function_entry("nightly-maintenance", vars={"MAINTENANCE_TIME_BUDGET_SECONDS": "0"})],
    )
    yield client
    client.stack.close()


@pytest.fixture(scope="module")
def keyed(project):
    return TablesDB(project.admin_client())


def night(project, days: int) -> dict:
    execution = project.run_schedule("nightly-maintenance", at=NOW + dt.timedelta(days=days))
    assert execution["status"] == "completed", execution["errors"]
    return json.loads(execution["responseBody"])["permissions"]


def stale(author: str) -> list[str]:
    """Permissions an older version wrote: the author may rewrite the row."""
    return ['read("any")', f'update("user:{author}")', f'delete("user:{author}")']


def walk_rows(keyed, action: str) -> list[dict]:
    return keyed.list_rows(
        DATABASE_ID,
        AUDIT_LOG,
        [Query.equal("action", [action]), Query.order_asc("$sequence"), Query.limit(100)],
    )["rows"]


def test_a_walk_cut_short_carries_on_where_it_stopped_until_it_ends(project, keyed):
    author = "au" + uuid.uuid4().hex[:10]
    good = article_permissions(author, None, "published")
    drifted = {50, 150, 240}  # one row to put right in each page of 100
    rows = [
        {
            "title": f"P{i}",
            "body": "b",
            "authorId": author,
            "status": "published",
            "$permissions": stale(author) if i in drifted else good,
        }
        for i in range(1, 251)
    ]
    made = []
    for first in range(0, len(rows), 100):
        made += keyed.create_rows(DATABASE_ID, ARTICLES, rows[first : first + 100])["rows"]

    first = night(project, 1)  # rows 1–100
    assert (first["articles"], first["finished"]) == (1, False)
    keyed.delete_row(DATABASE_ID, ARTICLES, made[99]["$id"])  # the row it stopped at
    second = night(project, 2)  # rows 101–200
    assert (second["articles"], second["finished"]) == (1, False)
    # put wrong behind the cursor, between the second and third nights (the key sets the
    # moment: the nights run on the emulator's moved clock): this walk does not see it again
    behind = made[4]["$id"]
    edited = (NOW + dt.timedelta(days=2, hours=12)).isoformat()
    keyed.update_row(
        DATABASE_ID, ARTICLES, behind, {"title": "Edited", "$updatedAt": edited}, stale(author)
    )
    third = night(project, 3)  # rows 201–250: the articles end; no time left for profiles
    assert (third["articles"], third["finished"]) == (1, False)
    fourth = night(project, 4)  # profiles; no time left for the covers
    assert (fourth["articles"], fourth["finished"]) == (0, False)
    fifth = night(project, 5)  # the covers (none here): the walk ends
    assert (fifth["articles"], fifth["finished"]) == (0, True)

    for i in drifted:
        assert keyed.get_row(DATABASE_ID, ARTICLES, made[i - 1]["$id"])["$permissions"] == good
    progress = [json.loads(r["details"]) for r in walk_rows(keyed, "permissions.progress")]
    assert [(p["table"], p["after"] is None) for p in progress] == [
        ("articles", False),
        ("articles", False),
        ("profiles", True),
        ("covers", True),
    ]
    assert len({p["began"] for p in progress}) == 1  # one walk, begun on the first night
    (checked,) = walk_rows(keyed, "permissions.checked")
    details = json.loads(checked["details"])
    assert details["since"] is None  # it walked every row
    assert details["seconds"] >= 4 * 86400  # begun four nights before it ended

    # the next walk takes the rows updated since the last one began: the edited row first
    assert keyed.get_row(DATABASE_ID, ARTICLES, behind)["$permissions"] != good
    sixth = night(project, 6)
    assert (sixth["articles"], sixth["finished"]) == (1, False)
    assert keyed.get_row(DATABASE_ID, ARTICLES, behind)["$permissions"] == good
