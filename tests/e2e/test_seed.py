"""`serve --seed seed/newsroom.json` (what `make run` does): Newsroom's sample data as a
generic seed file — users who can sign in, a team with roles, profiles and articles in every
state whose rows carry read permissions only (DESIGN.md §4), so the functions serve them
exactly as they serve rows they wrote themselves."""

import pathlib

import httpx
from appwrite.query import Query
from appwrite.services.account import Account
from appwrite.services.tables_db import TablesDB

from emulator.cli.serve import run_seed
from emulator.testclient import AppwriteTestClient

ROOT = pathlib.Path(__file__).resolve().parents[2]
SEED = ROOT / "seed" / "newsroom.json"


def test_the_newsroom_seed_file(tmp_path):
    with AppwriteTestClient.start(ROOT / "appwrite.json", data_dir=tmp_path) as client:
        summary = run_seed(SEED, client)
        assert "alice@newsroom.test" in summary and "alice-password-1" in summary
        tables = TablesDB(client.admin_client())
        rows = tables.list_rows("newsroom", "articles", [Query.limit(100)])["rows"]
        assert sorted(r["status"] for r in rows) == [
            "archived",
            "draft",
            "published",
            "published",
            "scheduled",
        ]
        assert all(r["slug"] and r["wordCount"] > 0 for r in rows)
        profiles = tables.list_rows("newsroom", "profiles")["rows"]
        assert [p["$id"] for p in profiles] == ["alice", "bob", "carol"]
        every_permission = [p for r in rows + profiles for p in r["$permissions"]]
        assert every_permission and all(p.startswith("read(") for p in every_permission)

        # Guests see the two published articles through the articles function.
        articles_url = client.stack.function_urls["articles"]
        listed = httpx.get(articles_url + "/articles").json()
        assert sorted(a["title"] for a in listed["articles"]) == [
            "The desk style guide",
            "Welcome to Newsroom",
        ]
        # The welcome article's cover is in Storage, served to guests like the article.
        cover = httpx.get(articles_url + "/articles/welcome-to-newsroom/cover")
        assert cover.status_code == 200 and cover.headers["content-type"].startswith("image/png")
        assert cover.content == (ROOT / "seed" / "files" / "welcome-to-newsroom.png").read_bytes()
        assert "1 files" in summary
        # Bob, editor of carol's team, reads her team draft; the seeded password works.
        session = Account(client.guest_client()).create_email_password_session(
            "bob@newsroom.test", "bob-password-1"
        )
        assert session["userId"] == "bob"
        draft = httpx.get(
            articles_url + "/articles/election-night-plan",
            headers={"authorization": f"Bearer {client.jwt_for('bob')}"},
        )
        assert draft.status_code == 200 and draft.json()["status"] == "draft"
        anonymous = httpx.get(articles_url + "/articles/election-night-plan")
        assert anonymous.status_code in (403, 404)
        # The seed wrote without running the functions (fireEvents is false).
        assert client.executions("enrich-article") == []
