"""Permission strings, `write` expansion and table-vs-row security."""

import pytest
from appwrite.permission import Permission
from appwrite.role import Role

from emulator.core import permissions as p

USER_ROLES = {
    "any",
    "users",
    "user:u1",
    "user:u1/verified",
    "users/verified",
    "team:t1",
    "team:t1/editor",
    "member:m1",
    "label:admin",
}


def test_sdk_permission_strings_parse():
    assert p.parse_permission(Permission.read(Role.team("t1", "owner"))) == (
        "read",
        "team:t1/owner",
    )
    assert p.parse_permission(Permission.write(Role.any())) == ("write", "any")


def test_write_expands_per_level():
    perms = [
        Permission.write(Role.user("u1")),
        Permission.read(Role.any()),
        Permission.update(Role.user("u1")),
    ]
    assert p.normalize(perms, p.TABLE_ACTIONS, table_level=True) == [
        'create("user:u1")',
        'update("user:u1")',
        'delete("user:u1")',
        'read("any")',
    ]
    assert p.normalize(perms, p.ROW_ACTIONS, table_level=False) == [
        'update("user:u1")',
        'delete("user:u1")',
        'read("any")',
    ]


@pytest.mark.parametrize(
    "permission, message",
    [
        (
            'create("any")',
            'Permission "create" is not allowed. Must be one of: read, update, delete, write.',
        ),
        ("*", 'Wildcard permission "*" has been replaced. Use "any" instead.'),
        (
            'read("role:all")',
            'Permissions using the "role:" prefix have been replaced. Use "users", "guests", '
            'or "any" instead.',
        ),
        ("read(any)", 'Invalid permission string format: "read(any)".'),
        ('read("user")', 'Role "user" must have an ID value.'),
        ('read("any:x")', 'Role "any" can not have an ID value.'),
        ('read("users/admin")', "Only verified and unverified dimensions are allowed."),
        (
            'read("robots")',
            'Role "robots" is not allowed. Must be one of: any, guests, users, user, team, '
            "member, label.",
        ),
        ('read("label:a/b")', 'Role "label" can not have a dimension value.'),
        (7, "Every permission must be of type string."),
    ],
)
def test_invalid_row_permissions(permission, message):
    with pytest.raises(p.PermissionInvalid) as info:
        p.normalize([permission], p.ROW_ACTIONS, table_level=False)
    assert info.value.message == message


def test_valid_roles():
    for role in (
        "any",
        "guests",
        "users",
        "users/verified",
        "user:u1",
        "user:u1/unverified",
        "team:t1",
        "team:t1/owner",
        "member:m1",
        "label:admin",
    ):
        p.check_role(role)


def test_table_vs_row_security():
    table = ['read("users")', 'create("users")']
    row = ['update("user:u1")', 'delete("user:u1")']
    assert p.row_allowed("read", USER_ROLES, table, False)
    assert not p.row_allowed("update", USER_ROLES, table, False, row)
    assert p.row_allowed("update", USER_ROLES, table, True, row)
    assert not p.row_allowed("update", {"any", "users", "user:u2"}, table, True, row)
    assert not p.row_allowed("create", USER_ROLES, [], True, ['create("any")'])
    assert not p.row_allowed("read", {"any", "guests"}, table, True, row)


def test_only_held_roles_may_be_granted():
    assert p.ungrantable_roles(['read("user:u1")', 'read("team:t1/editor")'], USER_ROLES) == []
    assert p.ungrantable_roles(
        ['read("user:u2")', 'update("any")', 'read("user:u2")'], {"any", "users", "user:u1"}
    ) == ["user:u2"]
    assert p.ordered_roles({"users", "any", "user:u1"}) == ["any", "user:u1", "users"]


def test_default_row_permissions():
    assert p.default_row_permissions("u1") == [
        'read("user:u1")',
        'update("user:u1")',
        'delete("user:u1")',
    ]
    assert p.default_row_permissions(None) == []


# The manifest check and the API use one validator (emulator.core.permissions): a string
# `emulator check` accepts is one the API accepts, and the other way round.
AGREEMENT = [
    'read("any")',
    'read("team:t1/editor")',
    'read("team:t1/' + "e" * 36 + '")',
    'read("team:t1/' + "e" * 40 + '")',  # found accepted by `check`, refused by the API
    'read("user:u1/verified")',
    'read("users/unverified")',
    'read("member:m1")',
    'read("label:admin")',
    'read("user:-u1")',
    'read("guests/x")',
    'read("role:all")',
    'update("any")',
    'write("team:t1")',
    "read(any)",
]


@pytest.mark.parametrize("permission", AGREEMENT)
def test_emulator_check_and_the_api_agree(permission):
    from emulator.manifest.roles import FORBIDDEN_FOR_ANY
    from emulator.manifest.roles import permission_problem as manifest_problem

    try:
        p.normalize([permission], p.TABLE_ACTIONS, table_level=True)
        api_accepts = True
    except p.PermissionInvalid:
        api_accepts = False
    lint_only = permission.split("(")[0] in FORBIDDEN_FOR_ANY and '"any"' in permission
    assert (manifest_problem(permission) is None) == (api_accepts and not lint_only)
