"""accounts: sign-up and user management, through the function URL (and REST executions),
the emulator, the real runtime and the real SDK. Scopes: users.read, users.write,
rows.read, rows.write — every route below runs with exactly those."""

import json
import pathlib

import pytest
from appwrite.exception import AppwriteException
from appwrite.query import Query
from appwrite.services.account import Account
from appwrite.services.teams import Teams

FUNCTION = "accounts"
SECRETS = {"password", "hash", "hashOptions", "prefs", "targets", "mfa"}


@pytest.fixture
def call(appwrite):
    """`call(method, path, json=, user=, headers=, body=)`
    → httpx.Response from the function URL."""

    def request(method, path, *, user=None, **kwargs):
        return appwrite.invoke_http(FUNCTION, path, method=method, user=user, **kwargs)

    return request


@pytest.fixture
def member(appwrite, unique_email):
    """A fresh verified user without labels."""
    return appwrite.create_user(unique_email("member"), name="Member")


def error(response):
    return response.json()["error"]


def pointers(response):
    return sorted(d["path"] for d in error(response)["details"])


def profile_rows(tables, user_id):
    return tables.list_rows("newsroom", "profiles", [Query.equal("$id", [user_id])])


# -- POST /signup ---------------------------------------------------------------------------------


def test_signup_creates_the_user_and_exactly_one_profile(
    appwrite, call, tables, users_api, unique_email
):
    email = unique_email("Signup").upper()
    with appwrite.caused_executions() as executions:
        response = call(
            "POST",
            "/signup",
            json={"email": email, "password": "correct horse", "name": " Ann Lee "},
        )

    assert response.status_code == 201, response.text
    body = response.json()
    user, profile = body["user"], body["profile"]
    assert set(body) == {"user", "profile"}
    assert not SECRETS & set(user)
    assert (user["email"], user["name"], user["status"], user["labels"]) == (
        email.lower(),
        "Ann Lee",
        True,
        [],
    )
    assert profile["$id"] == user["$id"]
    assert (profile["displayName"], profile["articleCount"]) == ("Ann Lee", 0)
    assert "correct horse" not in response.text
    # two API calls, whoever wrote the profile first: the user, then the profile's upsert
    stats = appwrite.execution_stats(response.headers["x-appwrite-execution-id"])
    assert stats["requests"] == 2

    # provision-profile ran for the same user and found (or made) the one profile
    provisioned = [e for e in executions if e["functionId"] == "provision-profile"]
    assert [e["status"] for e in provisioned] == ["completed"]
    assert provisioned[0]["responseStatusCode"] in (200, 201)
    rows = profile_rows(tables, user["$id"])
    assert rows["total"] == 1
    row = rows["rows"][0]
    assert row["displayName"] == "Ann Lee"
    assert row["$permissions"] == ['read("any")']  # read only: users write through accounts

    assert users_api.get(user["$id"])["email"] == email.lower()
    session = Account(appwrite.guest_client()).create_email_password_session(
        email.lower(), "correct horse"
    )
    assert session["userId"] == user["$id"]


def test_signup_through_a_rest_execution(appwrite, unique_email):
    # REST executions arrive as application/x-www-form-urlencoded; the body is still JSON
    body = json.dumps({"email": unique_email("rest"), "password": "password-123", "name": "Rest"})
    execution = appwrite.execute(FUNCTION, "/signup", method="POST", body=body)
    assert execution["responseStatusCode"] == 201, execution["responseBody"]
    assert json.loads(execution["responseBody"])["profile"]["displayName"] == "Rest"


def test_a_taken_email_is_409_in_any_case(call, unique_email):
    email = unique_email("taken")
    first = call(
        "POST", "/signup", json={"email": email, "password": "password-123", "name": "First"}
    )
    assert first.status_code == 201
    again = call(
        "POST",
        "/signup",
        json={"email": email.upper(), "password": "password-456", "name": "Second"},
    )
    assert again.status_code == 409
    assert error(again) == {
        "code": "email_taken",
        "message": "An account with this email address already exists.",
        "details": [],
    }


