"""Standing figure: the permission matrix (issue 9). Every kind of caller × every article
state × every operation, through the `articles` function and through direct SDK access
with the caller's own credentials: exactly DESIGN §4's matrix, zero leaks.

Callers: guest, anonymous session, unrelated user (stranger), author, team member,
editor, team admin, owner (the team's creator), site admin, a removed member (an editor
whose membership was deleted), and the owner of a deleted and re-created team (team ids
are chosen by clients: the new team must inherit nothing of the old one's articles).

Operations: read (`GET /articles/{id}`), list (is it in `GET /articles`?), update
(`PATCH`), the state's transition (draft → schedule, scheduled → publish, published →
archive, archived → archive again), delete, the cover (`GET` and `PUT
/articles/{id}/cover`); and directly: `get_row`, `list_rows`, `update_row`, `delete_row`,
and on the article's cover in Storage `get_file_view`, `update_file` + `delete_file`. Run
with `-s` to see the matrix; it is also written to `permission-matrix.txt` in the test's
tmp dir.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from appwrite.exception import AppwriteException
from appwrite.query import Query
from appwrite.services.storage import Storage
from appwrite.services.teams import Teams

from shared.permissions import article_permissions
from shared.tables import ARTICLES, COVERS, DATABASE_ID
from tests.security.people import People, unique

STATES = ("draft", "scheduled", "published", "archived")
ROLES = (
    "guest",
    "anonymous",
    "stranger",
    "author",
    "member",
    "editor",
    "team_admin",
    "owner",
    "site_admin",
    "removed",
    "recreated",
)
READERS = {"author", "member", "editor", "team_admin", "owner", "site_admin"}
UPDATERS = {"author", "editor", "team_admin", "owner", "site_admin"}
DELETERS = {"author", "team_admin", "owner", "site_admin"}
TRANSITION = {  # state → (path suffix, body, status once done)
    "draft": ("schedule", "future", "scheduled"),
    "scheduled": ("publish", None, "published"),
    "published": ("archive", None, "archived"),
    "archived": ("archive", None, None),  # archived is final: 409 for those allowed
}
FUNCTION_OPS = ("read", "list", "update", "transition", "delete", "cover", "cover_put")
SDK_OPS = ("get_row", "list_rows", "update_row", "delete_row", "file_view", "file_write")


def expected(role: str, state: str) -> dict[str, bool]:
    """DESIGN §4: who may do what, per operation (the rows grant reads only)."""
    read = state == "published" or role in READERS
    return {
        "read": read,
        "list": read,
        "update": role in UPDATERS,
        "transition": role in UPDATERS,
        "delete": role in DELETERS,
        "cover": read,
        "cover_put": role in UPDATERS,
        "get_row": read,
        "list_rows": read,
        "update_row": False,
        "delete_row": False,
        "file_view": read,  # the cover carries the article's read permissions
        "file_write": False,  # and nothing else: no one but the functions writes it
    }


def _picture() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 32), "teal").save(out, "PNG")
    return out.getvalue()


COVER = _picture()  # every base article has this cover


def future() -> str:
    return (datetime.now(UTC) + timedelta(days=30)).replace(microsecond=0).isoformat()


class World:
    def __init__(self, appwrite):
        self.appwrite = appwrite
        self.people = People.gather(appwrite)
        p = self.people
        # the removed member: an editor of the team who is then removed
        removed = appwrite.create_user(f"{unique('removed')}@example.com", name="removed")
        p.users["removed"] = removed
        keyed = Teams(appwrite.admin_client())
        membership = keyed.create_membership(p.team_id, ["editor"], user_id=removed["$id"])
        # team X: the author writes in it; its owner deletes it; someone re-creates the id
        self.old_team = unique("reused")
        founder = appwrite.create_user(f"{unique('founder')}@example.com", name="founder")
        Teams(appwrite.as_user(founder)).create(self.old_team, "Old desk")
        keyed.create_membership(self.old_team, ["member"], user_id=p.id("author"))
        self.base = {state: self.make(state, p.team_id) for state in STATES}
        self.old = {state: self.make(state, self.old_team) for state in STATES}
        keyed.delete_membership(p.team_id, membership["$id"])
        with appwrite.caused_executions() as cleanup:
            Teams(appwrite.as_user(founder)).delete(self.old_team)
        assert [e["functionId"] for e in cleanup] == ["team-cleanup"], cleanup
        assert cleanup[0]["status"] == "completed", cleanup[0]["errors"]
        recreated = appwrite.create_user(f"{unique('recreated')}@example.com", name="recreated")
        p.users["recreated"] = recreated
        Teams(appwrite.as_user(recreated)).create(self.old_team, "Same id, new team")

    def make(self, state: str, team_id: str) -> dict:
        """An article by the author in `state`, made through the function."""
        p = self.people
        body = {"title": f"{state} story", "body": "Some words.", "teamId": team_id}
        if state == "scheduled":
            body["publishAt"] = future()
        created = p.call("author", "articles", "POST", "/articles", body)
        assert created.status_code == 201, created.text
        row = created.json()
        cover = p.appwrite.invoke_http(
            "articles",
            f"/articles/{row['$id']}/cover",
            method="PUT",
            body=COVER,
            headers=p.headers("author"),
        )
        assert cover.status_code == 201, cover.text
        step = {"published": "publish", "archived": "archive"}.get(state)
        if step:
            done = p.call("author", "articles", "POST", f"/articles/{row['$id']}/{step}")
            assert done.status_code == 200, done.text
            row = done.json()
        assert row["status"] == state
        return row

    def fresh(self, state: str) -> dict:
        """An article in `state` for a call that will change or delete it: written with the key
        exactly as the function writes it (the rows the function makes are the base ones)."""
        from appwrite.services.tables_db import TablesDB

        p = self.people
        data = {
            "title": f"fresh {state}",
            "body": "Some words.",
            "authorId": p.id("author"),
            "teamId": p.team_id,
            "status": state,
            "publishAt": future() if state == "scheduled" else None,
        }
        return TablesDB(self.appwrite.admin_client()).create_row(
            DATABASE_ID,
            ARTICLES,
            "unique()",
            data,
            article_permissions(p.id("author"), p.team_id, state),
        )

    def article(self, role: str, state: str) -> dict:
        return (self.old if role == "recreated" else self.base)[state]


@pytest.fixture(scope="module")
def world(appwrite):
    world = World(appwrite)
    appwrite.wait_for_executions()
    return world


def http_outcome(response, allowed_statuses) -> bool:
    """True when the call was allowed (a refusal is 401, 403 or 404 as the function answers)."""
    if response.status_code in (401, 403, 404):
        assert response.json()["error"]["code"], response.text
        return False
    assert response.status_code in allowed_statuses, response.text
    return True


def through_function(world: World, role: str, state: str) -> dict[str, bool]:
    p = world.people
    row = world.article(role, state)
    path = f"/articles/{row['$id']}"
    seen = {"read": http_outcome(p.call(role, "articles", "GET", path), {200})}
    listed = p.call(
        role,
        "articles",
        "GET",
        f"/articles?authorId={p.id('author')}&status={state}&limit=100",
    )
    assert listed.status_code == 200, listed.text
    seen["list"] = row["$id"] in {a["$id"] for a in listed.json()["articles"]}
    archived = state == "archived"
    seen["update"] = http_outcome(
        p.call(role, "articles", "PATCH", path, {"summary": f"by {role}"}),
        {409} if archived else {200},
    )
    step, body, _ = TRANSITION[state]
    allowed = expected(role, state)
    # an allowed transition or delete changes the article: it gets one of its own
    target = world.fresh(state) if allowed["transition"] else row
    payload = {"publishAt": future()} if body == "future" else None
    seen["transition"] = http_outcome(
        p.call(role, "articles", "POST", f"/articles/{target['$id']}/{step}", payload),
        {409} if archived else {200},
    )
    target = world.fresh(state) if allowed["delete"] else row
    seen["delete"] = http_outcome(
        p.call(role, "articles", "DELETE", f"/articles/{target['$id']}"), {204}
    )
    seen["cover"] = http_outcome(p.call(role, "articles", "GET", f"{path}/cover"), {200})
    replaced = p.appwrite.invoke_http(
        "articles", f"{path}/cover", method="PUT", body=COVER, headers=p.headers(role)
    )  # the same picture again: a replacement changes nothing the next role sees
    seen["cover_put"] = http_outcome(replaced, {409} if archived else {200})
    return seen


def sdk_allowed(call) -> bool:
    try:
        call()
    except AppwriteException as exc:
        assert (exc.code, exc.type) in {
            (401, "user_unauthorized"),
            (404, "row_not_found"),
            (404, "storage_file_not_found"),
        }, exc
        return False
    return True


def through_sdk(world: World, role: str, state: str) -> dict[str, bool]:
    row = world.article(role, state)
    sdk = world.people.tables(role)
    files = Storage(world.people.client(role))
    found = sdk.list_rows(DATABASE_ID, ARTICLES, [Query.equal("$id", [row["$id"]])])
    return {
        "file_view": sdk_allowed(lambda: files.get_file_view(COVERS, row["$id"])),
        "file_write": sdk_allowed(
            lambda: files.update_file(COVERS, row["$id"], permissions=['read("any")'])
        )
        or sdk_allowed(lambda: files.delete_file(COVERS, row["$id"])),
        "get_row": sdk_allowed(lambda: sdk.get_row(DATABASE_ID, ARTICLES, row["$id"])),
        "list_rows": found["total"] == 1,
        "update_row": sdk_allowed(
            lambda: sdk.update_row(DATABASE_ID, ARTICLES, row["$id"], {"title": "hijacked"})
        ),
        "delete_row": sdk_allowed(lambda: sdk.delete_row(DATABASE_ID, ARTICLES, row["$id"])),
    }


def render(observed: dict, leaks: list) -> str:
    ops = FUNCTION_OPS + SDK_OPS
    abbreviations = {
        "read": "rd",
        "list": "ls",
        "update": "up",
        "transition": "tr",
        "delete": "dl",
        "cover": "cv",
        "cover_put": "cp",
        "get_row": "Gr",
        "list_rows": "Ls",
        "update_row": "Up",
        "delete_row": "Dl",
        "file_view": "Fv",
        "file_write": "Fw",
    }
    head = "".join(f"| {state:<{3 * len(ops)}}" for state in STATES)
    sub = "".join("| " + " ".join(abbreviations[o] for o in ops) + " " for _ in STATES)
    lines = [
        "Permission matrix (Y allowed, . refused; rd ls up tr dl cv cp through the articles "
        "function, Gr Ls Up Dl on the row and Fv Fw on its cover through the SDK as the "
        "caller; on archived articles an allowed up/tr/cp is the 409 of a read-only status)",
        f"{'role':<11}{head}",
        f"{'':<11}{sub}",
    ]
    for role in ROLES:
        cells = ""
        for state in STATES:
            marks = ["Y " if observed[(role, state)][op] else ". " for op in ops]
            cells += "| " + " ".join(m[:2] for m in marks) + " "
        lines.append(f"{role:<11}{cells}")
    lines.append(
        f"{len(ROLES)} roles x {len(STATES)} states x {len(ops)} operations = "
        f"{len(ROLES) * len(STATES) * len(ops)} checks; leaks and denials "
        f"that differ from DESIGN §4: {len(leaks)}"
    )
    return "\n".join(lines)


@pytest.mark.timeout(600)
def test_the_permission_matrix_exactly(world, tmp_path):
    observed, leaks = {}, []
    for role in ROLES:
        for state in STATES:
            seen = {**through_function(world, role, state), **through_sdk(world, role, state)}
            observed[(role, state)] = seen
            want = expected(role, state)
            leaks += [(role, state, op, seen[op]) for op in seen if seen[op] != want[op]]
    table = render(observed, leaks)
    print("\n" + table)
    (tmp_path / "permission-matrix.txt").write_text(table + "\n")
    assert not leaks, leaks


def test_the_article_of_a_deleted_team_stays_its_authors(world, appwrite):
    from appwrite.services.tables_db import TablesDB

    for state, row in world.old.items():
        stored = TablesDB(appwrite.admin_client()).get_row(DATABASE_ID, ARTICLES, row["$id"])
        assert (stored["teamId"], stored["authorId"], stored["status"]) == (
            None,
            world.people.id("author"),
            state,
        )
        assert not [p for p in stored["$permissions"] if "team:" in p]
        assert (
            world.people.call("author", "articles", "GET", f"/articles/{row['$id']}").status_code
            == 200
        )
