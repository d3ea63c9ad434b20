"""Article transitions: statuses, dates and permissions of each change, and the invalid ones."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from shared import BadRequest, Conflict
from shared.articles import (
    InvalidTransition,
    appwrite_datetime,
    archive_changes,
    is_due,
    new_article,
    parse_datetime,
    publish_changes,
    schedule_changes,
    update_changes,
)
from shared.permissions import article_permissions

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
LATER = "2026-05-02T08:30:00Z"


def row(status, team="t1"):
    return {"$id": "a1", "authorId": "u1", "teamId": team, "status": status, "title": "T"}


def test_appwrite_datetime_format():
    assert appwrite_datetime(NOW) == "2026-05-01T12:00:00.000+00:00"
    assert appwrite_datetime(
        datetime(2026, 5, 1, 14, 0, 0, 123456, tzinfo=timezone(timedelta(hours=2)))
    ) == ("2026-05-01T12:00:00.123+00:00")
    with pytest.raises(ValueError):
        appwrite_datetime(datetime(2026, 5, 1))


def test_parse_datetime_reads_z_offsets_and_bare_times_as_utc():
    assert parse_datetime("2026-05-01T12:00:00Z") == NOW
    assert parse_datetime("2026-05-01T14:00:00+02:00") == NOW
    assert parse_datetime("2026-05-01T12:00:00") == NOW


def test_new_article_is_a_draft_with_matrix_permissions():
    changes = new_article("u1", {"title": "Hi", "body": "B", "tags": ["x"], "teamId": "t1"}, NOW)
    assert changes["data"] == {
        "title": "Hi",
        "body": "B",
        "tags": ["x"],
        "status": "draft",
        "authorId": "u1",
        "teamId": "t1",
        "publishAt": None,
        "publishedAt": None,
    }
    assert changes["permissions"] == article_permissions("u1", "t1", "draft")


def test_new_article_with_publish_at_is_scheduled():
    changes = new_article("u1", {"title": "Hi", "body": "B", "publishAt": LATER}, NOW)
    assert changes["data"]["status"] == "scheduled"
    assert changes["data"]["publishAt"] == "2026-05-02T08:30:00.000+00:00"
    assert changes["permissions"] == article_permissions("u1", None, "scheduled")


@pytest.mark.parametrize("when", ["2026-05-01T12:00:00Z", "2020-01-01T00:00:00Z"])
def test_publish_at_in_the_past_or_now_is_a_400_with_its_pointer(when):
    with pytest.raises(BadRequest) as info:
        new_article("u1", {"title": "Hi", "body": "B", "publishAt": when}, NOW)
    assert info.value.details[0]["path"] == "/publishAt"


def test_publish_from_draft_and_scheduled_adds_public_read():
    for status in ("draft", "scheduled"):
        changes = publish_changes(row(status), NOW)
        assert changes["data"] == {
            "status": "published",
            "publishedAt": "2026-05-01T12:00:00.000+00:00",
        }
        assert 'read("any")' in changes["permissions"]
        assert changes["permissions"] == article_permissions("u1", "t1", "published")


@pytest.mark.parametrize("status", ["published", "archived"])
def test_publish_twice_or_after_archive_is_a_conflict(status):
    with pytest.raises(InvalidTransition) as info:
        publish_changes(row(status), NOW)
    assert isinstance(info.value, Conflict) and info.value.status == 409


def test_schedule_and_reschedule():
    for status in ("draft", "scheduled"):
        changes = schedule_changes(row(status), LATER, NOW)
        assert changes["data"] == {
            "status": "scheduled",
            "publishAt": "2026-05-02T08:30:00.000+00:00",
        }
        assert 'read("any")' not in changes["permissions"]
    for status in ("published", "archived"):
        with pytest.raises(InvalidTransition):
            schedule_changes(row(status), LATER, NOW)
    with pytest.raises(BadRequest):
        schedule_changes(row("draft"), "2026-04-30T00:00:00Z", NOW)


def test_archive_removes_public_read_and_is_final():
    changes = archive_changes(row("published"), NOW)
    assert changes["data"] == {"status": "archived", "archivedAt": "2026-05-01T12:00:00.000+00:00"}
    assert 'read("any")' not in changes["permissions"]
    assert changes["permissions"] == article_permissions("u1", "t1", "archived")
    with pytest.raises(InvalidTransition):
        archive_changes(row("archived"), NOW)


def test_update_content_keeps_status_and_permissions():
    assert update_changes(row("published"), {"title": "New", "tags": []}, NOW) == {
        "data": {"title": "New", "tags": []}
    }


def test_a_new_body_gets_fresh_counts():
    changes = update_changes(row("draft"), {"body": "word " * 201}, NOW)
    assert (changes["data"]["wordCount"], changes["data"]["readingMinutes"]) == (201, 2)


def test_update_publish_at_schedules_or_unschedules():
    assert update_changes(row("draft"), {"publishAt": LATER}, NOW)["data"] == {
        "status": "scheduled",
        "publishAt": "2026-05-02T08:30:00.000+00:00",
    }
    unscheduled = update_changes(row("scheduled"), {"publishAt": None, "title": "b"}, NOW)
    assert unscheduled["data"] == {"status": "draft", "publishAt": None, "title": "b"}
    assert unscheduled["permissions"] == article_permissions("u1", "t1", "draft")
    with pytest.raises(InvalidTransition):
        update_changes(row("published"), {"publishAt": LATER}, NOW)
    with pytest.raises(InvalidTransition):
        update_changes(row("published"), {"publishAt": None}, NOW)


def test_archived_articles_are_read_only():
    with pytest.raises(InvalidTransition):
        update_changes(row("archived"), {"title": "x"}, NOW)


def test_is_due():
    due = {**row("scheduled"), "publishAt": "2026-05-01T11:59:59.000+00:00"}
    assert is_due(due, NOW)
    assert not is_due({**due, "publishAt": LATER}, NOW)
    assert not is_due({**due, "status": "draft"}, NOW)
    assert not is_due({**row("scheduled"), "publishAt": None}, NOW)


@pytest.mark.parametrize(
    "text",
    ["9999-12-31T23:59:59-00:01", "9999-12-31T23:59:59.999-23:59", "0001-01-01T00:00:00+00:01"],
)
def test_a_date_with_no_utc_equivalent_is_a_400_never_an_overflow(text):

    with pytest.raises(ValueError):
        parse_datetime(text)
    row = {"authorId": "a", "teamId": None, "status": "draft"}
    with pytest.raises(BadRequest) as info:
        schedule_changes(row, text, NOW)
    assert info.value.details[0]["path"] == "/publishAt"
    assert not is_due({"status": "scheduled", "publishAt": text}, NOW)


def test_the_summary_and_article_shapes():
    from shared.articles import ARTICLE_FIELDS, SUMMARY_FIELDS, public_article, summary_of

    row = {name: name for name in ARTICLE_FIELDS} | {"$permissions": [], "$sequence": "1"}
    assert list(summary_of(row)) == list(SUMMARY_FIELDS) and "body" not in summary_of(row)
    assert list(public_article(row)) == list(ARTICLE_FIELDS)
    assert "$permissions" not in public_article(row)