@pytest.mark.parametrize(
    "payload, paths",
    [
        ({}, ["/email", "/name", "/password"]),
        (
            {"email": "not-an-email", "password": "password-123", "name": "N"},
            ["/email"],
        ),
        ({"email": "a@b", "password": "password-123", "name": "N"}, ["/email"]),
        ({"email": "ok@example.com", "password": "short", "name": "N"}, ["/password"]),
        ({"email": "ok@example.com", "password": "p" * 257, "name": "N"}, ["/password"]),
        ({"email": "ok@example.com", "password": "password-123", "name": "n" * 129}, ["/name"]),
        ({"email": "ok@example.com", "password": "password-123", "name": "   "}, ["/name"]),
        ({"email": "ok@example.com", "password": "password-123", "name": ""}, ["/name"]),
        ({"email": 5, "password": ["x"], "name": None}, ["/email", "/name", "/password"]),
        (
            {
                "email": "ok@example.com",
                "password": "password-123",
                "name": "N",
                "labels": ["admin"],
            },
            ["/labels"],
        ),
        ([], [""]),
    ],
)
def test_signup_validation_lists_every_problem_with_its_pointer(call, payload, paths):
    response = call("POST", "/signup", json=payload)
    assert response.status_code == 400
    assert error(response)["code"] == "validation_failed"
    assert pointers(response) == paths


def test_signup_with_an_empty_or_broken_body_is_400(call):
    assert error(call("POST", "/signup"))["code"] == "empty_body"
    broken = call(
        "POST", "/signup", body=b'{"email": ', headers={"content-type": "application/json"}
    )
    assert (broken.status_code, error(broken)["code"]) == (400, "invalid_json")


def test_a_body_over_1_mib_is_413(call):
    response = call(
        "POST",
        "/signup",
        body=b" " * (1024 * 1024 + 1),
        headers={"content-type": "application/json"},
    )
    assert (response.status_code, error(response)["code"]) == (413, "payload_too_large")


def test_a_name_at_the_limit_is_accepted(call, unique_email):
    response = call(
        "POST",
        "/signup",
        json={"email": unique_email("long"), "password": "p" * 8, "name": "é" * 128},
    )
    assert response.status_code == 201, response.text
    assert response.json()["profile"]["displayName"] == "é" * 128


def test_wrong_method_is_405_and_unknown_path_404(call):
    wrong = call("GET", "/signup")
    assert (wrong.status_code, wrong.headers["allow"], error(wrong)["code"]) == (
        405,
        "POST",
        "method_not_allowed",
    )
    assert call("PUT", "/users").status_code == 405
    assert call("POST", "/users/x/status").headers["allow"] == "PATCH"
    missing = call("GET", "/nope")
    assert (missing.status_code, error(missing)["code"]) == (404, "route_not_found")


# -- authentication --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "method, path",
    [
        ("GET", "/users"),
        ("GET", "/users/someone"),
        ("PATCH", "/users/someone/status"),
        ("DELETE", "/users/someone"),
    ],
)
def test_every_user_route_needs_a_verified_jwt(call, method, path):
    missing = call(method, path, json={"active": False})
    assert (missing.status_code, error(missing)["code"]) == (401, "missing_jwt")
    forged = call(
        method,
        path,
        headers={
            "authorization": "Bearer eyJhbGciOiJIUzI1NiJ9.eyJ1c2VySWQiOiJ4In0.c2ln",
            "x-appwrite-user-id": "someone",
        },
    )
    assert (forged.status_code, error(forged)["code"]) == (401, "invalid_jwt")


# -- GET /users ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def crowd(appwrite):
    """Three users sharing a unique search word; the last one blocked."""
    import uuid

    word = "crowd" + uuid.uuid4().hex[:8]
    made = [appwrite.create_user(f"{word}-{i}@example.com", name=f"{word} {i}") for i in range(3)]
    from appwrite.services.users import Users

    Users(appwrite.admin_client()).update_status(made[2]["$id"], False)
    return word, [u["$id"] for u in made]


def test_admin_lists_users_with_search_total_and_cursor_pages(call, site_admin, crowd):
    word, ids = crowd
    first = call("GET", f"/users?search={word}&limit=2", user=site_admin)
    assert first.status_code == 200, first.text
    page = first.json()
    assert page["total"] == 3
    assert [u["$id"] for u in page["users"]] == ids[:2]
    assert page["nextCursor"] == ids[1]
    assert all(not SECRETS & set(u) for u in page["users"])

    second = call(
        "GET", f"/users?search={word}&limit=2&cursor={page['nextCursor']}", user=site_admin
    ).json()
    assert [u["$id"] for u in second["users"]] == ids[2:]
    assert second["nextCursor"] is None and second["total"] == 3


