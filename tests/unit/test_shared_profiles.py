"""profiles.py: the pure parts (the create-or-keep write is tested through the functions)."""

import pytest
from appwrite.exception import AppwriteException

from shared.profiles import (
    FALLBACK_NAME,
    display_name,
    is_already_exists,
    profile_data,
    profile_permissions,
    public_profile,
)


@pytest.mark.parametrize(
    "user, expected",
    [
        ({"name": "  Ada   Lovelace ", "email": "ada@example.com"}, "Ada Lovelace"),
        ({"name": "", "email": "grace.hopper@example.com"}, "grace.hopper"),
        ({"name": "   ", "email": "x@example.com"}, "x"),
        (
            {"name": "", "email": "", "phone": "+14155550100"},
            FALLBACK_NAME,
        ),  # never the phone: profiles are public
        ({"$id": "u1"}, FALLBACK_NAME),
        ({"name": "n" * 300}, "n" * 128),
        # users made outside sign-up are not validated: invisible characters are dropped
        ({"name": "A\u200bda\x1b[31m\u202e", "email": "a@x.test"}, "Ada[31m"),
        ({"name": "\u200b\u200d", "email": "ghost\u200b@x.test"}, "ghost"),
        ({"name": "Ann\ud800"}, "Ann"),
    ],
)
def test_display_name(user, expected):
    assert display_name(user) == expected


def test_profile_data_and_permissions():
    assert profile_data({"name": "Ann"}) == {"displayName": "Ann", "articleCount": 0}
    assert profile_permissions("u1") == ['read("any")']  # users write through accounts only
    with pytest.raises(ValueError):
        profile_permissions("")


def test_public_profile_drops_permissions_and_ids_of_the_table():
    row = {
        "$id": "u1",
        "$createdAt": "c",
        "$updatedAt": "u",
        "$permissions": ['read("any")'],
        "$sequence": "4",
        "$databaseId": "newsroom",
        "$tableId": "profiles",
        "displayName": "Ann",
        "bio": None,
        "articleCount": 2,
    }
    assert public_profile(row) == {
        "$id": "u1",
        "$createdAt": "c",
        "$updatedAt": "u",
        "displayName": "Ann",
        "bio": None,
        "articleCount": 2,
    }


def test_already_exists_is_409_of_either_spelling_only():
    assert is_already_exists(AppwriteException("m", 409, "row_already_exists"))
    assert is_already_exists(AppwriteException("m", 409, "document_already_exists"))
    assert not is_already_exists(AppwriteException("m", 409, "user_already_exists"))
    assert not is_already_exists(AppwriteException("m", 404, "row_not_found"))
