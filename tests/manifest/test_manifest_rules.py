"""The pure rule checkers: event names, roles/permissions, cron, catalogs, schema."""

from __future__ import annotations

import json

import pytest

from emulator.manifest.catalog import PYTHON_RUNTIMES, SCOPES
from emulator.manifest.events import FUNCTION_EVENT_MESSAGE, event_problem
from emulator.manifest.function_rules import cron_problem
from emulator.manifest.roles import permission_problem, role_problem
from emulator.manifest.schema import SCHEMA_PATH

# Names Appwrite's own validator tests accept (tests/unit/Event/Validator/*, Appwrite 1.9.x),
# plus the ones reference §4.1 lists for users.
VALID_EVENTS = [
    "users.*.create",
    "users.torsten.update",
    "users.torsten",
    "users.*",
    "users.*.update",
    "users.*.update.email",
    "users.*.update.phone",
    "users.*.update.mfa",
    "users.*.update.labels",
    "users.*.update.verification",
    "users.*.update.impersonator",
    "users.*.update.prefs",
    "users.*.sessions.*.create",
    "users.*.sessions.*.delete",
    "users.*.recovery.*.update",
    "users.*.verification.*.create",
    "users.*.targets.*.delete",
    "users.*.tokens.*.create",
    "databases.books.tables.chapters.rows.prolog.create",
    "databases.books.tables.chapters.rows.prolog",
    "databases.*.tables.*.rows.*.create",
    "databases.*.tables.*.rows.*.update",
    "databases.*.tables.*.rows.*.delete",
    "databases.*.tables.*.rows.*",
    "databases.*.tables.*",
    "databases.*",
    "databases.books",
    "databases.*.collections.*.documents.*.create",
    "databases.books.tables.chapters.columns.name.create",
    "teams.*",
    "teams.*.update.prefs",
    "teams.*.memberships.*.update.status",
    "teams.*.memberships.*.create",
    "buckets.*.files.*.create",
    "documentsdb.*.collections.*.documents.*.create",
    "vectorsdb.*",
    "messages.*.create",
    "topics.*.subscribers.*.create",
    "providers.*.update",
    "schedules.*.create",
    "rules.*.delete",
]

# Refused by Appwrite's validator tests, plus shapes the grammar excludes.
INVALID_EVENTS = {
    "": "2 to 7 dot-separated segments",
    "users": "2 to 7 dot-separated segments",
    "unknown.*": "unknown event type 'unknown'",
    "tables.*.rows.*.unknown": "unknown event type 'tables'",
    "users.torsten.unknown": "unknown segment 'unknown' after 'users.torsten'",
    "users.torsten.delete.email": "action 'delete' takes no attribute",
    "teams.*.memberships.*.update.unknown": "unknown attribute 'unknown'",
    "tablesdb.books.collections.chapters.documents.prolog.create": "unknown segment 'collections'",
    "documentsdb.books.tables.chapters.rows.prolog.create": "unknown segment 'tables'",
    "users.*.*": "'*' can only stand for an ID",
    "*.*": "'*' can only stand for an ID, not for the event type",
    "databases.*.tables.*.rows.*.*": "'*' can only stand for an ID",
    "databases.*.tables.*.rows": "must be followed by an ID or '*'",
    "users.us*": "'*' must be a whole ID segment",
    "users..create": "empty segment",
    "users.*.update.email.x": "nothing may follow the attribute",
    "databases.a.tables.b.rows.c.create.x": "has 8",
    "databases.*.tables.*.rows.*.upsert": (
        "subscribe to 'databases.*.tables.*.rows.*' (every action) instead"
    ),
    "databases.*.collections.*.documents.*.upsert": "Appwrite refuses",
    "tablesdb.*.tables.*.rows.*.create": "never trigger a function",
}


@pytest.mark.parametrize("name", VALID_EVENTS)
def test_valid_event_names(name):
    assert event_problem(name) is None


