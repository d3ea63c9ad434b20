"""session: cookie sign-in for web apps, through the function URL with a browser-like HTTP
client (a cookie jar, redirects followed), the emulator, the real runtime and the real SDK.

The function's URL is `http://127.0.0.1:<port>`; browsers send `Secure` cookies to loopback
hosts over plain HTTP (they are "potentially trustworthy" origins), and so does the jar here.
Scope: `sessions.write` — every test below runs with exactly that, and the private project
at the end shows what fails without it."""

from __future__ import annotations

import datetime as dt
import json
import re
from http.cookiejar import CookieJar, DefaultCookiePolicy
from http.cookies import SimpleCookie
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
from appwrite.services.users import Users

from tests.functions.scheduled_support import function_entry, start

FUNCTION = "session"
CHROME_MAC = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36"
)
PASSWORD = "session-password-1"


class LoopbackIsSecure(DefaultCookiePolicy):
    """As browsers do: `Secure` cookies also travel to http://127.0.0.1 and localhost."""

    def return_ok_secure(self, cookie, request):
        host = urlsplit(request.get_full_url()).hostname
        return super().return_ok_secure(cookie, request) or host in ("127.0.0.1", "localhost")


class Browser:
    """A browser on the function's pages: one cookie jar (applied at every hop of a redirect),
    its user agent, and the `Origin` header browsers send with a POST. (httpx's own jar is a
    copy with the default policy at each request, so the jar is applied here.)"""

    def __init__(self, base: str, user_agent: str = CHROME_MAC):
        self.base = base
        self.jar = CookieJar(policy=LoopbackIsSecure())
        self.http = httpx.Client(headers={"user-agent": user_agent}, timeout=60)

    def request(self, method, url, *, follow_redirects=False, **kwargs) -> httpx.Response:
        url = url if url.startswith("http") else self.base + url
        history = []
        while True:
            request = self.http.build_request(method, url, **kwargs)
            httpx.Cookies(self.jar).set_cookie_header(request)
            response = self.http.send(request)
            self.http.cookies.clear()
            httpx.Cookies(self.jar).extract_cookies(response)
            if not (follow_redirects and response.is_redirect):
                response.history = history
                return response
            history.append(response)
            url = str(response.url.join(response.headers["location"]))
            if response.status_code in (301, 302, 303) and method == "POST":
                method, kwargs = "GET", {}

    def get(self, path: str, **kwargs) -> httpx.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, *, origin: str | None = None, **kwargs) -> httpx.Response:
        headers = {"origin": origin or self.base, **kwargs.pop("headers", {})}
        return self.request("POST", path, headers=headers, **kwargs)

    def cookie(self, name: str) -> str | None:
        return next((c.value for c in self.jar if c.name == name), None)

    def close(self) -> None:
        self.http.close()


@pytest.fixture
def url(appwrite):
    return appwrite.stack.function_urls[FUNCTION]


@pytest.fixture
def cookie_name(appwrite):
    return f"a_session_{appwrite.project_id}"


@pytest.fixture
def browser(url):
    browser = Browser(url)
    yield browser
    browser.close()


@pytest.fixture
def member(appwrite, unique_email):
    return appwrite.create_user(unique_email("session"), PASSWORD, name="Member")


def error(response):
    return response.json()["error"]


def set_cookie(response, name):
    """The response's Set-Cookie for `name`, parsed (attributes by lower-case name)."""
    header = response.headers.get("set-cookie", "")
    morsel = SimpleCookie(header)[name]
    flags = {part.strip().lower() for part in header.split(";")}
    return morsel, flags


def expired(response, name):
    morsel, _ = set_cookie(response, name)
    return morsel.value == "" and morsel["max-age"] == "0" and "1970" in morsel["expires"]


def login(browser, email, password=PASSWORD):
    return browser.post("/login", json={"email": email, "password": password})


def executions_of(appwrite, *responses):
    ids = {r.headers["x-appwrite-execution-id"] for r in responses}
    found = [e for e in appwrite.executions(FUNCTION) if e["$id"] in ids]
    assert len(found) == len(ids)
    return found


