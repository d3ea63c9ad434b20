"""Article covers (issue 11): `PUT/GET/DELETE /articles/{id}/cover` through the `articles`
function's URL, and the covers in Storage seen through the real SDK — as the functions
leave them (with the key) and as each kind of caller may reach them directly (with their
own JWT, or none). Then what the other functions do to covers: publishing, archiving and a
deleted team move a cover's permissions with its article's; deleting or purging an article
deletes its cover; `nightly-maintenance` removes covers whose article is gone. Each
function's file scope is shown to be needed.

The direct Storage checks run with SDK 15.3 here; tests/emulator/test_storage_covers.py
runs the bucket's rules with SDK 27 too.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import random
import struct
import uuid
import zlib

import pytest
from appwrite.exception import AppwriteException
from appwrite.input_file import InputFile
from appwrite.query import Query
from appwrite.services.storage import Storage
from appwrite.services.tables_db import TablesDB
from appwrite.services.teams import Teams
from PIL import Image

from shared.audit import audit_row_id
from shared.permissions import article_permissions
from shared.tables import ARTICLES, AUDIT_LOG, COVERS, DATABASE_ID
from tests.functions.articles_cast import KINDS, Cast, error_code
from tests.functions.scheduled_support import function_entry, start

MiB = 1024 * 1024
UTC = dt.UTC


# -- images ----------------------------------------------------------------------------------------


def picture(fmt: str, size=(400, 200), *, noise=False, **options) -> bytes:
    """An image in `fmt` (PNG, JPEG, WEBP, GIF): red, or random pixels (`noise`)."""
    if noise:
        rand = random.Random(size[0] * 7 + size[1])
        image = Image.frombytes("RGB", size, rand.randbytes(size[0] * size[1] * 3))
    else:
        image = Image.new("RGB", size, "red")
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def png_of_exactly(total: int) -> bytes:
    """A valid PNG of exactly `total` bytes: a small picture padded by a private ancillary
    chunk (decoders skip it) before IEND."""
    base = picture("PNG", (64, 32))
    head, iend = base[:-12], base[-12:]
    length = total - len(base) - 12
    kind = b"npAd"
    chunk = struct.pack(">I", length) + kind + b"\0" * length
    chunk += struct.pack(">I", zlib.crc32(kind + b"\0" * length))
    data = head + chunk + iend
    assert len(data) == total
    return data


def size_of(data: bytes) -> tuple[int, int]:
    return Image.open(io.BytesIO(data)).size


def format_of(data: bytes) -> str:
    return Image.open(io.BytesIO(data)).format


MIME = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}
NAMES = {"PNG": "cover.png", "JPEG": "cover.jpg", "WEBP": "cover.webp"}


# -- the cast, and calls ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cast(appwrite, site_admin):
    return Cast.assemble(appwrite, site_admin)


@pytest.fixture(scope="module")
def files(appwrite):
    """Storage with the admin key: what the functions left behind."""
    return Storage(appwrite.admin_client())


def cover_path(row: dict) -> str:
    return f"/articles/{row['$id']}/cover"


def put(cast: Cast, kind: str, row: dict, data: bytes, content_type: str = "image/png"):
    return cast.call(
        kind, "PUT", cover_path(row), body=data, headers={"content-type": content_type}
    )


def covered(cast: Cast, *, status="draft", fmt="PNG", kind="author", team=True) -> dict:
    """An article with a cover, made through the function, in `status`."""
    row = cast.create(kind, team=team)
    answer = put(cast, kind, row, picture(fmt))
    assert answer.status_code == 201, answer.text
    step = {"published": "publish", "archived": "archive"}.get(status)
    if step:
        done = cast.call(kind, "POST", f"/articles/{row['$id']}/{step}")
        assert done.status_code == 200, done.text
        return done.json()
    return answer.json()


def storage_as(cast: Cast, kind: str) -> Storage:
    """Storage as the caller itself: a JWT, or nothing for a guest."""
    client = cast.appwrite.guest_client()
    if kind != "guest":
        client.set_jwt(cast.jwt(kind))
    return Storage(client)


def refused(call) -> bool:
    """True when Appwrite refused the call as it refuses a caller without permission."""
    try:
        call()
    except AppwriteException as exc:
        assert exc.code in (401, 404), exc
        return True
    return False


def gone(files: Storage, file_id: str) -> bool:
    try:
        files.get_file(COVERS, file_id)
    except AppwriteException as exc:
        assert exc.code == 404, exc
        return True
    return False


# -- upload: each format, replacing, the answers ---------------------------------------------------


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
def test_each_format_is_stored_with_the_articles_read_permissions(cast, files, fmt):
    row = cast.create("author")
    data = picture(fmt, (320, 180))
    # the content decides, not the content-type the caller claims
    stored = put(cast, "author", row, data, content_type="application/octet-stream")

    assert stored.status_code == 201, stored.text
    assert stored.json()["cover"] == {
        "fileId": row["$id"],
        "mimeType": MIME[fmt],
        "sizeOriginal": len(data),
        "width": 320,
        "height": 180,
    }
    file = files.get_file(COVERS, row["$id"])
    assert (file["name"], file["mimeType"], file["sizeOriginal"]) == (
        NAMES[fmt],
        MIME[fmt],
        len(data),
    )
    assert file["$permissions"] == article_permissions(cast.id("author"), cast.team_id, "draft")
    assert files.get_file_download(COVERS, row["$id"]) == data

    served = cast.call("author", "GET", cover_path(row))
    assert served.status_code == 200 and served.content == data
    assert served.headers["content-type"].split(";")[0] == MIME[fmt]
    assert served.headers["x-content-type-options"] == "nosniff"
    assert served.headers["cache-control"] == "private, no-store"


def test_a_cover_is_replaced_and_the_answers_say_so(cast, files):
    row = cast.create("author", team=False, tags=[uuid.uuid4().hex[:12]])
    assert row["cover"] is None
    assert put(cast, "author", row, picture("PNG")).status_code == 201
    second = picture("JPEG", (90, 60))

    replaced = put(cast, "author", row, second)

    assert replaced.status_code == 200, replaced.text  # 200: it had one, now another
    assert replaced.json()["cover"]["mimeType"] == "image/jpeg"
    assert cast.call("author", "GET", cover_path(row)).content == second
    assert files.get_file(COVERS, row["$id"])["name"] == "cover.jpg"
    assert files.list_files(COVERS, [Query.equal("$id", [row["$id"]])])["total"] == 1
    read = cast.call("author", "GET", f"/articles/{row['$id']}").json()
    assert read["cover"]["sizeOriginal"] == len(second)
    listed = cast.call("author", "GET", "/articles", params={"tag": row["tags"][0]}).json()
    assert [item["cover"] for item in listed["articles"]] == [replaced.json()["cover"]]


def test_a_cover_of_exactly_5_mib_is_taken_and_replaced(cast, files):
    """5 MiB is the SDK's chunk size: such a file goes up as one chunk (`content-range`)."""
    row = cast.create("author", team=False)
    data = png_of_exactly(5 * MiB)
    assert put(cast, "author", row, data).status_code == 201
    assert put(cast, "author", row, data).status_code == 200
    assert files.get_file(COVERS, row["$id"])["sizeOriginal"] == 5 * MiB
    assert cast.call("author", "GET", cover_path(row)).content == data


