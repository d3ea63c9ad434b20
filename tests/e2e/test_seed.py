"""`serve --seed seed/newsroom.py`: sample data made through the functions, in every state."""

import pathlib

import httpx
from appwrite.query import Query
from appwrite.services.tables_db import TablesDB

from emulator.cli.serve import run_seed
from emulator.testclient import AppwriteTestClient

ROOT = pathlib.Path(__file__).resolve().parents[2]
SEED = ROOT / "seed" / "newsroom.py"


def test_seed_creates_users_a_team_and_articles_in_every_state(tmp_path):
    with AppwriteTestClient.start(ROOT / "appwrite.json", data_dir=tmp_path) as client:
        stack = client.stack
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
        assert all(r["slug"] and r["wordCount"] > 0 for r in rows)  # enrich-article ran on each
        assert tables.list_rows("newsroom", "profiles")["total"] == 3
        listed = httpx.get(stack.function_urls["articles"] + "/articles").json()
        assert sorted(a["title"] for a in listed["articles"]) == [
            "The desk style guide",
            "Welcome to Newsroom",
        ]
        assert run_seed(SEED, client).startswith("seed: the project already has users")