def assert_never_stored(appwrite, responses, secret):
    """The secret is in no stored execution's logs, errors, response body or headers."""
    for execution in executions_of(appwrite, *responses):
        stored = json.dumps(
            [execution[k] for k in ("logs", "errors", "responseBody", "responseHeaders")]
        )
        assert secret not in stored
    for response in responses:
        assert secret not in response.text


def sessions_of(appwrite, user):
    return Users(appwrite.admin_client()).list_sessions(user["$id"])["sessions"]


# -- login → me → logout ---------------------------------------------------------------------


def test_login_me_logout(appwrite, browser, member, cookie_name):
    signed_in = login(browser, member["email"].upper())

    assert signed_in.status_code == 201, signed_in.text
    body = signed_in.json()
    assert body["account"]["$id"] == member["$id"]
    assert body["account"]["email"] == member["email"]
    assert set(body["session"]) == {"$id", "$createdAt", "expire", "provider"}
    assert body["session"]["provider"] == "email"
    morsel, flags = set_cookie(signed_in, cookie_name)
    secret = morsel.value
    assert secret and secret == browser.cookie(cookie_name)
    assert {"httponly", "secure", "samesite=strict", "path=/"} <= flags
    expire = dt.datetime.fromisoformat(body["session"]["expire"]).replace(microsecond=0)
    assert morsel["expires"] == expire.strftime("%a, %d %b %Y %H:%M:%S GMT")
    assert signed_in.headers["cache-control"] == "no-store"

    # the session records the visitor's browser: the user agent was forwarded
    (session,) = [s for s in sessions_of(appwrite, member) if s["$id"] == body["session"]["$id"]]
    assert (session["clientName"], session["osName"]) == ("Chrome", "Mac")

    me = browser.get("/me")
    assert me.status_code == 200, me.text
    assert (me.json()["$id"], me.json()["email"]) == (member["$id"], member["email"])
    assert not {"prefs", "targets", "password", "hash", "mfa"} & set(me.json())

    signed_out = browser.post("/logout")
    assert (signed_out.status_code, signed_out.text) == (204, "")
    assert expired(signed_out, cookie_name)
    assert browser.cookie(cookie_name) is None
    assert body["session"]["$id"] not in [s["$id"] for s in sessions_of(appwrite, member)]

    after = browser.get("/me")
    assert (after.status_code, error(after)["code"]) == (401, "missing_session")
    assert "set-cookie" not in after.headers

    assert_never_stored(appwrite, [signed_in, me, signed_out, after], secret)
    logs = "".join(e["logs"] for e in executions_of(appwrite, signed_in, signed_out))
    assert '"msg":"signed in","function":"session"' in logs and member["$id"] in logs
    assert PASSWORD not in logs


def test_bad_credentials_are_401_whoever_asks(browser, member, unique_email):
    wrong = login(browser, member["email"], "not-the-password")
    unknown = login(browser, unique_email("nobody"), PASSWORD)
    for response in (wrong, unknown):
        assert response.status_code == 401
        assert error(response) == {
            "code": "invalid_credentials",
            "message": "Wrong email or password.",
            "details": [],
        }
        assert "set-cookie" not in response.headers


def test_login_body_is_validated(browser):
    response = browser.post("/login", json={"email": "not-an-email", "password": "short", "x": 1})
    assert (response.status_code, error(response)["code"]) == (400, "validation_failed")
    assert sorted(d["path"] for d in error(response)["details"]) == [
        "/email",
        "/email",
        "/password",
        "/x",
    ]
    assert browser.post("/login", content=b"").status_code == 400


def test_a_blocked_user_is_403_at_login_and_loses_their_cookie(
    appwrite, browser, member, cookie_name
):
    assert login(browser, member["email"]).status_code == 201
    Users(appwrite.admin_client()).update_status(member["$id"], False)

    me = browser.get("/me")
    assert (me.status_code, error(me)["code"]) == (403, "user_blocked")
    assert expired(me, cookie_name)
    again = login(browser, member["email"])
    assert (again.status_code, error(again)["code"]) == (403, "user_blocked")
    assert "set-cookie" not in again.headers
    # a wrong password tells a blocked account nothing
    assert login(browser, member["email"], "not-the-password").status_code == 401


