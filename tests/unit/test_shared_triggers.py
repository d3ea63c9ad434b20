"""triggers.py: trigger kind and both spellings of Appwrite's event names."""

import pytest

from shared.triggers import (
    InvalidEventName,
    event_matches,
    normalize_event_name,
    parse_event,
    parse_trigger,
)


def test_trigger_kinds():
    assert parse_trigger({"x-appwrite-trigger": "http"}).kind == "http"
    assert parse_trigger({}).kind == "http"
    schedule = parse_trigger({"x-appwrite-trigger": "schedule", "x-appwrite-event": ""})
    assert (schedule.kind, schedule.event) == ("schedule", None)
    with pytest.raises(ValueError):
        parse_trigger({"x-appwrite-trigger": "webhook"})


def test_legacy_row_create_event():
    trigger = parse_trigger(
        {
            "x-appwrite-trigger": "event",
            "x-appwrite-event": "databases.newsroom.collections.articles.documents.a1.create",
        }
    )
    event = trigger.event
    assert trigger.kind == "event"
    assert (event.service, event.database, event.table, event.row, event.action) == (
        "databases",
        "newsroom",
        "articles",
        "a1",
        "create",
    )
    assert event.user is None
    assert event.normalized == "databases.newsroom.tables.articles.rows.a1.create"


def test_tables_row_update_event():
    event = parse_event("databases.newsroom.tables.articles.rows.a1.update")
    assert (event.database, event.table, event.row, event.action, event.attribute) == (
        "newsroom",
        "articles",
        "a1",
        "update",
        None,
    )
    assert event.id_of("documents") == "a1"


def test_user_events():
    event = parse_event("users.u1.create")
    assert (event.service, event.user, event.action) == ("users", "u1", "create")
    email = parse_event("users.u1.update.email")
    assert (email.action, email.attribute) == ("update", "email")
    session = parse_event("users.u1.sessions.s1.create")
    assert (session.user, session.id_of("sessions"), session.action) == ("u1", "s1", "create")


def test_an_id_that_looks_like_an_action_is_still_an_id():
    event = parse_event("users.create.update")
    assert (event.user, event.action) == ("create", "update")


@pytest.mark.parametrize(
    "name", ["users", "users.", ".u1.create", "users.u1.sessions", "users.u1.update.a.b"]
)
def test_malformed_event_names(name):
    with pytest.raises(InvalidEventName):
        parse_event(name)
    with pytest.raises(ValueError):
        parse_trigger({"x-appwrite-trigger": "event", "x-appwrite-event": name})


def test_normalize_only_touches_type_positions():
    assert normalize_event_name(
        "databases.collections.collections.documents.documents.rows.create"
    ) == ("databases.collections.tables.documents.rows.rows.create")


@pytest.mark.parametrize(
    "pattern, name, ok",
    [
        (
            "databases.newsroom.tables.articles.rows.*.create",
            "databases.newsroom.collections.articles.documents.a1.create",
            True,
        ),
        (
            "databases.*.collections.*.documents.*.update",
            "databases.newsroom.tables.articles.rows.a1.update",
            True,
        ),
        (
            "databases.newsroom.tables.articles.rows.*.create",
            "databases.newsroom.tables.articles.rows.a1.update",
            False,
        ),
        (
            "databases.newsroom.tables.profiles.rows.*.create",
            "databases.newsroom.tables.articles.rows.a1.create",
            False,
        ),
        (
            "databases.newsroom.tables.articles.rows.*",
            "databases.newsroom.tables.articles.rows.a1.delete",
            True,
        ),
        ("users.*.create", "users.u1.create", True),
        ("users.*.update", "users.u1.update.email", True),
        ("users.*.update.email", "users.u1.update", False),
    ],
)
def test_event_matching(pattern, name, ok):
    assert event_matches(pattern, name) is ok
