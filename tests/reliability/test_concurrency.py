"""Figure "Concurrency and durability": 20 clients at once, each doing a bounded amount of
work through the functions (sign up, create an article, edit it) and through the SDK
(increment a shared counter, read rows). No answer is a 5xx, no update is lost: every
article ends with its author's last edit, the counter with every increment, every new
user with one profile, every article enriched."""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from appwrite.services.tables_db import TablesDB

pytestmark = pytest.mark.slow  # 20 clients, ~100 executions (still run by make test)
CLIENTS = 20
EDITS = 1
INCREMENTS = 3
DB = "newsroom"


@pytest.fixture(scope="module")
def counter(appwrite):
    """A row every client increments (a profile nobody owns)."""
    row = TablesDB(appwrite.admin_client()).create_row(
        DB, "profiles", "counter" + uuid.uuid4().hex[:10], {"displayName": "counter"}
    )
    return row["$id"]


def client_session(appwrite, number: int, counter: str, start: threading.Barrier) -> dict:
    """One client's work; returns what it saw and what it last wrote."""
    statuses: list[int] = []
    tag = uuid.uuid4().hex[:8]
    start.wait()
    signup = appwrite.invoke_http(
        "accounts",
        "/signup",
        method="POST",
        json={"email": f"c{number}-{tag}@example.com", "password": "password-123", "name": "C"},
    )
    statuses.append(signup.status_code)
    user_id = signup.json()["user"]["$id"]
    jwt = {"authorization": f"Bearer {appwrite.jwt_for(user_id)}"}
    created = appwrite.invoke_http(
        "articles",
        "/articles",
        method="POST",
        json={"title": f"{tag} v0", "body": "concurrent words"},
        headers=jwt,
    )
    statuses.append(created.status_code)
    article_id = created.json()["$id"]
    last = f"{tag} v0"
    for edit in range(1, EDITS + 1):
        last = f"{tag} v{edit}"
        edited = appwrite.invoke_http(
            "articles", f"/articles/{article_id}", method="PATCH", json={"title": last}, headers=jwt
        )
        statuses.append(edited.status_code)
    tables = TablesDB(appwrite.admin_client())
    for _ in range(INCREMENTS):
        tables.increment_row_column(DB, "profiles", counter, "articleCount", 1)
        statuses.append(200)
    tables.get_row(DB, "articles", article_id)
    return {"statuses": statuses, "user": user_id, "article": article_id, "title": last}


@pytest.fixture(scope="module")
def results(appwrite, counter):
    start = threading.Barrier(CLIENTS)
    with ThreadPoolExecutor(CLIENTS) as pool:
        futures = [pool.submit(client_session, appwrite, n, counter, start) for n in range(CLIENTS)]
        done = [f.result(timeout=300) for f in futures]
    appwrite.wait_for_executions(120)
    return done


def test_no_answer_is_a_server_error(results):
    statuses = [s for r in results for s in r["statuses"]]
    assert len(statuses) == CLIENTS * (2 + EDITS + INCREMENTS)
    assert sorted(set(statuses)) == [200, 201]


def test_no_update_is_lost(appwrite, results, counter):
    tables = TablesDB(appwrite.admin_client())
    for result in results:
        assert tables.get_row(DB, "articles", result["article"])["title"] == result["title"]
    assert tables.get_row(DB, "profiles", counter)["articleCount"] == CLIENTS * INCREMENTS


def test_every_user_has_one_profile_and_every_article_its_enrichment(appwrite, results):
    tables = TablesDB(appwrite.admin_client())
    for result in results:
        assert tables.get_row(DB, "profiles", result["user"])["$id"] == result["user"]
        assert tables.get_row(DB, "articles", result["article"])["enrichedAt"]
    executions = appwrite.executions("enrich-article") + appwrite.executions("provision-profile")
    assert not [e for e in executions if e["status"] in ("waiting", "processing")]