# -- stolen, expired and garbage cookies -----------------------------------------------------


def test_a_stolen_cookie_works_until_its_session_ends(url, browser, member, cookie_name):
    signed_in = login(browser, member["email"])
    stolen = f"{cookie_name}={set_cookie(signed_in, cookie_name)[0].value}"
    thief = {"cookie": stolen, "user-agent": "curl/8.5.0"}

    # Appwrite does not tie a session to a device: while it lives, the copy works too
    assert httpx.get(url + "/me", headers=thief).status_code == 200
    assert browser.post("/logout").status_code == 204
    replayed = httpx.get(url + "/me", headers=thief)
    assert (replayed.status_code, error(replayed)["code"]) == (401, "invalid_session")
    assert expired(replayed, cookie_name)
    logout = httpx.post(url + "/logout", headers=thief)
    assert (logout.status_code, error(logout)["code"]) == (401, "invalid_session")


def test_sessions_revoked_by_an_admin_end_the_cookie(appwrite, browser, member, cookie_name):
    assert login(browser, member["email"]).status_code == 201
    Users(appwrite.admin_client()).delete_sessions(member["$id"])
    me = browser.get("/me")
    assert (me.status_code, error(me)["code"]) == (401, "invalid_session")
    assert browser.cookie(cookie_name) is None


def test_an_expired_cookie_is_401_and_cleared(url, browser, member, cookie_name):
    import time_machine

    signed_in = login(browser, member["email"])
    secret = set_cookie(signed_in, cookie_name)[0].value
    expire = dt.datetime.fromisoformat(signed_in.json()["session"]["expire"])
    # A browser drops the cookie at Expires; a client that keeps sending it (or a copy of
    # it) meets the session's own expiry in Appwrite.
    with time_machine.travel(expire + dt.timedelta(minutes=1), tick=True):
        me = httpx.get(url + "/me", headers={"cookie": f"{cookie_name}={secret}"}, timeout=60)
    assert (me.status_code, error(me)["code"]) == (401, "invalid_session")
    assert expired(me, cookie_name)


@pytest.mark.parametrize(
    "value",
    [
        "garbage",
        "eyJpZCI6ICJ4IiwgInNlY3JldCI6ICJ5In0=",  # well-formed, but no such session
        "",
        "a\\b",
    ],
)
def test_a_garbage_cookie_is_401_and_cleared(url, cookie_name, value):
    me = httpx.get(url + "/me", headers={"cookie": f"{cookie_name}={value}"}, timeout=60)
    assert (me.status_code, error(me)["code"]) == (401, "invalid_session")
    assert expired(me, cookie_name)


# -- cross-site requests ---------------------------------------------------------------------


def test_cross_site_posts_are_refused(appwrite, url, browser, member):
    before = len(sessions_of(appwrite, member))
    for headers in ({"origin": "http://evil.localhost"}, {"sec-fetch-site": "cross-site"}):
        response = browser.post(
            "/login", json={"email": member["email"], "password": PASSWORD}, headers=headers
        )
        assert (response.status_code, error(response)["code"]) == (403, "cross_site_request")
    another_function = urlsplit(url)._replace(netloc=f"127.0.0.1:{urlsplit(url).port + 1}")
    response = login_from(browser, member, another_function.geturl())
    assert response.status_code == 403
    assert len(sessions_of(appwrite, member)) == before

    assert login(browser, member["email"]).status_code == 201
    forged = browser.post("/logout", origin="http://evil.localhost")
    assert (forged.status_code, error(forged)["code"]) == (403, "cross_site_request")
    assert browser.get("/me").status_code == 200  # still signed in
    # no Origin at all is not a browser (curl, a server), so it carries no victim's cookie
    plain = httpx.post(url + "/login", json={"email": member["email"], "password": PASSWORD})
    assert plain.status_code == 201


