"""nightly-maintenance's round trips (issue 13): once a permission walk went to the end, a
night walks only the rows updated since it began (less an hour) — the calls of a quiet
night do not grow with the tables — and a row written since is still put right.

A private project with the nightly job alone; runs at chosen moments, in order.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest
from appwrite.services.tables_db import TablesDB

from shared.permissions import article_permissions
from shared.tables import ARTICLES, DATABASE_ID
from tests.functions.scheduled_support import function_entry, start

UTC = dt.UTC
NOW = dt.datetime.now(UTC)


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    client = start(
        tmp_path_factory.mktemp("nightly-trips"), [function_entry("nightly-maintenance")]
    )
    yield client
    client.stack.close()


@pytest.fixture(scope="module")
def keyed(project):
    return TablesDB(project.admin_client())


def run(project, at):
    execution = project.run_schedule("nightly-maintenance", at=at)
    assert execution["status"] == "completed", execution["errors"]
    requests = project.execution_stats(execution["$id"])["requests"]
    return json.loads(execution["responseBody"]), requests


def published(keyed, count):
    author = "au" + uuid.uuid4().hex[:10]
    for first in range(0, count, 100):
        rows = [
            {
                "title": f"P{i}",
                "body": "b",
                "authorId": author,
                "status": "published",
                "$permissions": article_permissions(author, None, "published"),
            }
            for i in range(first, min(first + 100, count))
        ]
        keyed.create_rows(DATABASE_ID, ARTICLES, rows)


def test_a_row_written_after_the_last_walk_is_put_right(project, keyed):
    first, _ = run(project, NOW + dt.timedelta(minutes=10))
    assert first["permissions"]["finished"] is True
    author = "old" + uuid.uuid4().hex[:10]
    row = keyed.create_row(
        DATABASE_ID,
        ARTICLES,
        "unique()",
        {"title": "Old", "body": "b", "authorId": author, "status": "published"},
        ['read("any")', f'update("user:{author}")', f'delete("user:{author}")'],
    )
    second, _ = run(project, NOW + dt.timedelta(minutes=20))
    assert second["permissions"][ARTICLES] == 1
    assert keyed.get_row(DATABASE_ID, ARTICLES, row["$id"])["$permissions"] == ['read("any")']


def test_a_quiet_night_costs_the_same_calls_whatever_the_row_count(project, keyed):
    published(keyed, 300)
    walked, walked_requests = run(project, NOW + dt.timedelta(days=1))  # rows updated since
    quiet, quiet_requests = run(project, NOW + dt.timedelta(days=2))  # nothing updated since
    assert walked["permissions"]["finished"] and quiet["permissions"]["finished"]
    # 300 rows (and the one put right before): 4 pages of articles, each with the list of
    # its articles' covers, where a quiet night reads 1 empty page
    assert walked_requests - quiet_requests == 7
    # the last walk's audit row, a page of articles, of profiles, of files updated since, the
    # rolling check's page (an empty bucket), the new audit row; the two purges; 8 counts, 1 upsert
    assert quiet_requests == 17

    published(keyed, 300)  # made before the last walk (the emulator's clock moved on)
    _, later_requests = run(project, NOW + dt.timedelta(days=3))
    assert later_requests == quiet_requests