@pytest.mark.parametrize(
    ("name", "message"), INVALID_EVENTS.items(), ids=[n or "<empty>" for n in INVALID_EVENTS]
)
def test_invalid_event_names_say_why(name, message):
    problem = event_problem(name)
    assert problem is not None and message in problem


@pytest.mark.parametrize(
    "name", ["functions.*", "functions.f1.executions.*.create", "functions.*.deployments.*"]
)
def test_function_events_use_appwrites_message(name):
    assert event_problem(name) == FUNCTION_EVENT_MESSAGE


@pytest.mark.parametrize(
    "role",
    [
        "any",
        "guests",
        "users",
        "users/verified",
        "users/unverified",
        "user:u1",
        "user:u1/verified",
        "team:t1",
        "team:t1/editor",
        "member:m1",
        "label:admin",
    ],
)
def test_valid_roles(role):
    assert role_problem(role) is None


@pytest.mark.parametrize(
    ("role", "message"),
    [
        ("*", "not allowed"),
        ("role:all", "not allowed"),
        ("admins", "not allowed"),
        ("user", "must have an ID value"),
        ("team:", "must have an ID value"),
        ("any:x", "can not have an ID value"),
        ("users/x", "Only verified and unverified dimensions are allowed"),
        ("member:m1/owner", "can not have a dimension value"),
        ("label:site-admin", "alphanumeric"),
        ("user:-u1", "Role ID must contain at most 36 chars"),
        ("team:t1/" + "e" * 40, "Dimension must not be empty"),
    ],
)
def test_invalid_roles(role, message):
    problem = role_problem(role)
    assert problem is not None and message in problem


@pytest.mark.parametrize(
    "permission",
    [
        'read("any")',
        'create("users")',
        'update("user:u1")',
        'delete("team:t1/admin")',
        'write("label:admin")',
    ],
)
def test_valid_permissions(permission):
    assert permission_problem(permission) is None


@pytest.mark.parametrize("action", ["create", "update", "delete", "write"])
def test_any_may_never_change_data(action):
    assert "never grant 'any'" in permission_problem(f'{action}("any")')


@pytest.mark.parametrize(
    ("expression"), ["*/5 * * * *", "0 3 * * *", "0 0 * * MON-FRI", "15 2 1 jan *"]
)
def test_valid_cron(expression):
    assert cron_problem(expression) is None


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("* * * *", "has 4 fields"),
        ("0 0 * * * *", "has 6 fields"),
        ("@hourly", "5-field form"),
        ("60 * * * *", "not a valid cron expression"),
        ("0 0 31 2 *", "not a valid cron expression"),
    ],
)
def test_invalid_cron(expression, message):
    problem = cron_problem(expression)
    assert problem is not None and message in problem


def test_catalogs_hold_the_documented_names():
    assert {"python-3.12", "python-3.8", "python-ml-3.13"} <= PYTHON_RUNTIMES
    assert not any(runtime.startswith("node") for runtime in PYTHON_RUNTIMES)
    assert {
        "rows.read",
        "rows.write",
        "users.write",
        "teams.read",
        "documents.write",
        "execution.read",
    } <= SCOPES
    assert "rows.admin" not in SCOPES


def test_schema_is_a_valid_draft_2020_12_schema_with_closed_objects():
    from jsonschema import Draft202012Validator

    schema = json.loads(SCHEMA_PATH.read_text())
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    objects = [
        schema,
        *(d for d in schema["$defs"].values() if d.get("type") == "object" and "properties" in d),
    ]
    assert all(o["additionalProperties"] is False for o in objects)
    assert schema["$defs"]["columnType"]["enum"] == [
        "string",
        "text",
        "varchar",
        "mediumtext",
        "longtext",
        "integer",
        "bigint",
        "double",
        "boolean",
        "datetime",
        "relationship",
        "linestring",
        "point",
        "polygon",
    ]