def login_from(browser, member, origin):
    return browser.post(
        "/login", json={"email": member["email"], "password": PASSWORD}, origin=origin
    )


# -- OAuth2 ----------------------------------------------------------------------------------


def consent(browser, page, **choice):
    """Answer the emulator's consent page ("Sign in to GitHub as …") like a person would."""
    state = re.search(r'name="state" value="([^"]+)"', page.text).group(1)
    return browser.request(
        "POST", str(page.url).split("?")[0], data={"state": state, **choice}, follow_redirects=True
    )


def test_oauth_sign_in_end_to_end(appwrite, url, browser, cookie_name, unique_email):
    email = unique_email("octo")
    started = browser.get("/oauth/github")
    assert started.status_code == 302
    state_cookie, flags = set_cookie(started, "oauth_state")
    assert {"httponly", "secure", "samesite=lax", "path=/oauth"} <= flags
    assert state_cookie["max-age"] == "600"

    page = browser.get(started.headers["location"], follow_redirects=True)
    assert page.status_code == 200 and "Sign in to GitHub" in page.text
    assert urlsplit(url).netloc in page.text  # the provider sends you back to the function
    landed = consent(browser, page, choice="email", email=email)

    assert landed.status_code == 201, landed.text
    assert [r.status_code for r in landed.history] == [301]
    success = urlsplit(str(landed.url))
    assert f"{success.scheme}://{success.netloc}" == url and success.path == "/oauth/success"
    query = dict(parse_qsl(success.query))
    assert set(query) == {"state", "userId", "secret"}
    assert query["state"] == state_cookie.value
    body = landed.json()
    assert body["account"]["email"] == email and body["account"]["emailVerification"] is True
    assert body["session"]["provider"] == "github"
    morsel, flags = set_cookie(landed, cookie_name)
    assert {"httponly", "secure", "samesite=strict", "path=/"} <= flags

    me = browser.get("/me")
    assert (me.status_code, me.json()["email"]) == (200, email)
    sessions = sessions_of(appwrite, body["account"])
    assert [(s["provider"], s["clientName"]) for s in sessions] == [("github", "Chrome")]
    assert_never_stored(appwrite, [started, landed, me], morsel.value)
    # the OAuth2 token's one-time secret is in the stored requestPath (Appwrite's success URL
    # carries it); it is spent: exchanging it again fails
    replay = browser.get(f"/oauth/success?{success.query}")
    assert (replay.status_code, error(replay)["code"]) == (401, "invalid_token")


def test_oauth_success_needs_the_browser_that_started(url, browser, unique_email, cookie_name):
    """Login CSRF: an attacker's finished sign-in, sent to a victim, does not sign them in."""
    attacker = browser
    page = attacker.get(attacker.get("/oauth/google").headers["location"])
    state = re.search(r'name="state" value="([^"]+)"', page.text).group(1)
    redirect = attacker.request(
        "POST",
        str(page.url).split("?")[0],
        data={"state": state, "choice": "email", "email": unique_email("attacker")},
    )
    success_url = redirect.headers["location"]

    victim = Browser(url)
    try:
        refused = victim.get(success_url)
        assert (refused.status_code, error(refused)["code"]) == (403, "oauth_state_mismatch")
        assert victim.cookie(cookie_name) is None
    finally:
        victim.close()
    # the token was not spent on the refused attempt
    assert attacker.get(success_url).status_code == 201


def test_oauth_cancel_lands_on_failure(browser):
    page = browser.get(browser.get("/oauth/gitlab").headers["location"])
    landed = consent(browser, page, choice="cancel")
    assert urlsplit(str(landed.url)).path == "/oauth/failure"
    assert landed.status_code == 401
    assert error(landed) == {
        "code": "oauth_failed",
        "message": "Signing in with the provider did not complete (cancelled or refused). "
        "Try again.",
        "details": [{"type": "user_oauth2_provider_error", "code": 424}],
    }