def test_admin_filters_users_by_status(call, site_admin, crowd):
    word, ids = crowd
    active = call("GET", f"/users?search={word}&status=active", user=site_admin).json()
    blocked = call("GET", f"/users?search={word}&status=blocked", user=site_admin).json()
    assert [u["$id"] for u in active["users"]] == ids[:2] and active["total"] == 2
    assert [u["$id"] for u in blocked["users"]] == ids[2:] and blocked["users"][0][
        "status"
    ] is False


def test_listing_defaults_to_25(call, site_admin, appwrite, unique_email):
    for _ in range(26 - len(call("GET", "/users?limit=100", user=site_admin).json()["users"])):
        appwrite.create_user(unique_email("filler"))
    page = call("GET", "/users", user=site_admin).json()
    assert len(page["users"]) == 25 and page["nextCursor"] == page["users"][-1]["$id"]


@pytest.mark.parametrize(
    "query, paths",
    [
        ("limit=0", ["/limit"]),
        ("limit=101", ["/limit"]),
        ("limit=ten", ["/limit"]),
        ("limit=-1", ["/limit"]),
        ("status=deleted", ["/status"]),
        ("cursor=bad%20id", ["/cursor"]),
        ("search=" + "s" * 257, ["/search"]),
        ("sort=name", ["/sort"]),
        ("limit=0&status=x", ["/limit", "/status"]),
    ],
)
def test_bad_list_parameters_are_400_with_pointers(call, site_admin, query, paths):
    response = call("GET", f"/users?{query}", user=site_admin)
    assert response.status_code == 400
    assert error(response)["message"] == "The query parameters are invalid."
    assert (error(response)["code"], pointers(response)) == ("validation_failed", paths)


def test_an_unknown_cursor_is_400(call, site_admin):
    response = call("GET", "/users?cursor=nosuchuser123", user=site_admin)
    assert (response.status_code, pointers(response)) == (400, ["/cursor"])


def test_listing_is_for_site_admins_only(call, member):
    response = call("GET", "/users", user=member)
    assert (response.status_code, error(response)["code"]) == (403, "forbidden")


def test_list_parameters_and_pages_pure():
    from appwrite.query import Query

    from functions.accounts.src.listing import ListParams, list_queries, page, parse_list_query

    assert parse_list_query({}) == ListParams(limit=25)
    assert parse_list_query(
        {"search": "", "limit": "3", "status": "blocked", "cursor": "u1"}
    ) == ListParams(search=None, status="blocked", cursor="u1", limit=3)
    assert list_queries(ListParams(status="blocked", cursor="u1", limit=3)) == [
        Query.limit(4),
        Query.equal("status", [False]),
        Query.cursor_after("u1"),
    ]
    users = [{"$id": f"u{i}", "password": "hash"} for i in range(4)]
    assert page({"total": 9, "users": users}, ListParams(limit=3))["nextCursor"] == "u2"
    last = page({"total": 9, "users": users[:2]}, ListParams(limit=3))
    assert last["nextCursor"] is None and [u["$id"] for u in last["users"]] == ["u0", "u1"]
    assert "password" not in last["users"][0]


# -- GET /users/{id} -------------------------------------------------------------------------------


def test_a_user_reads_their_own_account_without_secrets(call, member):
    response = call("GET", f"/users/{member['$id']}", user=member)
    assert response.status_code == 200
    assert response.json()["$id"] == member["$id"] and response.json()["email"] == member["email"]
    assert not SECRETS & set(response.json())


def test_a_user_reads_their_own_account_through_a_rest_execution(appwrite, member):
    # x-appwrite-user-jwt is the identity here (REST executions by a signed-in user)
    execution = appwrite.execute(FUNCTION, f"/users/{member['$id']}", method="GET", user=member)
    assert execution["responseStatusCode"] == 200
    assert json.loads(execution["responseBody"])["$id"] == member["$id"]


def test_others_accounts_are_for_admins(call, member, site_admin, appwrite, unique_email):
    other = appwrite.create_user(unique_email("other"))
    denied = call("GET", f"/users/{other['$id']}", user=member)
    assert (denied.status_code, error(denied)["code"]) == (403, "forbidden")
    assert call("GET", f"/users/{other['$id']}", user=site_admin).json()["$id"] == other["$id"]


@pytest.mark.parametrize("user_id", ["nosuchuser123", "bad..id!", "x" * 40])
def test_an_unknown_user_is_404_for_admins_and_403_for_others(call, site_admin, member, user_id):
    response = call("GET", f"/users/{user_id}", user=site_admin)
    assert (response.status_code, error(response)["code"]) == (404, "user_not_found")
    assert call("GET", f"/users/{user_id}", user=member).status_code == 403