# -- what is refused, by content -------------------------------------------------------------------


def truncated(data: bytes) -> bytes:
    return data[: len(data) // 2]


def corrupt_png() -> bytes:
    """A PNG whose image data is damaged (one byte of IDAT changed), IEND intact."""
    data = bytearray(picture("PNG", (200, 100), noise=True))
    at = data.index(b"IDAT") + 40
    data[at] ^= 0xFF
    return bytes(data)


# Each case's bytes are made when its test runs, not when the module is collected (the
# pictures cost about a second of CPU in every process that collects the suite).
REFUSED = {
    "a GIF named like a PNG": (lambda: picture("GIF"), 415, "unsupported_image_type"),
    "a text file": (
        lambda: b"this is not a picture, just text\n" * 20,
        415,
        "unsupported_image_type",
    ),
    "a PDF": (
        lambda: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n",
        415,
        "unsupported_image_type",
    ),
    "an SVG": (lambda: b'<svg xmlns="http://www.w3.org/2000/svg"/>', 415, "unsupported_image_type"),
    "a truncated PNG": (lambda: truncated(picture("PNG", noise=True)), 400, "invalid_image"),
    "a PNG without its last bytes": (lambda: picture("PNG", noise=True)[:-3], 400, "invalid_image"),
    "a PNG with damaged data": (corrupt_png, 400, "invalid_image"),
    "a truncated JPEG": (lambda: truncated(picture("JPEG", noise=True)), 400, "invalid_image"),
    "a truncated WebP": (lambda: truncated(picture("WEBP", noise=True)), 400, "invalid_image"),
    "nothing": (lambda: b"", 400, "empty_body"),
    "a PNG of 30 megapixels": (lambda: picture("PNG", (6000, 5000)), 400, "image_too_large"),
    "5 MiB and one byte": (lambda: png_of_exactly(5 * MiB + 1), 413, "payload_too_large"),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_what_is_not_a_png_jpeg_or_webp_is_refused_by_its_content(cast, files, case):
    make, status, code = REFUSED[case]
    data = make()
    row = cast.create("author", team=False)

    answer = put(cast, "author", row, data, content_type="image/png")

    assert (answer.status_code, error_code(answer)) == (status, code), answer.text
    assert answer.headers["content-type"].startswith("application/json")
    assert gone(files, row["$id"])
    assert cast.call("author", "GET", f"/articles/{row['$id']}").json()["cover"] is None


def test_a_refusal_keeps_the_cover_there_was(cast):
    row = cast.create("author", team=False)
    data = picture("WEBP")
    put(cast, "author", row, data)
    assert put(cast, "author", row, picture("GIF")).status_code == 415
    assert cast.call("author", "GET", cover_path(row)).content == data


# -- who may: the matrix for covers ----------------------------------------------------------------

# kind → (GET through the function, PUT/DELETE through the function) for a draft team
# article; reading straight from Storage agrees with the first column.
DRAFT = {
    "author": (200, 200),
    "member": (200, 403),
    "editor": (200, 200),
    "team_admin": (200, 200),
    "owner": (200, 200),
    "site_admin": (200, 200),
    "stranger": (404, 404),
    "guest": (404, 401),
}
PUBLISHED = {kind: (200, 403 if w == 404 else w) for kind, (_, w) in DRAFT.items()}


@pytest.fixture(scope="module")
def matrix_articles(cast):
    return {status: covered(cast, status=status) for status in ("draft", "published")}


def keyed_cover(cast: Cast, status: str) -> dict:
    """A team article with a cover, written with the key exactly as the functions write it."""
    appwrite = cast.appwrite
    permissions = article_permissions(cast.id("author"), cast.team_id, status)
    data = {
        "title": "Matrix",
        "body": "b",
        "authorId": cast.id("author"),
        "teamId": cast.team_id,
        "status": status,
        "coverMimeType": "image/png",
        "coverSize": 100,
        "coverWidth": 400,
        "coverHeight": 200,
    }
    row = TablesDB(appwrite.admin_client()).create_row(
        DATABASE_ID, ARTICLES, "unique()", data, permissions
    )
    source = InputFile.from_bytes(picture("PNG"), "cover.png")
    Storage(appwrite.admin_client()).create_file(COVERS, row["$id"], source, permissions)
    return row


@pytest.mark.parametrize("status", ["draft", "published"])
@pytest.mark.parametrize("kind", KINDS)
def test_the_cover_matrix(cast, files, matrix_articles, kind, status):
    read, write = (DRAFT if status == "draft" else PUBLISHED)[kind]
    row = matrix_articles[status]
    mine = storage_as(cast, kind)

    # reading: through the function, and straight from Storage (view, download, preview)
    assert cast.call(kind, "GET", cover_path(row)).status_code == read
    assert cast.call(kind, "GET", cover_path(row), params={"width": 50}).status_code == read
    for fetch in (mine.get_file_view, mine.get_file_download, mine.get_file):
        assert refused(lambda fetch=fetch: fetch(COVERS, row["$id"])) == (read != 200)
    assert refused(lambda: mine.get_file_preview(COVERS, row["$id"], width=50)) == (read != 200)
    # listing is allowed (file security), and shows only the files the caller may read
    found = mine.list_files(COVERS, [Query.equal("$id", [row["$id"]])])["total"]
    assert found == (1 if read == 200 else 0)

    # writing through the function: the article's update rule
    assert put(cast, kind, row, picture("PNG")).status_code == write
    target = keyed_cover(cast, status) if write == 200 else row
    removed = cast.call(kind, "DELETE", cover_path(target))
    assert removed.status_code == (204 if write == 200 else write)
    assert gone(files, target["$id"]) == (write == 200)

    # writing straight to Storage: nobody, whatever the article says of them
    other = keyed_cover(cast, status)
    source = InputFile.from_bytes(picture("PNG"), "cover.png")
    assert refused(lambda: mine.create_file(COVERS, "unique()", source))
    assert refused(lambda: mine.create_file(COVERS, "unique()", source, ['read("any")']))
    assert refused(lambda: mine.update_file(COVERS, other["$id"], name="mine.png"))
    assert refused(lambda: mine.update_file(COVERS, other["$id"], permissions=['read("any")']))
    assert refused(lambda: mine.delete_file(COVERS, other["$id"]))
    assert files.get_file(COVERS, other["$id"])["$permissions"] == article_permissions(
        cast.id("author"), cast.team_id, status
    )


def test_an_anonymous_session_reads_covers_like_a_guest_and_writes_none(cast, appwrite):
    from appwrite.services.account import Account

    session = Account(appwrite.admin_client()).create_anonymous_session()
    jwt = Account(appwrite.guest_client().set_session(session["secret"])).create_jwt()["jwt"]
    auth = {"authorization": f"Bearer {jwt}"}
    published = covered(cast, status="published", team=False)
    answer = appwrite.invoke_http("articles", cover_path(published), headers=auth)
    assert answer.status_code == 200
    for method in ("PUT", "DELETE"):
        answer = appwrite.invoke_http(
            "articles", cover_path(published), method=method, headers=auth, body=picture("PNG")
        )
        assert (answer.status_code, error_code(answer)) == (403, "email_required")


def test_an_archived_articles_cover_is_read_only(cast):
    row = covered(cast, status="archived", team=False)
    assert cast.call("author", "GET", cover_path(row)).status_code == 200
    for answer in (
        put(cast, "author", row, picture("PNG")),
        cast.call("author", "DELETE", cover_path(row)),
    ):
        assert (answer.status_code, error_code(answer)) == (409, "invalid_transition")


# -- previews --------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
def test_a_width_asks_for_a_preview_in_the_same_format(cast, fmt):
    row = covered(cast, status="published", fmt=fmt, team=False)

    answer = cast.call("guest", "GET", cover_path(row), params={"width": 100})

    assert answer.status_code == 200
    assert answer.headers["content-type"].split(";")[0] == MIME[fmt]
    assert (format_of(answer.content), size_of(answer.content)) == (fmt, (100, 50))
    assert answer.headers["cache-control"] == "public, max-age=60"


def test_a_width_at_least_the_covers_own_answers_the_cover_itself(cast):
    row = cast.create("author", team=False)
    data = picture("PNG", (400, 200))
    put(cast, "author", row, data)
    for width in (400, 401, 4000):
        assert cast.call("author", "GET", cover_path(row), params={"width": width}).content == data


def test_a_preview_that_would_be_larger_than_the_cover_is_the_cover(cast):
    """A JPEG saved at the lowest quality previews (at Appwrite's default quality) larger."""
    row = cast.create("author", team=False)
    data = picture("JPEG", (600, 600), noise=True, quality=1)
    put(cast, "author", row, data)
    answer = cast.call("author", "GET", cover_path(row), params={"width": 599})
    assert answer.status_code == 200 and answer.content == data


@pytest.mark.parametrize(
    "query", [{"width": "0"}, {"width": "-1"}, {"width": "4001"}, {"width": "1.5"}, {"w": "10"}]
)
def test_a_bad_preview_query_is_a_400_naming_it(cast, query):
    row = covered(cast, status="published", team=False)
    answer = cast.call("guest", "GET", cover_path(row), params=query)
    assert (answer.status_code, error_code(answer)) == (400, "validation_failed")
    assert answer.json()["error"]["details"][0]["path"] == "/" + next(iter(query))


def test_an_article_without_a_cover_answers_404(cast):
    row = cast.published("author", team=False)
    for method in ("GET", "DELETE"):
        answer = cast.call("author", method, cover_path(row))
        assert (answer.status_code, error_code(answer)) == (404, "cover_not_found")
    answer = cast.call("guest", "GET", "/articles/nope/cover")
    assert (answer.status_code, error_code(answer)) == (404, "article_not_found")


# -- clean-ups and permissions following the article, in the session's project ---------------------


def test_deleting_the_cover_removes_the_file_and_the_record(cast, files):
    row = covered(cast, team=False)
    assert cast.call("author", "DELETE", cover_path(row)).status_code == 204
    assert gone(files, row["$id"])
    assert cast.call("author", "GET", f"/articles/{row['$id']}").json()["cover"] is None
    answer = cast.call("author", "GET", cover_path(row))
    assert (answer.status_code, error_code(answer)) == (404, "cover_not_found")


def test_deleting_the_article_deletes_its_cover(cast, files):
    row = covered(cast, status="published")
    assert cast.call("team_admin", "DELETE", f"/articles/{row['$id']}").status_code == 204
    assert gone(files, row["$id"])


def test_publishing_and_archiving_move_the_covers_permissions(cast, files):
    row = covered(cast)  # a team draft
    guest, member = storage_as(cast, "guest"), storage_as(cast, "member")
    assert refused(lambda: guest.get_file_view(COVERS, row["$id"]))
    assert not refused(lambda: member.get_file_view(COVERS, row["$id"]))

    cast.call("editor", "POST", f"/articles/{row['$id']}/publish")
    assert files.get_file(COVERS, row["$id"])["$permissions"] == ['read("any")']
    assert guest.get_file_view(COVERS, row["$id"]) == picture("PNG")

    cast.call("editor", "POST", f"/articles/{row['$id']}/archive")
    assert files.get_file(COVERS, row["$id"])["$permissions"] == article_permissions(
        cast.id("author"), cast.team_id, "archived"
    )
    assert refused(lambda: guest.get_file_view(COVERS, row["$id"]))
    assert not refused(lambda: member.get_file_view(COVERS, row["$id"]))


def test_a_deleted_team_is_taken_off_its_articles_covers(appwrite, unique_email):
    owner = appwrite.create_user(unique_email("owner"), name="Owner")
    editor = appwrite.create_user(unique_email("editor"), name="Editor")
    team_id = "desk" + uuid.uuid4().hex[:8]
    Teams(appwrite.as_user(owner)).create(team_id, "Desk")
    Teams(appwrite.admin_client()).create_membership(team_id, ["editor"], user_id=editor["$id"])
    row = appwrite.invoke_http(
        "articles",
        "/articles",
        method="POST",
        user=editor,
        json={"title": "T", "body": "B", "teamId": team_id},
    ).json()
    stored = appwrite.invoke_http(
        "articles", cover_path(row), method="PUT", user=editor, body=picture("PNG")
    )
    assert stored.status_code == 201, stored.text
    as_owner = Storage(appwrite.guest_client().set_jwt(appwrite.jwt_for(owner)))
    assert as_owner.get_file_view(COVERS, row["$id"]) == picture("PNG")
    appwrite.wait_for_executions()

    with appwrite.caused_executions() as executions:
        Teams(appwrite.as_user(owner)).delete(team_id)

    assert [(e["functionId"], e["status"]) for e in executions] == [("team-cleanup", "completed")]
    file = Storage(appwrite.admin_client()).get_file(COVERS, row["$id"])
    assert file["$permissions"] == article_permissions(editor["$id"], None, "draft")
    assert refused(lambda: as_owner.get_file_view(COVERS, row["$id"]))


def test_deleting_a_user_deletes_the_covers_of_their_unpublished_articles(
    appwrite, files, unique_email
):
    user = appwrite.create_user(unique_email("leaving"), name="Leaving")

    def article(step=None):
        row = appwrite.invoke_http(
            "articles", "/articles", method="POST", user=user, json={"title": "T", "body": "B"}
        ).json()
        appwrite.invoke_http(
            "articles", cover_path(row), method="PUT", user=user, body=picture("PNG")
        )
        if step:
            path = f"/articles/{row['$id']}/{step}"
            appwrite.invoke_http("articles", path, method="POST", user=user)
        return row

    draft, archived, published = article(), article("archive"), article("publish")
    deleted = appwrite.invoke_http("accounts", f"/users/{user['$id']}", method="DELETE", user=user)

    assert deleted.status_code == 200, deleted.text
    assert (deleted.json()["articlesDeleted"], deleted.json()["coversDeleted"]) == (2, 2)
    assert gone(files, draft["$id"]) and gone(files, archived["$id"])
    assert files.get_file(COVERS, published["$id"])["$permissions"] == ['read("any")']


# -- a private project: the clock, the nightly job, and each file scope ----------------------------

LESS = {  # function → (variant id, its scopes without one file scope)
    "articles": [
        ("articles-no-files-read", ["rows.read", "rows.write", "teams.read", "files.write"]),
        ("articles-no-files-write", ["rows.read", "rows.write", "teams.read", "files.read"]),
    ],
    "accounts": [
        ("accounts-no-files-write", ["users.read", "users.write", "rows.read", "rows.write"]),
    ],
    "publish-scheduled": [("publish-no-files-write", ["rows.read", "rows.write"])],
    "team-cleanup": [("team-cleanup-no-files-write", ["rows.read", "rows.write", "teams.read"])],
    "nightly-maintenance": [
        ("nightly-no-files", ["rows.read", "rows.write", "users.read", "users.write"]),
    ],
}


def scopes_of(function_id: str) -> list[str]:
    return function_entry(function_id)["scopes"]


def test_each_function_has_exactly_the_file_scopes_it_needs():
    """Each is shown to be needed by the tests below (the emulator enforces scopes)."""
    files_scopes = {f: [s for s in scopes_of(f) if s.startswith("files.")] for f in LESS}
    assert files_scopes == {
        "articles": ["files.read", "files.write"],  # download/preview; upload/update/delete
        "accounts": ["files.write"],  # deleting a user's covers
        "publish-scheduled": ["files.write"],  # a published cover's permissions
        "team-cleanup": ["files.write"],  # a stripped cover's permissions
        "nightly-maintenance": ["files.read", "files.write"],  # the covers' checks; purges
    }
    for name in ("enrich-article", "provision-profile", "session"):
        assert not [s for s in scopes_of(name) if s.startswith("files.")]


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    entries = [function_entry(f) for f in LESS]
    entries.append(
        function_entry(
            "nightly-maintenance",
            as_id="nightly-small",
            vars={"MAINTENANCE_BATCH_SIZE": "2"},
        )
    )
    for function_id, variants in LESS.items():
        for as_id, scopes in variants:
            # the variants answer only the calls made to them, not the events of the real ones
            events = {"events": []} if function_id in ("team-cleanup", "articles") else {}
            entries.append(function_entry(function_id, as_id=as_id, scopes=scopes, **events))
    client = start(tmp_path_factory.mktemp("covers"), entries)
    yield client
    client.stack.close()


@pytest.fixture(scope="module")
def author(project):
    return project.create_user("covers-author@example.com", name="Author")


def make(project, user, *, function="articles", status="draft", **fields) -> dict:
    """An article with a cover through `function`'s URL, then brought to `status`."""
    body = {"title": "Story", "body": "Words.", **fields}
    row = project.invoke_http(function, "/articles", method="POST", user=user, json=body).json()
    answer = project.invoke_http(
        function, cover_path(row), method="PUT", user=user, body=picture("PNG")
    )
    assert answer.status_code == 201, answer.text
    step = {"published": "publish", "archived": "archive"}.get(status)
    if step:
        path = f"/articles/{row['$id']}/{step}"
        answer = project.invoke_http(function, path, method="POST", user=user)
    return answer.json()


def run(project, function_id, at):
    execution = project.run_schedule(function_id, at=at)
    assert execution["status"] == "completed", execution["errors"]
    return json.loads(execution["responseBody"])


def later(days=0, minutes=10):
    return dt.datetime.now(UTC) + dt.timedelta(days=days, minutes=minutes)


def every_cover_removed(project):
    """No article and no cover left (the nightly tests count what they remove): the rows'
    deletion events take their covers; what was not an article's is deleted here."""
    keyed = Storage(project.admin_client())
    TablesDB(project.admin_client()).delete_rows(DATABASE_ID, ARTICLES)
    project.wait_for_executions()
    for file in keyed.list_files(COVERS, [Query.limit(100)])["files"]:
        keyed.delete_file(COVERS, file["$id"])


def test_a_scheduled_article_publishes_with_its_cover(project, author):
    publish_at = later(minutes=30).replace(microsecond=0).isoformat()
    row = make(project, author, publishAt=publish_at)
    guest = Storage(project.guest_client())
    assert refused(lambda: guest.get_file_view(COVERS, row["$id"]))

    summary = run(project, "publish-scheduled", later(minutes=40))

    assert row["$id"] in summary["published"]
    assert guest.get_file_view(COVERS, row["$id"]) == picture("PNG")


def test_the_nightly_purge_deletes_archived_articles_with_their_covers(project, author):
    every_cover_removed(project)
    row = make(project, author, status="archived")
    kept = make(project, author, status="published")

    summary = run(project, "nightly-maintenance", later(days=120))

    assert row["$id"] in summary["purgedArticles"] and summary["purgedCovers"] == []
    keyed = Storage(project.admin_client())
    assert gone(keyed, row["$id"]) and not gone(keyed, kept["$id"])


def orphan(project, permissions=None) -> str:
    """A cover whose article does not exist (as an older version or a crash could leave)."""
    file_id = "gone" + uuid.uuid4().hex[:12]
    source = InputFile.from_bytes(picture("PNG"), "cover.png")
    Storage(project.admin_client()).create_file(COVERS, file_id, source, permissions or [])
    return file_id


def test_nightly_removes_covers_whose_article_is_gone_bounded_and_audited(project, author):
    every_cover_removed(project)
    orphans = {orphan(project, ['read("any")']) for _ in range(3)}
    alive = make(project, author, status="published")
    at = later(days=1)

    runs = [run(project, "nightly-small", at + dt.timedelta(minutes=i)) for i in range(3)]

    assert [len(r["purgedCovers"]) for r in runs] == [2, 1, 0]  # at most 2 (the batch) a run
    assert [r["purged"]["covers"] for r in runs] == [2, 1, 0]
    assert [r["finished"] for r in runs] == [False, True, True]
    assert {file_id for r in runs for file_id in r["purgedCovers"]} == orphans
    keyed = Storage(project.admin_client())
    assert all(gone(keyed, file_id) for file_id in orphans) and not gone(keyed, alive["$id"])
    audit = TablesDB(project.admin_client()).list_rows(
        DATABASE_ID, AUDIT_LOG, [Query.equal("action", ["cover.purged"])]
    )["rows"]
    assert sorted(row["subjectId"] for row in audit) == sorted(orphans)
    assert {row["subjectTable"] for row in audit} == {COVERS}


def test_nightly_gives_a_cover_its_articles_permissions_again(project, author):
    row = make(project, author)  # a draft
    keyed = Storage(project.admin_client())
    keyed.update_file(COVERS, row["$id"], permissions=['read("any")'])  # drifted: public

    summary = run(project, "nightly-maintenance", later(days=1))

    assert summary["permissions"]["covers"] >= 1 and summary["permissions"]["finished"]
    wanted = article_permissions(author["$id"], None, "draft")
    assert keyed.get_file(COVERS, row["$id"])["$permissions"] == wanted
    assert run(project, "nightly-maintenance", later(days=1))["permissions"]["covers"] == 0


def test_an_audited_orphan_whose_delete_was_lost_is_removed_once(project):
    every_cover_removed(project)
    file_id = orphan(project)
    created = Storage(project.admin_client()).get_file(COVERS, file_id)["$createdAt"]
    key = f"purge:cover:{file_id}:{created}"
    TablesDB(project.admin_client()).create_row(  # what a run that crashed had written
        DATABASE_ID,
        AUDIT_LOG,
        audit_row_id(key),
        {"idempotencyKey": key, "action": "cover.purged", "subjectId": file_id},
    )
    assert run(project, "nightly-maintenance", later(days=1))["purgedCovers"] == [file_id]
    assert gone(Storage(project.admin_client()), file_id)


# -- each file scope is needed ---------------------------------------------------------------------


def failed_for_scope(execution: dict) -> bool:
    return (
        execution["responseStatusCode"] == 500
        and json.loads(execution["responseBody"])["error"]["code"] == "configuration_error"
        and "general_unauthorized_scope" in execution["errors"]
    )


def execution_of(project, function_id: str, response) -> dict:
    [execution] = [
        e
        for e in project.executions(function_id)
        if e["$id"] == response.headers["x-appwrite-execution-id"]
    ]
    return execution


def test_articles_needs_files_write_to_store_and_files_read_to_answer(project, author):
    row = project.invoke_http(
        "articles", "/articles", method="POST", user=author, json={"title": "T", "body": "B"}
    ).json()
    for function_id, method, status in (
        ("articles-no-files-write", "PUT", 500),
        ("articles", "PUT", 201),
        ("articles-no-files-read", "GET", 500),
        ("articles", "GET", 200),
        ("articles-no-files-write", "DELETE", 500),
    ):
        answer = project.invoke_http(
            function_id, cover_path(row), method=method, user=author, body=picture("PNG")
        )
        assert answer.status_code == status, (function_id, method, answer.text)
        if status == 500:
            assert failed_for_scope(execution_of(project, function_id, answer)), function_id


def test_publishing_without_files_write_leaves_the_cover_private_and_says_so(project, author):
    publish_at = later(minutes=30).replace(microsecond=0).isoformat()
    row = make(project, author, publishAt=publish_at)

    execution = project.run_schedule("publish-no-files-write", at=later(minutes=40))

    assert row["$id"] in json.loads(execution["responseBody"])["published"]
    assert "cover permissions not updated" in execution["errors"]
    assert refused(lambda: Storage(project.guest_client()).get_file_view(COVERS, row["$id"]))
    run(project, "nightly-maintenance", later(days=1))  # the nightly repair
    assert Storage(project.guest_client()).get_file_view(COVERS, row["$id"]) == picture("PNG")


def test_team_cleanup_without_files_write_strips_nothing(project, author):
    owner = project.create_user(f"owner-{uuid.uuid4().hex[:8]}@example.com")
    team_id = "t" + uuid.uuid4().hex[:10]
    Teams(project.as_user(owner)).create(team_id, "Desk")
    Teams(project.admin_client()).create_membership(team_id, ["member"], user_id=author["$id"])
    row = make(project, author, function="articles", teamId=team_id)
    project.wait_for_executions()
    Teams(project.admin_client()).delete(team_id)
    project.wait_for_executions()  # team-cleanup itself took it off: put it back for the variant
    permissions = article_permissions(author["$id"], team_id, "draft")
    TablesDB(project.admin_client()).update_row(
        DATABASE_ID, ARTICLES, row["$id"], {"teamId": team_id}, permissions
    )
    Storage(project.admin_client()).update_file(COVERS, row["$id"], permissions=permissions)

    execution = project.run_schedule("team-cleanup-no-files-write", at=later())

    assert failed_for_scope(execution)
    stored = TablesDB(project.admin_client()).get_row(DATABASE_ID, ARTICLES, row["$id"])
    assert stored["teamId"] == team_id  # the cover first: the row waits for the next sweep
    assert run(project, "team-cleanup", later())["articles"] == [row["$id"]]
    file = Storage(project.admin_client()).get_file(COVERS, row["$id"])
    assert file["$permissions"] == article_permissions(author["$id"], None, "draft")


def test_nightly_without_file_scopes_fails_and_accounts_without_files_write_deletes_nothing(
    project,
):
    execution = project.run_schedule("nightly-no-files", at=later(days=1))
    assert failed_for_scope(execution)

    user = project.create_user(f"leaving-{uuid.uuid4().hex[:8]}@example.com")
    row = make(project, user)
    answer = project.invoke_http(
        "accounts-no-files-write", f"/users/{user['$id']}", method="DELETE", user=user
    )
    assert answer.status_code == 500
    assert failed_for_scope(execution_of(project, "accounts-no-files-write", answer))
    assert not gone(Storage(project.admin_client()), row["$id"])
    assert TablesDB(project.admin_client()).get_row(DATABASE_ID, ARTICLES, row["$id"])