def test_oauth_for_a_blocked_user_is_403(appwrite, browser, member):
    Users(appwrite.admin_client()).update_status(member["$id"], False)
    page = browser.get(browser.get("/oauth/github").headers["location"])
    landed = consent(browser, page, choice="email", email=member["email"])
    assert urlsplit(str(landed.url)).path == "/oauth/failure"
    assert (landed.status_code, error(landed)["code"]) == (403, "user_blocked")


def test_oauth_failure_repeats_no_text_from_the_url(browser):
    planted = json.dumps({"message": "Call +1 555 0100 to unlock", "type": "x y", "code": True})
    response = browser.get("/oauth/failure", params={"error": planted})
    assert (response.status_code, error(response)["details"]) == (401, [])
    assert "555" not in response.text
    assert browser.get("/oauth/failure").status_code == 401


@pytest.mark.parametrize("provider", ["myspace", "mock", "success.", "GitHub"])
def test_unknown_providers_are_400(browser, provider):
    response = browser.get(f"/oauth/{provider}")
    assert (response.status_code, error(response)["code"]) == (400, "validation_failed")
    assert [d["path"] for d in error(response)["details"]] == ["/provider"]
    assert "set-cookie" not in response.headers


def test_oauth_success_query_is_validated(browser):
    response = browser.get("/oauth/success", params={"userId": "-bad", "secret": ""})
    assert (response.status_code, error(response)["code"]) == (400, "validation_failed")
    assert sorted(d["path"] for d in error(response)["details"]) == ["/secret", "/state", "/userId"]


# -- scopes ----------------------------------------------------------------------------------


def test_the_scope_is_sessions_write():
    assert function_entry(FUNCTION)["scopes"] == ["sessions.write"]
    assert function_entry(FUNCTION)["execute"] == ["any"]


@pytest.fixture(scope="module")
def unscoped(tmp_path_factory):
    """A private project with the same code twice: as in appwrite.json, and with no scopes."""
    client = start(
        tmp_path_factory.mktemp("session"),
        [function_entry(FUNCTION), function_entry(FUNCTION, as_id="session-unscoped", scopes=[])],
    )
    yield client
    client.stack.close()


def test_without_sessions_write_nothing_signs_in(unscoped):
    user = unscoped.create_user("scope@example.com", PASSWORD)
    bare = unscoped.stack.function_urls["session-unscoped"]
    full = unscoped.stack.function_urls[FUNCTION]
    state = "s" * 43

    def attempts(base):
        token = Users(unscoped.admin_client()).create_token(user["$id"])
        return {
            "login": httpx.post(
                base + "/login", json={"email": user["email"], "password": PASSWORD}
            ),
            "oauth start": httpx.get(base + "/oauth/github"),
            "oauth token exchange": httpx.get(
                base + "/oauth/success",
                params={"state": state, "userId": user["$id"], "secret": token["secret"]},
                headers={"cookie": f"oauth_state={state}"},
            ),
        }

    for what, response in attempts(bare).items():
        assert (response.status_code, error(response)["code"]) == (500, "configuration_error"), what
        (execution,) = [
            e
            for e in unscoped.executions("session-unscoped")
            if e["$id"] == response.headers["x-appwrite-execution-id"]
        ]
        assert '"type":"general_unauthorized_scope"' in execution["errors"], what
        assert 'missing scopes ([\\"sessions.write\\"])' in execution["errors"], what
    # the same code with the scope: the same calls work
    answered = {what: r.status_code for what, r in attempts(full).items()}
    assert answered == {"login": 201, "oauth start": 302, "oauth token exchange": 201}

    # reading and ending a session need no scope of the function: the session itself acts
    signed_in = httpx.post(full + "/login", json={"email": user["email"], "password": PASSWORD})
    cookie = f"a_session_{unscoped.project_id}"
    jar = {"cookie": f"{cookie}={set_cookie(signed_in, cookie)[0].value}"}
    assert httpx.get(bare + "/me", headers=jar).json()["email"] == user["email"]
    assert httpx.post(bare + "/logout", headers=jar).status_code == 204
    assert httpx.get(full + "/me", headers=jar).status_code == 401