# -- PATCH /users/{id}/status ----------------------------------------------------------------------


def test_admin_blocks_and_unblocks_a_user(call, site_admin, member, users_api):
    path = f"/users/{member['$id']}/status"
    blocked = call("PATCH", path, json={"active": False}, user=site_admin)
    assert blocked.status_code == 200
    assert blocked.json()["status"] is False and not SECRETS & set(blocked.json())
    assert users_api.get(member["$id"])["status"] is False

    locked_out = call(
        "GET", f"/users/{member['$id']}", user=member
    )  # a blocked user's JWT is refused
    assert (locked_out.status_code, error(locked_out)["code"]) == (401, "invalid_jwt")

    unblocked = call("PATCH", path, json={"active": True}, user=site_admin)
    assert unblocked.json()["status"] is True
    assert call("GET", f"/users/{member['$id']}", user=member).status_code == 200


@pytest.mark.parametrize(
    "payload, paths",
    [
        ({}, ["/active"]),
        ({"active": "no"}, ["/active"]),
        ({"active": 0}, ["/active"]),
        ({"active": True, "reason": "x"}, ["/reason"]),
        ([], [""]),
    ],
)
def test_status_body_is_validated(call, site_admin, member, payload, paths):
    response = call("PATCH", f"/users/{member['$id']}/status", json=payload, user=site_admin)
    assert (response.status_code, pointers(response)) == (400, paths)


def test_status_is_for_admins_of_known_users_and_never_their_own_block(call, site_admin, member):
    denied = call("PATCH", f"/users/{member['$id']}/status", json={"active": False}, user=member)
    assert (denied.status_code, error(denied)["code"]) == (403, "forbidden")
    missing = call("PATCH", "/users/nosuchuser123/status", json={"active": False}, user=site_admin)
    assert (missing.status_code, error(missing)["code"]) == (404, "user_not_found")
    own = call(
        "PATCH", f"/users/{site_admin['$id']}/status", json={"active": False}, user=site_admin
    )
    assert (own.status_code, error(own)["code"]) == (409, "cannot_block_self")


# -- DELETE /users/{id} ----------------------------------------------------------------------------


def article(tables, appwrite, author_id, status, title):
    with appwrite.caused_executions():  # let enrich-article finish before the test goes on
        row = tables.create_row(
            "newsroom",
            "articles",
            "unique()",
            {
                "title": title,
                "body": "Some words.",
                "authorId": author_id,
                "status": status,
            },
        )
    return row["$id"]


def row_exists(tables, table, row_id):
    try:
        tables.get_row("newsroom", table, row_id)
        return True
    except AppwriteException as exc:
        assert exc.code == 404
        return False


def test_a_user_deletes_their_account_profile_and_unpublished_articles(
    appwrite, call, tables, users_api, unique_email
):
    response = call(
        "POST",
        "/signup",
        json={"email": unique_email("leaver"), "password": "password-123", "name": "Leaver"},
    )
    user = response.json()["user"]
    other = appwrite.create_user(unique_email("stayer"))
    mine = {
        s: article(tables, appwrite, user["$id"], s, f"{s} by leaver")
        for s in ("draft", "scheduled", "archived", "published")
    }
    theirs = article(tables, appwrite, other["$id"], "draft", "draft by stayer")

    deleted = call("DELETE", f"/users/{user['$id']}", user=user["$id"])

    assert deleted.status_code == 200, deleted.text
    assert deleted.json() == {
        "userId": user["$id"],
        "profileDeleted": True,
        "articlesDeleted": 3,
        "coversDeleted": 0,  # covers: tests/functions/test_articles_covers.py
    }
    with pytest.raises(AppwriteException) as gone:
        users_api.get(user["$id"])
    assert gone.value.code == 404
    assert profile_rows(tables, user["$id"])["total"] == 0
    assert [s for s, row_id in mine.items() if row_exists(tables, "articles", row_id)] == [
        "published"
    ]
    assert row_exists(tables, "articles", theirs)


def test_an_admin_deletes_another_user_even_without_a_profile(
    call, site_admin, appwrite, tables, unique_email
):
    victim = appwrite.create_user(unique_email("victim"))
    appwrite.wait_for_executions()
    tables.delete_row("newsroom", "profiles", victim["$id"])
    deleted = call("DELETE", f"/users/{victim['$id']}", user=site_admin)
    assert deleted.json() == {
        "userId": victim["$id"],
        "profileDeleted": False,
        "articlesDeleted": 0,
        "coversDeleted": 0,
    }
    again = call("DELETE", f"/users/{victim['$id']}", user=site_admin)
    assert (again.status_code, error(again)["code"]) == (404, "user_not_found")


