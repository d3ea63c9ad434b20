"""The server-side-rendering OAuth2 flow, offline, with the SDK and a real HTTP client that
follows the redirects: create_o_auth2_token → consent page → success URL with userId and
secret → account.create_session. And what sessions record of the forwarded user agent."""

from __future__ import annotations

import http.server
import json
import re
import threading
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests
from appwrite.exception import AppwriteException
from appwrite.services.account import Account

from tests.emulator.conftest import as_dict

CHROME_MAC = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36"
)
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1"
)


@pytest.fixture
def web_app():
    """A stand-in for the web app's own server on localhost: records the URLs it is sent to."""
    visits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            visits.append(self.path)
            body = b"landed"
            self.send_response(200)
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://localhost:{server.server_address[1]}", visits
    server.shutdown()
    server.server_close()


def _consent(browser: requests.Session, url: str, **choice) -> requests.Response:
    page = browser.get(url)
    assert page.status_code == 200
    state = re.search(r'name="state" value="([^"]+)"', page.text).group(1)
    return browser.post(url.split("?")[0], data={"state": state, **choice})


def test_the_ssr_oauth2_flow_end_to_end(admin_client, emulator, web_app):
    base, visits = web_app
    admin_client.set_forwarded_user_agent(CHROME_MAC)  # the visitor's browser, per request
    url = Account(admin_client).create_o_auth2_token(
        "github", success=f"{base}/auth/success?next=%2Fhome", failure=f"{base}/auth/failure"
    )
    assert url.startswith(emulator.endpoint.removesuffix("/v1") + "/emulator/oauth2/github?")
    browser = requests.Session()
    assert "Sign in to GitHub as Ada Lovelace" in browser.get(url).text
    landed = _consent(browser, url, choice="identity:1")  # follows the 301 to the app
    assert landed.status_code == 200 and landed.text == "landed"
    assert landed.history[0].status_code == 301
    path = urlsplit(visits[-1])
    query = dict(parse_qsl(path.query))
    assert path.path == "/auth/success" and query["next"] == "/home"
    session = as_dict(Account(admin_client).create_session(query["userId"], query["secret"]))
    assert session["provider"] == "github" and session["factors"] == ["email"]
    assert (session["clientName"], session["clientCode"], session["osName"]) == (
        "Chrome",
        "CH",
        "Mac",
    )
    assert session["secret"]  # an API key sees the secret, for the cookie
    me = emulator.client().set_session(session["secret"])
    account = as_dict(Account(me).get())
    assert (account["email"], account["name"], account["emailVerification"]) == (
        "grace@example.com",
        "Grace Hopper",
        True,
    )
    with pytest.raises(AppwriteException) as caught:  # a secret works once
        Account(admin_client).create_session(query["userId"], query["secret"])
    assert caught.value.type == "user_invalid_token"


def test_a_typed_email_signs_in_the_existing_user(admin_client, make_user, web_app):
    base, visits = web_app
    user, _ = make_user()
    url = Account(admin_client).create_o_auth2_token("google", success=f"{base}/ok")
    _consent(requests.Session(), url, choice="email", email=user["email"])
    query = dict(parse_qsl(urlsplit(visits[-1]).query))
    assert query["userId"] == user["$id"]


def test_cancel_goes_to_failure_with_appwrites_error(admin_client, web_app):
    base, visits = web_app
    url = Account(admin_client).create_o_auth2_token(
        "github", success=f"{base}/ok", failure=f"{base}/failed"
    )
    _consent(requests.Session(), url, choice="cancel")
    path = urlsplit(visits[-1])
    error = json.loads(dict(parse_qsl(path.query))["error"])
    assert path.path == "/failed"
    assert error == {
        "message": "The GitHub OAuth2 provider returned an error: access_denied",
        "type": "user_oauth2_provider_error",
        "code": 424,
    }


@pytest.mark.parametrize(
    ("success", "failure", "message"),
    [
        (
            "https://evil.example/cb",
            None,
            "Invalid `success` param: Invalid URI. Register your new client (evil.example) as a "
            "new Web platform on your project console dashboard",
        ),
        ("http://localhost/ok", "http://10.0.0.1/no", "Invalid `failure` param: Invalid URI."),
    ],
)
def test_redirect_urls_must_be_local_hosts(admin_client, success, failure, message):
    with pytest.raises(AppwriteException) as caught:
        Account(admin_client).create_o_auth2_token("github", success=success, failure=failure)
    assert caught.value.code == 400 and caught.value.message.startswith(message)


def test_an_unknown_provider_is_refused(emulator):
    response = requests.get(
        emulator.endpoint + "/account/tokens/oauth2/myspace",
        headers={"x-appwrite-project": emulator.project_id},
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 400
    assert response.json()["message"].startswith("Invalid `provider` param: Value must be one of")


def test_a_tampered_state_gets_no_consent_page(admin_client):
    url = Account(admin_client).create_o_auth2_token("github", success="http://localhost/ok")
    page = requests.get(url[:-4] + "AAAA", timeout=10)
    assert page.status_code == 400 and "invalid or expired" in page.text


def test_forwarded_user_agent_counts_for_keys_only(admin_client, emulator, make_user):
    user, password = make_user()
    admin_client.set_forwarded_user_agent(SAFARI_IPHONE)
    session = as_dict(Account(admin_client).create_email_password_session(user["email"], password))
    assert (session["osCode"], session["clientName"], session["deviceName"]) == (
        "IOS",
        "Mobile Safari",
        "smartphone",
    )
    assert (session["countryCode"], session["countryName"]) == ("--", "Unknown")
    # a guest's own request: the header is ignored, the SDK's own user agent is recorded
    guest = emulator.client().set_forwarded_user_agent(SAFARI_IPHONE)
    other, other_password = make_user()
    own = as_dict(Account(guest).create_email_password_session(other["email"], other_password))
    assert own["clientName"] != "Mobile Safari" and own["clientType"] == "library"
