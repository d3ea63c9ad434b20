"""enrich-article end to end: article rows created through the real SDK fire the event, the
function runs in its worker with its own scopes, and we read the result back with the SDK."""

import json
import uuid

import pytest
from appwrite.query import Query
from appwrite.services.tables_db import TablesDB

from shared.audit import audit_row_id

DB = "newsroom"
BODY = "Lorem ipsum dolor sit amet. " * 75  # 375 words


@pytest.fixture(scope="module")
def tables(appwrite):
    return TablesDB(appwrite.admin_client())


def new_author(tables, count=0):
    """A profile row (id = user id, as provision-profile makes it) for a fresh author id."""
    author = "au" + uuid.uuid4().hex[:20]
    tables.create_row(DB, "profiles", author, {"displayName": "Author", "articleCount": count})
    return author


def create_article(appwrite, author, title="A title", body=BODY, **fields):
    data = {"title": title, "body": body, "authorId": author, "status": "draft", **fields}
    row, executions = appwrite.emit_row_created(
        "articles", data, permissions=[f'read("user:{author}")']
    )
    return row, executions


def deliver_create(appwrite, row):
    """The row's create event, as Appwrite delivers it (payload = the Row model at creation);
    the execution."""
    return appwrite.deliver_event(
        "enrich-article",
        f"databases.{DB}.collections.articles.documents.{row['$id']}.create",
        json.dumps(row),
    )


def redeliver(appwrite, row):
    """The same event again; its status and answer."""
    execution = deliver_create(appwrite, row)
    return execution["responseStatusCode"], json.loads(execution["responseBody"])


def article_count(tables, author):
    return tables.get_row(DB, "profiles", author)["articleCount"]


def unique_title():
    return f"Breaking news {uuid.uuid4().hex[:8]}"


def test_creating_an_article_enriches_it_once_and_triggers_nothing_else(appwrite, tables):
    author = new_author(tables)
    title = unique_title()
    row, executions = create_article(appwrite, author, title=title)

    assert [(e["functionId"], e["trigger"], e["status"]) for e in executions] == [
        ("enrich-article", "event", "completed")
    ]
    assert executions[0]["responseStatusCode"] == 200
    enriched = tables.get_row(DB, "articles", row["$id"])
    assert enriched["slug"] == title.lower().replace(" ", "-")
    assert (enriched["wordCount"], enriched["readingMinutes"]) == (375, 2)
    assert enriched["summary"].startswith("Lorem ipsum dolor sit amet. Lorem")
    assert len(enriched["summary"]) <= 200 and enriched["summary"].endswith("…")
    assert enriched["enrichedAt"]
    assert enriched["$permissions"] == row["$permissions"]  # enrichment never touches access
    assert article_count(tables, author) == 1
    audit = tables.get_row(DB, "audit_log", audit_row_id(f"enrich:{row['$id']}"))
    assert (audit["action"], audit["actorId"], audit["subjectTable"], audit["subjectId"]) == (
        "article.enriched",
        author,
        "articles",
        row["$id"],
    )


def test_short_article_reads_in_one_minute_and_keeps_its_own_summary(appwrite, tables):
    author = new_author(tables)
    row, _ = create_article(
        appwrite,
        author,
        title=unique_title(),
        body="Just three words.",
        summary="The author's own summary.",
    )
    enriched = tables.get_row(DB, "articles", row["$id"])
    assert (enriched["wordCount"], enriched["readingMinutes"]) == (3, 1)
    assert enriched["summary"] == "The author's own summary."


def test_a_long_article_over_a_megabyte_is_enriched(appwrite, tables):
    author = new_author(tables)
    row, executions = create_article(appwrite, author, title=unique_title(), body="word " * 300_000)
    assert executions[0]["responseStatusCode"] == 200, executions[0]["responseBody"]
    enriched = tables.get_row(DB, "articles", row["$id"])
    assert (enriched["wordCount"], enriched["readingMinutes"]) == (300_000, 1500)


def test_an_enrichment_takes_four_calls_when_its_slug_is_free(appwrite, tables):
    # its audit row, the author's audited count, the raise of the author's count, and the
    # article's enriched fields with the title's own slug, written on the version of the row
    # the event carried: no read of the article, no lookup of taken slugs
    _, executions = create_article(appwrite, new_author(tables), title=unique_title())
    assert appwrite.execution_stats(executions[0]["$id"])["requests"] == 4