def test_deleting_someone_else_is_403_for_non_admins(
    call, member, appwrite, users_api, unique_email
):
    other = appwrite.create_user(unique_email("spared"))
    denied = call("DELETE", f"/users/{other['$id']}", user=member)
    assert (denied.status_code, error(denied)["code"]) == (403, "forbidden")
    assert users_api.get(other["$id"])["$id"] == other["$id"]


def test_deleting_a_user_removes_their_team_memberships(call, site_admin, appwrite, unique_email):
    """Appwrite's deletes worker removes a deleted user's memberships and lowers
    the team's total."""
    owner = appwrite.create_user(unique_email("owner"))
    leaver = appwrite.create_user(unique_email("member"))
    teams = Teams(appwrite.admin_client())
    team = teams.create("unique()", "Desk")
    teams.create_membership(team["$id"], ["owner"], user_id=owner["$id"])
    teams.create_membership(team["$id"], ["editor"], user_id=leaver["$id"])
    assert teams.get(team["$id"])["total"] == 2

    assert call("DELETE", f"/users/{leaver['$id']}", user=site_admin).status_code == 200

    members = teams.list_memberships(team["$id"])["memberships"]
    assert [m["userId"] for m in members] == [owner["$id"]]
    assert teams.get(team["$id"])["total"] == 1


# -- the sign-up / provision-profile race, with accounts' own scopes -------------------------------


def scoped_services(appwrite, scopes):
    """Users and TablesDB with a dynamic key of exactly these scopes, as an execution gets."""
    from appwrite.services.tables_db import TablesDB
    from appwrite.services.users import Users

    from emulator.services.identity.callers import mint_dynamic_key

    client = appwrite.guest_client().set_key(mint_dynamic_key(appwrite.stack.state, scopes, 60))
    return Users(client), TablesDB(client)


def accounts_scopes():
    manifest = json.loads((pathlib.Path(__file__).parents[2] / "appwrite.json").read_text())
    return next(f for f in manifest["functions"] if f["$id"] == FUNCTION)["scopes"]


def test_scopes_are_the_five_it_needs():
    # users.read: list/get; users.write: create/status/delete; rows.write: profile (its
    # upsert at sign-up, whoever created it first: the race below) and articles; rows.read:
    # the articles with a cover of a user being deleted; files.write: deleting those covers
    # (test_articles_covers.py shows the deletion fails without it)
    assert sorted(accounts_scopes()) == [
        "files.write",
        "rows.read",
        "rows.write",
        "users.read",
        "users.write",
    ]


def test_signup_keeps_the_profile_provision_profile_made_first(appwrite, tables, unique_email):
    from functions.accounts.src.signup import ensure_profile

    with appwrite.caused_executions() as executions:
        user = appwrite.create_user(unique_email("race"), name="Racer")
    assert [
        e["responseStatusCode"] for e in executions if e["functionId"] == "provision-profile"
    ] == [201]
    users, scoped_tables = scoped_services(appwrite, accounts_scopes())
    made_first = profile_rows(tables, user["$id"])["rows"][0]

    profile = ensure_profile(scoped_tables, users, user)

    assert (profile["$id"], profile["displayName"]) == (user["$id"], "Racer")
    rows = profile_rows(tables, user["$id"])
    assert rows["total"] == 1
    kept = rows["rows"][0]  # the same row, written again with the same values
    assert (kept["$createdAt"], kept["$sequence"]) == (
        made_first["$createdAt"],
        made_first["$sequence"],
    )
    assert (kept["displayName"], kept["articleCount"], kept["$permissions"]) == (
        made_first["displayName"],
        made_first["articleCount"],
        made_first["$permissions"],
    )


def test_signup_removes_the_user_again_when_the_profile_cannot_be_written(
    appwrite, users_api, unique_email
):
    from functions.accounts.src.signup import create_user, ensure_profile

    users, scoped_tables = scoped_services(appwrite, ["users.write"])  # deployed without rows.write
    user = create_user(users, unique_email("orphan"), "password-123", "Orphan")
    appwrite.wait_for_executions()

    with pytest.raises(AppwriteException) as failed:
        ensure_profile(scoped_tables, users, user)

    assert failed.value.type == "general_unauthorized_scope"
    with pytest.raises(AppwriteException) as gone:
        users_api.get(user["$id"])
    assert gone.value.code == 404
