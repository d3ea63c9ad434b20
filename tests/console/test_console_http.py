"""The console over HTTP: who may use it (loopback, the admin key, a HttpOnly SameSite
cookie, CSRF), and that what it shows and does goes through the API like any client."""

import json
import re

import httpx
from appwrite.services.account import Account
from appwrite.services.tables_db import TablesDB

from tests.console.conftest import Console


def test_pages_need_a_login(newsroom):
    anonymous = httpx.Client(base_url=newsroom.stack.console_url.rstrip("/"))
    assert anonymous.get("/").status_code == 303
    assert anonymous.get("/").headers["location"] == "/console/login"
    assert anonymous.get("/executions/live").status_code == 303
    assert anonymous.post("/clock", data={"at": "2030-01-01T09:00"}).status_code == 403
    login = anonymous.get("/login")
    assert login.status_code == 200 and 'type="password"' in login.text


def test_a_wrong_key_is_refused_and_never_echoed(newsroom):
    client = Console(newsroom)
    answer = client.login("standard_not-the-key")
    assert answer.status_code == 401
    assert "not this emulator" in answer.text and "not-the-key" not in answer.text
    assert "emulator_console" not in answer.headers.get("set-cookie", "")


def test_the_session_cookie_is_httponly_samesite_strict_and_not_the_key(newsroom):
    client = Console(newsroom)
    answer = client.login(newsroom.stack.api_key)
    assert answer.status_code == 303 and answer.headers["location"] == "/console/"
    cookie = answer.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/console" in cookie
    assert newsroom.stack.api_key not in cookie
    assert newsroom.stack.api_key not in answer.headers["location"]
    logout = client.post("/logout")
    assert logout.status_code == 303
    assert client.get("/").status_code == 303  # the session is gone


def test_posts_need_the_form_token_and_our_origin(console, newsroom):
    assert console.http.post("/cron/publish-scheduled/run", data={}).status_code == 403
    assert console.http.post("/cron/publish-scheduled/run", data={"csrf": "x"}).status_code == 403
    foreign = console.post("/cron/publish-scheduled/run", headers={"origin": "http://evil.test"})
    assert foreign.status_code == 403
    assert newsroom.executions("publish-scheduled") == []


def test_only_loopback_host_names_are_served(console):
    assert console.get("/", headers={"host": "evil.test"}).status_code == 403  # DNS rebinding
    assert console.get("/", headers={"host": "localhost"}).status_code == 200


def test_security_headers(console):
    headers = console.get("/").headers
    assert "default-src 'self'" in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY"
    assert headers["cache-control"] == "no-store"


def test_every_page_renders(console):
    for path in [
        "/",
        "/databases",
        "/databases/newsroom/articles",
        "/databases/newsroom/articles/rows/welcome-to-newsroom",
        "/users",
        "/users/alice",
        "/teams/desk",
        "/executions",
        "/requests",
        "/cron",
        "/mail",
    ]:
        answer = console.get(path)
        assert answer.status_code == 200, path
        assert 'class="error"' not in answer.text, (path, answer.text)


def test_the_filter_goes_to_the_api_parser(console):
    filtered = console.get(
        "/databases/newsroom/articles", params={"filter": 'equal("status", ["published"])'}
    )
    assert "welcome-to-newsroom" in filtered.text and "election-night-plan" not in filtered.text
    assert '<strong id="row-total">2</strong>' in filtered.text
    as_json = json.dumps({"method": "equal", "attribute": "authorId", "values": ["carol"]})
    by_json = console.get("/databases/newsroom/articles", params={"filter": as_json})
    assert '<strong id="row-total">2</strong>' in by_json.text
    wrong = console.get("/databases/newsroom/articles", params={"filter": 'equal("nope", [1])'})
    assert "Attribute not found in schema: nope" in wrong.text
    ordered = console.get(
        "/databases/newsroom/articles", params={"order": "title", "dir": "desc"}
    ).text
    titles = re.findall(r'rows/([a-z0-9-]+)">', ordered)
    assert titles[0] == "welcome-to-newsroom" and titles[-1] == "election-night-plan"


