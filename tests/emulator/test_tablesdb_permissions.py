"""Table vs row security through the real SDK with sessions, JWTs, guests, teams,
labels and keys."""

from __future__ import annotations

import pytest
from appwrite.id import ID
from appwrite.permission import Permission
from appwrite.query import Query
from appwrite.role import Role
from appwrite.services.tables_db import TablesDB
from appwrite.services.teams import Teams
from appwrite.services.users import Users

from emulator.services.identity.callers import mint_dynamic_key
from tests.emulator.tablesdb_support import fails, ids, new_database, new_id, plain


@pytest.fixture(scope="module")
def db_id(emulator):
    return new_database(emulator, "perm", "Permission tests")


@pytest.fixture
def key(admin_client):
    return TablesDB(admin_client)


def make_table(
    key: TablesDB, db_id: str, permissions: list[str], row_security: bool
) -> tuple[str, str]:
    table_id = new_id("t")
    key.create_table(db_id, table_id, "T", permissions=permissions, row_security=row_security)
    key.create_varchar_column(db_id, table_id, "title", 50, False)
    return db_id, table_id


@pytest.fixture
def alice(make_user):
    return make_user()[0]


@pytest.fixture
def bob(make_user):
    return make_user()[0]


def test_table_level_security(key, db_id, alice, bob, user_client, guest_client):
    table = make_table(
        key, db_id, [Permission.read(Role.any()), Permission.create(Role.users())], False
    )
    as_alice, as_bob, as_guest = (
        TablesDB(user_client(alice)),
        TablesDB(user_client(bob)),
        TablesDB(guest_client),
    )
    row = plain(as_alice.create_row(*table, "r1", {"title": "mine"}))
    uid = alice["$id"]
    assert row["$permissions"] == [
        f'read("user:{uid}")',
        f'update("user:{uid}")',
        f'delete("user:{uid}")',
    ]
    assert ids(as_guest.list_rows(*table)) == ["r1"]  # table read(any) covers everyone
    # rowSecurity is off: the row's own update permission does not count, and the table grants none
    error = fails(as_alice.update_row, *table, "r1", {"title": "changed"})
    assert (error.code, error.type) == (401, "user_unauthorized")
    assert fails(as_bob.delete_row, *table, "r1").type == "user_unauthorized"
    error = fails(as_guest.create_row, *table, "r2", {"title": "x"})
    assert (error.code, error.type) == (401, "user_unauthorized")
    assert error.message == (
        'Missing "create" permission for role "users". Only "["any","guests"]" scopes are '
        'allowed and "["users"]" was given.'
    )


def test_row_level_security(key, db_id, alice, bob, user_client, jwt_client):
    table = make_table(key, db_id, [Permission.create(Role.users())], True)
    as_alice, as_bob = TablesDB(jwt_client(alice)), TablesDB(user_client(bob))
    as_alice.create_row(*table, "a1", {"title": "alice's"})
    as_bob.create_row(*table, "b1", {"title": "bob's"})
    key.create_row(*table, "k1", {"title": "nobody's"})
    assert ids(as_alice.list_rows(*table)) == ["a1"]
    assert plain(as_alice.list_rows(*table))["total"] == 1
    assert ids(key.list_rows(*table)) == ["a1", "b1", "k1"]
    assert plain(as_alice.get_row(*table, "a1"))["title"] == "alice's"
    error = fails(as_alice.get_row, *table, "b1")
    assert (error.code, error.type) == (404, "row_not_found")
    assert plain(as_alice.update_row(*table, "a1", {"title": "edited"}))["title"] == "edited"
    assert fails(as_alice.update_row, *table, "b1", {"title": "hijack"}).type == "user_unauthorized"
    assert fails(as_alice.delete_row, *table, "b1").type == "user_unauthorized"
    assert (
        plain(as_bob.update_rows(*table, {"title": "bulk"}))["total"] == 1
    )  # only rows bob may update
    assert plain(key.get_row(*table, "a1"))["title"] == "edited"
    as_alice.delete_row(*table, "a1")
    assert ids(key.list_rows(*table)) == ["b1", "k1"]


def test_list_without_read_and_without_row_security_is_unauthorized(key, db_id, alice, user_client):
    table = make_table(key, db_id, [Permission.create(Role.users())], False)
    error = fails(TablesDB(user_client(alice)).list_rows, *table)
    assert (error.code, error.type) == (401, "user_unauthorized")


