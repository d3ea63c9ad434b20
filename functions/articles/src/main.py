"""Articles (HTTP): create, list/search, get, update, schedule/publish/archive, delete; and
each article's cover image (put, get — or a preview —, delete).

Guests may read published articles; every write needs a verified JWT of a user with an
e-mail address (anonymous sessions only read). Who may do what is the access matrix of
shared.permissions, checked here because the key bypasses row permissions; rows (and cover
files) carry only its read column, so nobody can write them directly. An article the caller
may not read is a 404, as if it did not exist. Lists answer the summary shape (no body).
A cover follows its article: the same readers, the same editors (shared.covers) — and
when an article's row is deleted, by anyone, the event
`databases.newsroom.tables.articles.rows.*.delete` deletes its cover.
"""

from __future__ import annotations

from datetime import UTC, datetime

from ..shared import (
    App,
    BadRequest,
    Forbidden,
    Response,
    authenticate,
    authenticate_optional,
    load_schema,
    require_writer,
)
from ..shared.articles import (
    archive_changes,
    new_article,
    public_article,
    publish_changes,
    require_editable,
    schedule_changes,
    update_changes,
)
from ..shared.covers import has_cover
from ..shared.errors import echo
from ..shared.permissions import can_delete, can_read, can_update
from ..shared.tables import ARTICLES, DATABASE_ID
from . import rows
from .access import roles_in_team
from .listing import list_queries, page, parse_list_query

MAX_BODY_BYTES = 2 * 1024 * 1024
app = App("articles", timeout=15, max_body_bytes=MAX_BODY_BYTES)

CREATE = load_schema(__file__, "../schemas/create.json")
UPDATE = load_schema(__file__, "../schemas/update.json")
SCHEDULE = load_schema(__file__, "../schemas/schedule.json")
EMPTY = load_schema(__file__, "../schemas/empty.json")


def now() -> datetime:
    return datetime.now(UTC)


@app.route("POST", "/articles")
def create_article(req):
    caller = require_writer(authenticate(req.headers, deadline=req.deadline))
    fields = CREATE.validate(req.json())
    team_id = fields.get("teamId")
    if team_id and team_id not in roles_in_team(req, caller, team_id):
        raise Forbidden(f"You are not a member of team {echo(team_id)}.", code="not_team_member")
    row = rows.create(req, new_article(caller.id, fields, now()))
    return Response.created(public_article(row))


@app.route("GET", "/articles")
def list_articles(req):
    params = parse_list_query(req.query)
    reader = rows.reader(req)  # the caller's JWT: Appwrite applies the rows' read permissions
    if params.cursor is not None:
        rows.check_cursor(req, reader, params.cursor)
    queries = list_queries(params, guest=reader.guest)
    return page(rows.list_page(req, reader, queries, params.cursor), params)


def _readable(req, caller):
    """The article of the path, its team roles for the caller; 404 if the caller may not read it."""
    row = rows.get(req, req.params["id"])
    needs_roles = caller is not None and not caller.is_admin and caller.id != row["authorId"]
    roles = roles_in_team(req, caller, row.get("teamId")) if needs_roles else {}
    if not can_read(caller, row, roles):
        raise rows.not_found(req.params["id"])
    return row, roles


def _updatable(req):
    caller = require_writer(authenticate(req.headers, deadline=req.deadline))
    row, roles = _readable(req, caller)
    if not can_update(caller, row, roles):
        raise Forbidden(
            "Only the author, the team's editors and admins, and site admins "
            "may change this article."
        )
    return row


@app.route("GET", "/articles/{id}")
def get_article(req):
    caller = authenticate_optional(req.headers, deadline=req.deadline)
    return public_article(_readable(req, caller)[0])


@app.route("PATCH", "/articles/{id}")
def update_article(req):
    row = _updatable(req)
    fields = UPDATE.validate(req.json())
    return public_article(rows.change(req, row, update_changes(row, fields, now())))


@app.route("POST", "/articles/{id}/schedule")
def schedule_article(req):
    row = _updatable(req)
    fields = SCHEDULE.validate(req.json())
    changes = schedule_changes(row, fields["publishAt"], now())
    return public_article(rows.change(req, row, changes))


@app.route("POST", "/articles/{id}/publish")
def publish_article(req):
    row = _updatable(req)
    EMPTY.validate(req.json(default={}))
    return public_article(rows.change(req, row, publish_changes(row, now())))


@app.route("POST", "/articles/{id}/archive")
def archive_article(req):
    row = _updatable(req)
    EMPTY.validate(req.json(default={}))
    return public_article(rows.change(req, row, archive_changes(row, now())))


@app.route("DELETE", "/articles/{id}")
def delete_article(req):
    caller = require_writer(authenticate(req.headers, deadline=req.deadline))
    row, roles = _readable(req, caller)
    if not can_delete(caller, row, roles):
        raise Forbidden(
            "Only the author, the team's admins and site admins may delete this article."
        )
    rows.delete(req, row)
    return Response.no_content()


@app.route("PUT", "/articles/{id}/cover")
def put_cover(req):
    from . import covers  # the cover routes' own modules load on the first cover request
    from .images import parse_cover

    row = _updatable(req)
    require_editable(row)
    image = parse_cover(req.body)
    stored = covers.store(req, row, image)
    return Response(public_article(stored), 200 if has_cover(row) else 201)


@app.route("GET", "/articles/{id}/cover")
def get_cover(req):
    from . import covers

    width = covers.parse_query(req.query)
    caller = authenticate_optional(req.headers, deadline=req.deadline)
    return covers.answer(req, _readable(req, caller)[0], width)


@app.route("DELETE", "/articles/{id}/cover")
def delete_cover(req):
    from . import covers

    row = _updatable(req)
    require_editable(row)
    covers.remove(req, row)
    return Response.no_content()


@app.on_event(f"databases.{DATABASE_ID}.tables.{ARTICLES}.rows.*.delete")
def on_article_deleted(req):
    """An article row was deleted, by anyone: its cover goes too (`rows.drop_cover_of_deleted`).
    Appwrite fires this once per row, for bulk deletes as well."""
    deleted = load_schema(__file__, "../schemas/deleted-event.json")  # read on the first event
    article_id = deleted.validate(req.json())["$id"]
    if req.event.row not in ("*", article_id):
        raise BadRequest(
            f"The event is for row {echo(req.event.row)} but its body is row {echo(article_id)}.",
            code="event_mismatch",
        )
    cover = rows.drop_cover_of_deleted(req, article_id)
    if cover == "deleted":
        req.log.info("cover of a deleted article deleted", article=article_id)
    return {"articleId": article_id, "cover": cover}


def main(context):
    return app.handle(context)