def test_a_taken_slug_costs_a_lookup_and_a_second_write(appwrite, tables):
    title = unique_title()
    create_article(appwrite, new_author(tables), title=title)
    row, executions = create_article(appwrite, new_author(tables), title=title)
    assert executions[0]["responseStatusCode"] == 200, executions[0]["responseBody"]
    assert appwrite.execution_stats(executions[0]["$id"])["requests"] == 6
    assert (
        tables.get_row(DB, "articles", row["$id"])["slug"] == title.lower().replace(" ", "-") + "-2"
    )


def unenriched_article(tables, author, title, body=BODY):
    """A new article whose `create` event has not run yet: written by an upsert (its event is
    `…upsert`, which enrich-article does not follow). The row, as its create event carries it."""
    data = {"title": title, "body": body, "authorId": author, "status": "draft"}
    row_id = "un" + uuid.uuid4().hex[:20]
    return tables.upsert_row(DB, "articles", row_id, data, [f'read("user:{author}")'])


def test_an_article_edited_since_its_event_is_enriched_from_its_new_version(appwrite, tables):
    """The event's row is stale: the conditional write matches nothing, the row is re-read and
    the fields derived from what it says now."""
    author = new_author(tables)
    row = unenriched_article(tables, author, unique_title())
    title = unique_title()
    tables.update_row(DB, "articles", row["$id"], {"title": title, "body": "Edited in time."})

    execution = deliver_create(appwrite, row)
    body = json.loads(execution["responseBody"])
    assert (execution["responseStatusCode"], body["enriched"]) == (200, True)
    enriched = tables.get_row(DB, "articles", row["$id"])
    assert (enriched["slug"], enriched["wordCount"]) == (title.lower().replace(" ", "-"), 3)
    assert enriched["summary"] == "Edited in time."
    assert article_count(tables, author) == 1
    # audit row, count, raise, the write that matched nothing, the re-read, the write
    assert appwrite.execution_stats(execution["$id"])["requests"] == 6


def test_an_article_deleted_before_its_enrichment_is_counted_but_not_written(appwrite, tables):
    """The audit row and the count come before the article is read: an article deleted before
    its event ran counts among the author's articles (created, then deleted)."""
    author = new_author(tables)
    row = unenriched_article(tables, author, unique_title())
    tables.delete_row(DB, "articles", row["$id"])

    execution = deliver_create(appwrite, row)
    body = json.loads(execution["responseBody"])
    assert (execution["responseStatusCode"], body["reason"]) == (200, "row_not_found")
    assert appwrite.execution_stats(execution["$id"])["requests"] == 5
    assert tables.get_row(DB, "audit_log", audit_row_id(f"enrich:{row['$id']}"))
    assert article_count(tables, author) == 1


def test_a_body_of_the_id_alone_is_enriched_from_the_row_read(appwrite, tables):
    author = new_author(tables)
    title = unique_title()
    row = unenriched_article(tables, author, title)

    execution = deliver_create(appwrite, {"$id": row["$id"]})
    body = json.loads(execution["responseBody"])
    assert (execution["responseStatusCode"], body["enriched"], body["slug"]) == (
        200,
        True,
        title.lower().replace(" ", "-"),
    )
    assert (body["wordCount"], body["authorArticleCount"]) == (375, 1)
    # the row read first, then the four calls of every enrichment
    assert appwrite.execution_stats(execution["$id"])["requests"] == 5

    again = deliver_create(appwrite, {"$id": row["$id"]})
    assert json.loads(again["responseBody"])["reason"] == "already_enriched"
    assert appwrite.execution_stats(again["$id"])["requests"] == 1


def test_a_body_of_the_id_alone_for_a_deleted_article_writes_nothing(appwrite, tables):
    author = new_author(tables)
    row = unenriched_article(tables, author, unique_title())
    tables.delete_row(DB, "articles", row["$id"])
    execution = deliver_create(appwrite, {"$id": row["$id"]})
    assert json.loads(execution["responseBody"])["reason"] == "row_not_found"
    assert appwrite.execution_stats(execution["$id"])["requests"] == 1
    audits = tables.list_rows(DB, "audit_log", [Query.equal("subjectId", [row["$id"]])])
    assert audits["total"] == 0
    assert article_count(tables, author) == 0