def test_users_may_only_grant_roles_they_hold(key, db_id, alice, bob, user_client):
    table = make_table(key, db_id, [Permission.create(Role.users())], True)
    as_alice = TablesDB(user_client(alice))
    row = plain(
        as_alice.create_row(
            *table,
            "pub",
            {"title": "x"},
            permissions=[Permission.read(Role.any()), Permission.write(Role.user(alice["$id"]))],
        )
    )
    assert row["$permissions"] == [
        'read("any")',
        f'update("user:{alice["$id"]}")',
        f'delete("user:{alice["$id"]}")',
    ]
    error = fails(
        as_alice.create_row,
        *table,
        "grab",
        {"title": "x"},
        permissions=[Permission.update(Role.user(bob["$id"]))],
    )
    assert (error.code, error.type) == (401, "user_unauthorized")
    assert (
        error.message.startswith("Permissions must be one of: (any, ")
        and f"user:{alice['$id']}" in error.message
    )
    error = fails(as_alice.create_row, *table, "bad", {"title": "x"}, permissions=['create("any")'])
    assert error.type == "general_argument_invalid"
    assert (
        plain(key.create_row(*table, "empty", {"title": "x"}, permissions=[]))["$permissions"] == []
    )


def test_teams_and_labels(key, db_id, alice, bob, admin_client, jwt_client):
    team_id = new_id("team")
    Teams(admin_client).create(team_id, "Editors")
    Teams(admin_client).create_membership(team_id, ["editor"], user_id=alice["$id"])
    Users(admin_client).update_labels(bob["$id"], ["admin"])
    table = make_table(key, db_id, [], True)
    key.create_row(
        *table, "team", {"title": "t"}, permissions=[Permission.read(Role.team(team_id))]
    )
    key.create_row(
        *table,
        "editors",
        {"title": "e"},
        permissions=[Permission.update(Role.team(team_id, "editor"))],
    )
    key.create_row(
        *table, "admins", {"title": "a"}, permissions=[Permission.read(Role.label("admin"))]
    )
    as_alice, as_bob = TablesDB(jwt_client(alice)), TablesDB(jwt_client(bob))
    assert ids(as_alice.list_rows(*table)) == ["team"]
    assert ids(as_bob.list_rows(*table)) == ["admins"]
    assert plain(as_alice.update_row(*table, "editors", {"title": "edited"}))["title"] == "edited"
    assert fails(as_bob.update_row, *table, "editors", {"title": "no"}).type == "user_unauthorized"


def test_bulk_create_is_for_keys_only(key, db_id, alice, user_client):
    table = make_table(key, db_id, [Permission.create(Role.users())], False)
    error = fails(TablesDB(user_client(alice)).create_rows, *table, [{"title": "x"}])
    assert (error.code, error.type) == (401, "general_unauthorized_scope")


def test_disabled_tables_are_hidden_from_users_but_not_keys(key, db_id, alice, user_client):
    table = make_table(key, db_id, [Permission.read(Role.any())], False)
    key.create_row(*table, "r1", {"title": "x"})
    key.update_table(*table, "T", enabled=False)
    error = fails(TablesDB(user_client(alice)).list_rows, *table)
    assert (error.code, error.type) == (404, "table_not_found")
    assert ids(key.list_rows(*table)) == ["r1"]


def test_keys_bypass_permissions_but_never_scopes(emulator, key, db_id):
    table = make_table(key, db_id, [], True)
    key.create_row(*table, "r1", {"title": "locked"})
    reader = TablesDB(
        emulator.client().set_key(mint_dynamic_key(emulator.state, ["rows.read"], 60))
    )
    assert ids(reader.list_rows(*table, [Query.equal("title", "locked")])) == ["r1"]
    error = fails(reader.create_row, *table, ID.unique(), {"title": "x"})
    assert (error.code, error.type) == (401, "general_unauthorized_scope")
    assert 'missing scopes (["rows.write","documents.write"])' in error.message
    legacy = TablesDB(
        emulator.client().set_key(mint_dynamic_key(emulator.state, ["documents.write"], 60))
    )
    assert plain(legacy.create_row(*table, "r2", {"title": "x"}))["$id"] == "r2"
    assert fails(legacy.list_rows, *table).type == "general_unauthorized_scope"
