"""Event names, as reference appwrite-runtime.md §4.2 describes Appwrite generating them."""

import pytest

from emulator.triggers.events import (
    ROW_CREATE,
    USER,
    USER_ATTRIBUTE,
    generate_events,
    row_event,
    subscribers,
)

ROW = {"databaseId": "newsroom", "collectionId": "articles", "documentId": "a1"}


def test_row_create_header_is_the_legacy_collections_form():
    events = generate_events(ROW_CREATE, ROW)
    assert events[0] == "databases.newsroom.collections.articles.documents.a1.create"


def test_row_create_generates_42_names_in_both_forms():
    events = generate_events(ROW_CREATE, ROW)
    assert len(events) == len(set(events)) == 42
    for name in [
        "databases.newsroom.tables.articles.rows.*.create",
        "databases.*.tables.*.rows.*.create",
        "databases.*.collections.*.documents.*.create",
        "databases.newsroom.tables.articles.rows.*",
        "databases.newsroom.tables.articles",
        "databases.newsroom",
        "databases.*",
    ]:
        assert name in events


def test_wildcards_replace_whole_id_segments_never_actions():
    events = generate_events(ROW_CREATE, ROW)
    assert not any(name.endswith(".*.*") for name in events)
    assert "databases.newsroom.tables.articles.rows.a1.*" not in events


@pytest.mark.parametrize(
    "action, legacy, header",
    [
        ("update", False, "databases.newsroom.tables.articles.rows.a1.update"),
        ("upsert", False, "databases.newsroom.tables.articles.rows.a1.upsert"),
        ("delete", False, "databases.newsroom.tables.articles.rows.a1.delete"),
        ("create", True, "databases.newsroom.collections.articles.documents.a1.create"),
        ("delete", True, "databases.newsroom.collections.articles.documents.a1.delete"),
    ],
)
def test_row_write_headers(action, legacy, header):
    pattern, params = row_event(action, "newsroom", "articles", "a1", legacy=legacy)
    events = generate_events(pattern, params)
    assert events[0] == header
    assert f"databases.*.tables.*.rows.*.{action}" in events
    assert f"databases.*.collections.*.documents.*.{action}" in events


def test_user_create_generates_exactly_four_names():
    assert generate_events(USER.format(action="create"), {"userId": "u1"}) == [
        "users.u1.create",
        "users.*.create",
        "users.u1",
        "users.*",
    ]


def test_user_attribute_update_leads_with_the_action():
    events = generate_events(USER_ATTRIBUTE.format(attribute="email"), {"userId": "u1"})
    assert events[0] == "users.u1.update"
    assert {"users.*.update.email", "users.*.update", "users.*"} <= set(events)


def test_missing_params_are_an_error():
    with pytest.raises(KeyError):
        generate_events(ROW_CREATE, {"databaseId": "x"})


def test_a_function_fires_once_when_any_subscribed_name_matches():
    events = generate_events(ROW_CREATE, ROW)
    functions = [
        ("enrich-article", ["databases.newsroom.tables.articles.rows.*.create", "databases.*"]),
        ("on-update", ["databases.newsroom.tables.articles.rows.*.update"]),
        ("other-table", ["databases.newsroom.tables.profiles.rows.*.create"]),
        ("everything", ["databases.*"]),
    ]
    assert subscribers(events, functions) == ["enrich-article", "everything"]