def test_same_title_gets_numbered_slugs(appwrite, tables):
    author = new_author(tables)
    title = unique_title() + " — Ünïcode!"
    base = title.lower().replace(" — ", "-").replace(" ", "-").replace("ünïcode!", "unicode")
    slugs = [
        tables.get_row(DB, "articles", create_article(appwrite, author, title=title)[0]["$id"])[
            "slug"
        ]
        for _ in range(3)
    ]
    assert slugs == [base, f"{base}-2", f"{base}-3"]
    assert article_count(tables, author) == 3


def test_a_slug_taken_by_hand_is_skipped(appwrite, tables):
    author = new_author(tables)
    title = unique_title()
    base = title.lower().replace(" ", "-")
    other = new_author(tables)
    tables.create_row(
        DB,
        "articles",
        "unique()",
        {
            "title": "x",
            "body": "x",
            "authorId": other,
            "status": "draft",
            "slug": f"{base}-2",
            "enrichedAt": "2026-01-01T00:00:00.000+00:00",
        },
    )
    first, _ = create_article(appwrite, author, title=title)
    second, _ = create_article(appwrite, author, title=title)
    assert tables.get_row(DB, "articles", first["$id"])["slug"] == base
    assert tables.get_row(DB, "articles", second["$id"])["slug"] == f"{base}-3"


def test_a_title_without_latin_letters_gets_a_slug_from_the_row_id(appwrite, tables):
    author = new_author(tables)
    row, _ = create_article(appwrite, author, title="速報", body="東京 大阪")
    enriched = tables.get_row(DB, "articles", row["$id"])
    assert enriched["slug"] == f"article-{row['$id'].lower()}"
    assert enriched["wordCount"] == 2


def test_redelivering_the_event_changes_nothing(appwrite, tables):
    author = new_author(tables)
    row, _ = create_article(appwrite, author, title=unique_title())
    before = tables.get_row(DB, "articles", row["$id"])

    with appwrite.caused_executions() as caused:
        execution = deliver_create(appwrite, row)
    status, body = execution["responseStatusCode"], json.loads(execution["responseBody"])
    assert (status, body["enriched"], body["reason"]) == (200, False, "already_enriched")
    # audit row (409), count, raise (no-op), the write that matched nothing, the re-read
    assert appwrite.execution_stats(execution["$id"])["requests"] == 5
    assert tables.get_row(DB, "articles", row["$id"]) == before
    assert article_count(tables, author) == 1
    assert [e["functionId"] for e in caused] == ["enrich-article"]  # only the redelivery itself
    audits = tables.list_rows(DB, "audit_log", [Query.equal("subjectId", [row["$id"]])])
    assert audits["total"] == 1


def undo_enrichment(tables, row_id, author, count):
    """Put back the state a crashed run leaves: the row not enriched, the count at `count`
    (the audit row stays: step 1 is done)."""
    tables.update_row(
        DB,
        "articles",
        row_id,
        {
            "slug": None,
            "wordCount": None,
            "readingMinutes": None,
            "summary": None,
            "enrichedAt": None,
        },
    )
    tables.update_row(DB, "profiles", author, {"articleCount": count})


def test_a_crash_after_the_audit_row_is_finished_by_the_retry(appwrite, tables):
    """Stopped after step 1: audit row written, count not raised, row not updated."""
    author = new_author(tables)
    row, _ = create_article(appwrite, author, title=unique_title())
    undo_enrichment(tables, row["$id"], author, count=0)
    status, body = redeliver(appwrite, row)
    assert (status, body["enriched"], body["authorArticleCount"]) == (200, True, 1)
    assert article_count(tables, author) == 1
    assert tables.get_row(DB, "articles", row["$id"])["wordCount"] == 375
    status, body = redeliver(appwrite, row)
    assert (status, body["reason"]) == (200, "already_enriched")
    assert article_count(tables, author) == 1


def test_a_crash_after_the_raise_does_not_count_twice(appwrite, tables):
    """Stopped after step 2: audit row written, counted and the count raised, row not
    updated (the event's row is now stale: it is re-read)."""
    author = new_author(tables)
    row, _ = create_article(appwrite, author, title=unique_title())
    slug = tables.get_row(DB, "articles", row["$id"])["slug"]
    undo_enrichment(tables, row["$id"], author, count=1)
    status, body = redeliver(appwrite, row)
    assert (status, body["enriched"], body["slug"], body["authorArticleCount"]) == (
        200,
        True,
        slug,
        1,
    )
    assert article_count(tables, author) == 1
    assert tables.get_row(DB, "articles", row["$id"])["enrichedAt"]


