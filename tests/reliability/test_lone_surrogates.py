"""Issue 9 item 11: a string with a lone UTF-16 surrogate (`"\\ud800"` in JSON) is refused
with a 400 wherever a caller sends JSON, before anything is written — never a 500, and
never a stored value that breaks every later read. PHP's json_decode refuses such text
with "Single unpaired UTF-16 surrogate in unicode escape"; the emulator names that.

The official SDK sends it as the JSON escape (`json.dumps` escapes non-ASCII), exactly as
an attacker's script would."""

from __future__ import annotations

import json
import uuid

import httpx
import pytest
from appwrite.exception import AppwriteException
from appwrite.query import Query
from appwrite.services.account import Account
from appwrite.services.functions import Functions
from appwrite.services.tables_db import TablesDB
from appwrite.services.teams import Teams
from appwrite.services.users import Users

LONE = "\ud800"
MESSAGE = "Invalid JSON body: Single unpaired UTF-16 surrogate in unicode escape."


def refused(call) -> AppwriteException:
    with pytest.raises(AppwriteException) as raised:
        call()
    error = raised.value
    assert (error.code, error.type) == (400, "general_argument_invalid"), error.message
    return error


@pytest.fixture(scope="module")
def admin(appwrite):
    return appwrite.admin_client()


def test_a_user_name_with_a_lone_surrogate_is_refused_and_nothing_is_stored(admin):
    users = Users(admin)
    email = f"surrogate-{uuid.uuid4().hex[:8]}@example.com"
    error = refused(
        lambda: users.create("unique()", email=email, password="password-123", name="x" + LONE)
    )
    assert error.message == MESSAGE
    assert users.list(queries=[Query.equal("email", [email])])["total"] == 0
    assert users.list()["total"] >= 0  # every list still answers


def test_renaming_a_user_to_a_lone_surrogate_is_refused(appwrite, admin, unique_email):
    user = appwrite.create_user(unique_email("rename"), name="Before")
    users = Users(admin)
    refused(lambda: users.update_name(user["$id"], LONE))
    assert users.get(user["$id"])["name"] == "Before"


def test_an_account_name_with_a_lone_surrogate_is_refused(appwrite, unique_email):
    user = appwrite.create_user(unique_email("account"), name="Mine")
    account = Account(appwrite.as_user(user))
    refused(lambda: account.update_name("Me" + LONE))
    assert account.get()["name"] == "Mine"


def test_row_data_with_a_lone_surrogate_is_refused(appwrite, admin):
    tables = TablesDB(admin)
    row_id = uuid.uuid4().hex[:20]
    data = {"title": LONE, "body": "b", "authorId": "someone", "status": "draft"}
    refused(lambda: tables.create_row("newsroom", "articles", row_id, data))
    with pytest.raises(AppwriteException) as missing:
        tables.get_row("newsroom", "articles", row_id)
    assert missing.value.code == 404
    row, _ = appwrite.emit_row_created(
        "articles", {"title": "Fine", "body": "b", "authorId": "someone", "status": "draft"}
    )
    refused(lambda: tables.update_row("newsroom", "articles", row["$id"], {"title": LONE}))
    assert tables.get_row("newsroom", "articles", row["$id"])["title"] == "Fine"


def test_a_query_value_with_a_lone_surrogate_is_refused(admin):
    with pytest.raises(AppwriteException) as raised:
        TablesDB(admin).list_rows("newsroom", "articles", [Query.equal("title", [LONE])])
    assert raised.value.code == 400
    assert "Single unpaired UTF-16 surrogate" in raised.value.message


def test_a_team_name_with_a_lone_surrogate_is_refused(admin):
    teams = Teams(admin)
    team_id = "t" + uuid.uuid4().hex[:10]
    refused(lambda: teams.create(team_id, "Desk " + LONE))
    with pytest.raises(AppwriteException) as missing:
        teams.get(team_id)
    assert missing.value.code == 404


def test_an_execution_body_with_a_lone_surrogate_is_refused(appwrite, admin):
    functions = Functions(admin)
    before = len(appwrite.executions("articles"))
    refused(lambda: functions.create_execution("articles", body=LONE, path="/articles"))
    assert len(appwrite.executions("articles")) == before


def test_a_lone_surrogate_inside_a_key_or_a_nested_value_is_refused_too(appwrite):
    raw = '{"userId": "unique()", "email": "a@b.co", "password": "password-123", '
    raw += '"name": "n", "prefs": {"\\udc00": ["\\ud800x"]}}'
    response = httpx.post(
        f"{appwrite.endpoint}/users",
        content=raw,
        headers={
            "content-type": "application/json",
            "x-appwrite-project": appwrite.project_id,
            "x-appwrite-key": appwrite.stack.api_key,
        },
    )
    assert response.status_code == 400
    assert response.json()["message"] == MESSAGE


def test_a_surrogate_pair_is_text_like_any_other(appwrite, admin, unique_email):
    users = Users(admin)
    user = users.create("unique()", email=unique_email("emoji"), password="password-123")
    renamed = users.update_name(user["$id"], "Smile \U0001f600")  # sent as "\ud83d\ude00"
    assert renamed["name"] == "Smile \U0001f600"
    assert json.dumps(users.get(user["$id"])["name"]) == json.dumps("Smile \U0001f600")
