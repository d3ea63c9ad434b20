"""Who may do what with files (sessions and JWTs through the SDK): the bucket decides, and
with fileSecurity on the file's own permissions may grant too; users grant only roles they
hold. Buckets themselves are for API keys only."""

from __future__ import annotations

import pytest
from appwrite.exception import AppwriteException
from appwrite.input_file import InputFile
from appwrite.services.storage import Storage

from tests.emulator.conftest import as_dict
from tests.emulator.storage_support import new_bucket, png


def _error(call) -> tuple[int, str, str]:
    with pytest.raises(AppwriteException) as caught:
        call()
    return caught.value.code, caught.value.type, caught.value.message


@pytest.fixture
def people(make_user, user_client, jwt_client):
    """owner (session), outsider (JWT): the same rules hold for both ways of signing in."""
    owner, _ = make_user()
    outsider, _ = make_user()
    return {
        "owner": (owner, Storage(user_client(owner))),
        "outsider": (outsider, Storage(jwt_client(outsider))),
    }


def test_without_file_security_the_bucket_alone_decides(admin_client, guest_client, people):
    bucket = new_bucket(
        admin_client, permissions=['read("users")', 'create("users")'], file_security=False
    )
    owner, owner_storage = people["owner"]
    _, outsider_storage = people["outsider"]
    made = as_dict(
        owner_storage.create_file(bucket["$id"], "unique()", InputFile.from_bytes(b"hi", "a.txt"))
    )
    assert made["$permissions"] == [
        f'read("user:{owner["$id"]}")',
        f'update("user:{owner["$id"]}")',
        f'delete("user:{owner["$id"]}")',
    ]
    # any signed-in user reads through the bucket, whatever the file's permissions say
    assert outsider_storage.get_file_download(bucket["$id"], made["$id"]) == b"hi"
    code, kind, message = _error(lambda: Storage(guest_client).get_file(bucket["$id"], made["$id"]))
    assert (code, kind) == (401, "user_unauthorized")
    assert message.startswith('Missing "read" permission for role "users".')
    # the bucket grants no update: the owner's own file permission does not count
    code, kind, message = _error(
        lambda: owner_storage.update_file(bucket["$id"], made["$id"], name="b.txt")
    )
    assert (code, kind, message) == (
        401,
        "user_unauthorized",
        "No permissions provided for action 'update'",
    )


def test_with_file_security_the_files_permissions_grant(admin_client, guest_client, people):
    bucket = new_bucket(admin_client, permissions=['create("users")'], file_security=True)
    owner, owner_storage = people["owner"]
    outsider, outsider_storage = people["outsider"]
    guest = Storage(guest_client)
    private = as_dict(
        owner_storage.create_file(bucket["$id"], "private", InputFile.from_bytes(b"p", "p.txt"))
    )
    public = as_dict(
        owner_storage.create_file(
            bucket["$id"],
            "public",
            InputFile.from_bytes(png(4, 4), "p.png"),
            permissions=['read("any")', f'update("user:{owner["$id"]}")'],
        )
    )
    assert owner_storage.get_file_download(bucket["$id"], private["$id"]) == b"p"
    for reader in (outsider_storage, guest):  # a file one may not read is not found
        code, kind, _ = _error(lambda r=reader: r.get_file(bucket["$id"], "private"))
        assert (code, kind) == (404, "storage_file_not_found")
        assert as_dict(reader.get_file(bucket["$id"], "public"))["$id"] == public["$id"]
        listed = as_dict(reader.list_files(bucket["$id"]))
        assert [f["$id"] for f in listed["files"]] == ["public"] and listed["total"] == 1
    assert len(guest.get_file_preview(bucket["$id"], "public", width=2)) > 0
    # writes: the file's update/delete grants, nobody else's
    code, kind, message = _error(
        lambda: outsider_storage.update_file(bucket["$id"], "public", name="mine.png")
    )
    assert (code, kind) == (401, "user_unauthorized")
    assert message.startswith(f'Missing "update" permission for role "user:{owner["$id"]}"')
    code, kind, _ = _error(lambda: outsider_storage.delete_file(bucket["$id"], "private"))
    assert (code, kind) == (401, "user_unauthorized")
    renamed = as_dict(owner_storage.update_file(bucket["$id"], "public", name="cover.png"))
    assert renamed["name"] == "cover.png"
    owner_storage.delete_file(bucket["$id"], "private")
    # guests may not upload: the bucket grants create to users only
    code, kind, _ = _error(
        lambda: guest.create_file(bucket["$id"], "g", InputFile.from_bytes(b"g", "g.txt"))
    )
    assert (code, kind) == (401, "user_unauthorized")
    del outsider


def test_users_grant_only_roles_they_hold(admin_client, people):
    bucket = new_bucket(admin_client, permissions=['create("users")'], file_security=True)
    owner, owner_storage = people["owner"]
    outsider, _ = people["outsider"]
    code, kind, message = _error(
        lambda: owner_storage.create_file(
            bucket["$id"],
            "x",
            InputFile.from_bytes(b"x", "x.txt"),
            permissions=[f'read("user:{outsider["$id"]}")'],
        )
    )
    assert (code, kind) == (401, "user_unauthorized")
    assert message.startswith("Permissions must be one of: (any, ")
    assert f"user:{owner['$id']}" in message
    made = as_dict(
        owner_storage.create_file(
            bucket["$id"], "y", InputFile.from_bytes(b"y", "y.txt"), permissions=['read("users")']
        )
    )
    assert made["$permissions"] == ['read("users")']


def test_a_disabled_bucket_is_not_found_except_for_keys(admin_client, people):
    bucket = new_bucket(admin_client, permissions=['read("users")'], enabled=False)
    storage = Storage(admin_client)
    storage.create_file(bucket["$id"], "f", InputFile.from_bytes(b"f", "f.txt"))
    _, owner_storage = people["owner"]
    code, kind, message = _error(lambda: owner_storage.get_file(bucket["$id"], "f"))
    assert (code, kind) == (404, "storage_bucket_not_found")
    assert message == "Storage bucket with the requested ID could not be found."
    assert as_dict(storage.get_file(bucket["$id"], "f"))["$id"] == "f"


def test_buckets_are_for_keys_only(admin_client, people):
    bucket = new_bucket(admin_client, permissions=['read("any")'])
    _, owner_storage = people["owner"]
    code, kind, message = _error(lambda: owner_storage.get_bucket(bucket["$id"]))
    assert (code, kind) == (401, "general_unauthorized_scope")
    assert 'missing scopes (["buckets.read"])' in message