def test_without_a_profile_the_count_waits_for_the_next_article(appwrite, tables):
    author = "np" + uuid.uuid4().hex[:20]
    _first, executions = create_article(appwrite, author, title=unique_title())
    body = json.loads(executions[0]["responseBody"])
    assert (body["enriched"], body["authorArticleCount"]) == (True, None)
    tables.create_row(
        DB, "profiles", author, {"displayName": "Late profile"}
    )  # provision-profile, later
    create_article(appwrite, author, title=unique_title())
    assert article_count(tables, author) == 2  # both articles counted once


def test_a_deleted_article_is_skipped(appwrite, tables):
    author = new_author(tables)
    row, _ = create_article(appwrite, author, title=unique_title())
    tables.delete_row(DB, "articles", row["$id"])
    status, body = redeliver(appwrite, row)
    assert (status, body["enriched"], body["reason"]) == (200, False, "row_not_found")
    assert article_count(tables, author) == 1


@pytest.mark.parametrize(
    "payload, event_row, path",
    [
        ({"title": "no id"}, "r1", "/$id"),
        ({"$id": "bad id!"}, "r1", "/$id"),
        ({"$id": "r1", "$tableId": "profiles"}, "r1", "/$tableId"),
        ({"$id": "r1", "$updatedAt": "yesterday"}, "r1", "/$updatedAt"),
        ({"$id": "r1", "authorId": 7}, "r1", "/authorId"),
        ({"$id": "r1", "body": ["not", "text"]}, "r1", "/body"),
    ],
)
def test_an_invalid_event_body_is_a_400(appwrite, payload, event_row, path):
    execution = appwrite.deliver_event(
        "enrich-article",
        f"databases.{DB}.collections.articles.documents.{event_row}.create",
        json.dumps(payload),
    )
    body = json.loads(execution["responseBody"])
    assert (execution["responseStatusCode"], body["error"]["code"]) == (400, "validation_failed")
    assert [d["path"] for d in body["error"]["details"]] == [path]


def test_an_event_for_another_row_is_a_400(appwrite):
    execution = appwrite.deliver_event(
        "enrich-article",
        f"databases.{DB}.collections.articles.documents.r1.create",
        json.dumps({"$id": "r2"}),
    )
    assert execution["responseStatusCode"] == 400
    assert json.loads(execution["responseBody"])["error"]["code"] == "event_mismatch"


def test_http_and_schedule_triggers_are_not_handled(appwrite):
    health = appwrite.execute("enrich-article", "/health", method="GET")
    assert (health["responseStatusCode"], json.loads(health["responseBody"])) == (
        200,
        {"ok": True, "function": "enrich-article"},
    )
    other = appwrite.execute("enrich-article", "/", method="POST", body="{}")
    assert other["responseStatusCode"] == 404


def test_articles_created_together_get_distinct_slugs(appwrite, tables):
    """Bulk create fires one event per row; the enrichments run in parallel and race for
    the same slug: the unique index turns a lost race into a 409 and a retry."""
    author = new_author(tables)
    title = unique_title()
    base = title.lower().replace(" ", "-")
    with appwrite.caused_executions() as executions:
        created = tables.create_rows(
            DB,
            "articles",
            [
                {"title": title, "body": "same", "authorId": author, "status": "draft"}
                for _ in range(4)
            ],
        )
    assert sorted(e["status"] for e in executions) == ["completed"] * 4
    slugs = sorted(tables.get_row(DB, "articles", r["$id"])["slug"] for r in created["rows"])
    assert slugs == sorted([base, f"{base}-2", f"{base}-3", f"{base}-4"])
    assert article_count(tables, author) == 4


def test_a_duplicate_slug_is_refused_by_the_unique_index(tables):
    """What the retry relies on: Appwrite's answer when two rows want one slug."""
    from appwrite.exception import AppwriteException

    slug = "dup-" + uuid.uuid4().hex[:8]
    author = new_author(tables)
    tables.create_row(
        DB,
        "articles",
        "unique()",
        {"title": "a", "body": "a", "authorId": author, "status": "draft", "slug": slug},
    )
    other = tables.create_row(
        DB,
        "articles",
        "unique()",
        {"title": "b", "body": "b", "authorId": author, "status": "draft"},
    )
    with pytest.raises(AppwriteException) as refused:
        tables.update_row(DB, "articles", other["$id"], {"slug": slug})
    assert (refused.value.code, refused.value.type) == (409, "row_unique_constraint_violation")
