"""Session (HTTP): cookie sign-in for web apps served on a function domain (Appwrite's SSR flow).

    POST /login             {email, password}          → 201 {account, session} + cookie
    GET  /me                cookie                     → the account
    POST /logout            cookie                     → 204, cookie cleared
    GET  /oauth/{provider}                             → 302 to the provider, state cookie
    GET  /oauth/success     ?state&userId&secret       → 201 {account, session} + cookie
    GET  /oauth/failure     ?error                     → 401 oauth_failed

The cookie `a_session_<PROJECT_ID>` holds the session secret (HttpOnly, Secure,
SameSite=Strict, Path=/, Expires = the session's expiry); the secret is never in a body or
a log. POSTs from another origin are refused (shared/ssr.py `require_same_origin`).
"""

from ..shared import App, BadRequest, load_schema
from ..shared.paging import list_params
from ..shared.ssr import require_same_origin, session_cookie_name, session_secret
from .answers import account_answer, signed_in, signed_out
from .appwrite_calls import current_account, exchange_token, oauth_url, sign_in, sign_out
from .oauth import check_state, failed, new_state, to_provider

app = App("session", timeout=15)
LOGIN = load_schema(__file__, "../schemas/login.json")
PROVIDER = load_schema(__file__, "../schemas/oauth-provider.json")
SUCCESS_QUERY = load_schema(__file__, "../schemas/oauth-success-query.json")
FAILURE_QUERY = load_schema(__file__, "../schemas/oauth-failure-query.json")


@app.route("POST", "/login")
def login(req):
    require_same_origin(req.headers)
    data = LOGIN.validate(req.json())
    cookie = session_cookie_name()
    session = sign_in(req, data["email"], data["password"])
    account = current_account(req, session["secret"], cookie)
    req.log.info("signed in", user=account["$id"], provider=session["provider"])
    return signed_in(session, account, cookie)


@app.route("GET", "/me")
def me(req):
    cookie = session_cookie_name()
    secret = session_secret(req.headers, cookie)
    return account_answer(current_account(req, secret, cookie))


@app.route("POST", "/logout")
def logout(req):
    require_same_origin(req.headers)
    cookie = session_cookie_name()
    secret = session_secret(req.headers, cookie)
    sign_out(req, secret, cookie)
    req.log.info("signed out")
    return signed_out(cookie)


@app.route("GET", "/oauth/{provider}")
def oauth_start(req):
    provider = {"provider": req.params["provider"]}
    if details := PROVIDER.errors(provider):
        raise BadRequest("Unknown sign-in provider.", code="validation_failed", details=details)
    state = new_state()
    return to_provider(oauth_url(req, provider["provider"], state), state)


@app.route("GET", "/oauth/success")
def oauth_success(req):
    query = list_params(req.query, SUCCESS_QUERY)
    check_state(req.headers, query["state"])
    cookie = session_cookie_name()
    session = exchange_token(req, query["userId"], query["secret"])
    account = current_account(req, session["secret"], cookie)
    req.log.info("signed in", user=account["$id"], provider=session["provider"])
    return signed_in(session, account, cookie)


@app.route("GET", "/oauth/failure")
def oauth_failure(req):
    raise failed(list_params(req.query, FAILURE_QUERY).get("error"))


def main(context):
    return app.handle(context)
