"""appwrite.json's `covers` bucket as Appwrite enforces it, straight through the SDK of this
venv (15.3 in .venv, 27 in .venv-sdk27): covers written with the key carry their article's
read permissions (`shared.permissions.read_permissions`, as the functions write them), each
kind of caller reads exactly what it may read of its article, and nobody but a key writes.
The functions' side is tests/functions/test_articles_covers.py."""

from __future__ import annotations

import json
import secrets

import pytest
from appwrite.exception import AppwriteException
from appwrite.input_file import InputFile
from appwrite.services.storage import Storage
from appwrite.services.teams import Teams

from shared.permissions import read_permissions
from shared.tables import COVERS
from tests.emulator.conftest import MANIFEST, as_dict
from tests.emulator.storage_support import png

ENTRY = next(b for b in json.loads(MANIFEST.read_text())["buckets"] if b["$id"] == COVERS)


@pytest.fixture(scope="module")
def bucket(emulator):
    """The bucket as `appwrite push` creates it from appwrite.json."""
    storage = Storage(emulator.client().set_key(emulator.api_key))
    settings = {
        "permissions": ENTRY["$permissions"],
        "file_security": ENTRY["fileSecurity"],
        "enabled": ENTRY["enabled"],
        "maximum_file_size": ENTRY["maximumFileSize"],
        "allowed_file_extensions": ENTRY["allowedFileExtensions"],
        "compression": ENTRY["compression"],
        "encryption": ENTRY["encryption"],
        "antivirus": ENTRY["antivirus"],
    }
    try:
        return as_dict(storage.create_bucket(COVERS, ENTRY["name"], **settings))
    except AppwriteException as exc:  # made by an earlier module of this session
        assert exc.code == 409, exc
        return as_dict(storage.get_bucket(COVERS))


@pytest.fixture(scope="module")
def people(emulator, bucket):
    """author, teammate (of the author's team), stranger: Storage as each (JWT); guest."""
    from appwrite.id import ID
    from appwrite.services.users import Users

    admin = emulator.client().set_key(emulator.api_key)
    users = Users(admin)
    made = {
        kind: as_dict(users.create(ID.unique(), email=f"{kind}-{secrets.token_hex(4)}@ex.com"))
        for kind in ("author", "teammate", "stranger")
    }
    team_id = "desk" + secrets.token_hex(4)
    Teams(admin).create(team_id, "Desk")
    for kind in ("author", "teammate"):
        Teams(admin).create_membership(team_id, ["member"], user_id=made[kind]["$id"])

    def storage(kind: str) -> Storage:
        client = emulator.client()
        if kind != "guest":
            client.set_jwt(as_dict(users.create_jwt(made[kind]["$id"]))["jwt"])
        return Storage(client)

    people = {kind: storage(kind) for kind in ("author", "teammate", "stranger", "guest")}
    return people, made["author"]["$id"], team_id


def cover(admin_client, author_id: str, team_id: str, status: str) -> str:
    """A cover as the functions write one (key, file id = article id, read permissions)."""
    file_id = "a" + secrets.token_hex(8)
    article = {"authorId": author_id, "teamId": team_id, "status": status}
    source = InputFile.from_bytes(png(40, 20), "cover.png")
    Storage(admin_client).create_file(COVERS, file_id, source, read_permissions(article))
    return file_id


def refused(call) -> bool:
    try:
        call()
    except AppwriteException as exc:
        assert exc.code in (401, 404), exc
        return True
    return False


def test_the_bucket_grants_users_nothing_and_files_their_own_reads(bucket):
    assert bucket["$permissions"] == []
    assert (bucket["fileSecurity"], bucket["enabled"]) == (True, True)
    assert bucket["maximumFileSize"] == 5 * 1024 * 1024
    assert bucket["allowedFileExtensions"] == ["png", "jpg", "jpeg", "webp"]
    assert (bucket["compression"], bucket["encryption"], bucket["antivirus"]) == (
        "none",
        True,
        True,
    )


READERS = {
    "draft": {"author", "teammate"},
    "published": {"author", "teammate", "stranger", "guest"},
}


@pytest.mark.parametrize("status", ["draft", "published"])
def test_each_caller_reads_what_the_article_lets_them_read_and_writes_nothing(
    admin_client, people, status
):
    storage, author_id, team_id = people
    file_id = cover(admin_client, author_id, team_id, status)
    other = cover(admin_client, author_id, team_id, status)
    for kind, mine in storage.items():
        may_read = kind in READERS[status]
        assert refused(lambda mine=mine: mine.get_file_view(COVERS, file_id)) != may_read, kind
        if may_read:
            assert mine.get_file_download(COVERS, file_id) == png(40, 20)
        source = InputFile.from_bytes(png(4, 4), "mine.png")
        assert refused(
            lambda mine=mine, source=source: mine.create_file(COVERS, "unique()", source)
        ), kind
        assert refused(
            lambda mine=mine: mine.update_file(COVERS, other, permissions=['read("any")'])
        ), kind
        assert refused(lambda mine=mine: mine.delete_file(COVERS, other)), kind
    assert as_dict(Storage(admin_client).get_file(COVERS, other))["$permissions"] == (
        read_permissions({"authorId": author_id, "teamId": team_id, "status": status})
    )


def test_the_bucket_refuses_other_names_and_larger_files_even_with_the_key(admin_client, bucket):
    storage = Storage(admin_client)
    for name in ("cover.gif", "cover.svg", "cover.png.html", "cover"):
        with pytest.raises(AppwriteException) as caught:
            storage.create_file(COVERS, "unique()", InputFile.from_bytes(png(4, 4), name))
        assert caught.value.type == "storage_file_type_unsupported", name
    too_big = b"\0" * (5 * 1024 * 1024 + 1)
    with pytest.raises(AppwriteException) as caught:
        storage.create_file(
            COVERS, "big" + secrets.token_hex(4), InputFile.from_bytes(too_big, "cover.png")
        )
    assert caught.value.type == "storage_invalid_file_size"