def test_a_row_edit_is_an_api_write_that_fires_its_event(console, newsroom):
    row = "/databases/newsroom/articles/rows/election-night-plan"
    page = console.get(row).text
    assert "read(&#34;team:desk&#34;)" in page or 'read("team:desk")' in page
    with newsroom.caused_executions() as executions:
        saved = console.post(
            row, {"data": json.dumps({"title": "Election night, the plan"}), "permissions": ""}
        )
    assert saved.status_code == 303 and "Row+saved" in saved.headers["location"]
    stored = TablesDB(newsroom.admin_client()).get_row(
        "newsroom", "articles", "election-night-plan"
    )
    assert stored["title"] == "Election night, the plan" and stored["$permissions"] == []
    # no function subscribes to article updates in Newsroom: nothing ran, but the
    # requests monitor saw the write and its event
    assert executions == []
    requests = console.get("/requests").text
    assert "databases.newsroom.tables.articles.rows.election-night-plan.update" in requests
    assert "admin key" in requests and "console" in requests

    refused = console.post(row, {"data": json.dumps({"status": "lost"})})
    assert "error=" in refused.headers["location"]
    assert "Not saved" in console.follow(refused).text


def test_creating_a_row_runs_the_event_function_and_shows_the_chain(console, newsroom):
    with newsroom.caused_executions() as executions:
        created = console.post(
            "/databases/newsroom/articles/rows",
            {
                "rowId": "from-the-console",
                "data": json.dumps(
                    {
                        "title": "From the console",
                        "body": "A few words.",
                        "authorId": "bob",
                        "status": "draft",
                    }
                ),
                "permissions": 'read("user:bob")',
            },
        )
    assert created.status_code == 303, created.text
    assert "Row+created" in created.headers["location"], created.headers["location"]
    assert [e["functionId"] for e in executions] == ["enrich-article"]
    enriched = executions[0]
    page = console.get(f"/executions/{enriched['$id']}").text
    assert "databases.newsroom.collections.articles.documents.from-the-console.create" in page
    assert enriched["status"] in page
    listing = console.get("/executions").text
    assert enriched["$id"] in listing

    rerun = console.post(f"/executions/{enriched['$id']}/rerun")
    assert rerun.status_code == 303 and "Re-run" in rerun.headers["location"]
    newsroom.wait_for_executions()
    assert len(newsroom.executions("enrich-article")) == 2


def test_impersonate_gives_a_jwt_acting_as_the_user(console, newsroom):
    page = console.post("/users/bob/impersonate")
    assert page.status_code == 200
    jwt = re.search(r'<textarea id="jwt"[^>]*>([^<]+)</textarea>', page.text).group(1)
    assert Account(newsroom.guest_client().set_jwt(jwt)).get()["$id"] == "bob"
    assert jwt not in str(page.url)


def test_block_and_unblock(console, newsroom):
    assert console.post("/users/carol/block").status_code == 303
    assert "blocked" in console.get("/users/carol").text
    session = httpx.post(
        newsroom.endpoint + "/account/sessions/email",
        headers={"x-appwrite-project": newsroom.project_id},
        json={"email": "carol@newsroom.test", "password": "carol-password-1"},
    )
    assert session.status_code == 401 and session.json()["type"] == "user_blocked"
    assert console.post("/users/carol/unblock").status_code == 303
    assert ">Block<" in console.get("/users/carol").text


def test_moving_the_clock_runs_what_is_due(console, newsroom):
    moved = console.post("/clock", {"at": "2030-01-01T09:05"})
    assert moved.status_code == 303
    assert "publish-scheduled" in console.follow(moved).text
    newsroom.wait_for_executions()
    published = TablesDB(newsroom.admin_client()).get_row(
        "newsroom", "articles", "launch-week-schedule"
    )
    assert published["status"] == "published"


def test_a_page_of_something_missing_is_a_404_naming_it(console):
    for path in ["/users/nobody", "/teams/nope", "/databases/newsroom/nope", "/storage/nope"]:
        answer = console.get(path)
        assert answer.status_code == 404, path
        assert "could not be found" in answer.text, path
