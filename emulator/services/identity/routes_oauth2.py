"""OAuth2 sign-in for server-side rendering, offline: Appwrite's token flow with a local
consent page standing in for the provider.

1. `GET /v1/account/tokens/oauth2/{provider}?success=&failure=` (the SDK's
   `account.create_o_auth2_token`) answers 301 with a `Location` the SDK returns: on
   Appwrite the provider's login page, here the emulator's consent page
   `/emulator/oauth2/{provider}?state=…` (a signed state holding success, failure, expiry).
2. The consent page ("Sign in to GitHub as …") offers a few fake identities and a typed
   e-mail; choosing one signs that person in (the user with that e-mail, or a new verified
   one), choosing "Cancel" is the provider refusing.
3. It redirects (301) to `success?userId=…&secret=…` or to
   `failure?error={"message","type","code"}` as Appwrite does; the server exchanges the pair
   with `account.create_session(userId, secret)` within 60 seconds (Appwrite wraps the secret
   in a JWT that lives 60 s). The session's provider is the OAuth2 provider.

Redirect URLs are checked like Appwrite checks them against a project's platforms; the
emulator's platforms are the local hosts: `localhost`, `*.localhost`, `127.0.0.1`, `[::1]`
(and the `appwrite-callback-<projectId>` scheme of mobile apps).
"""

from __future__ import annotations

import hashlib
import hmac
import html
import json
import time
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import jwt
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from emulator.core import ids
from emulator.core.callers import require_scope
from emulator.core.errors import AppwriteError
from emulator.http import params as p
from emulator.http.request import state_of
from emulator.services.identity import models
from emulator.services.identity import store as identity
from emulator.services.identity.callers import caller
from emulator.services.identity.operations import create_user, emit, emit_user, issue_token
from emulator.services.identity.operations import save_user as _save_user
from emulator.services.identity.platforms import redirect_param, redirect_problem

# app/config/oAuthProviders.php (Appwrite 1.9.6): id → display name ("mock" ones included).
PROVIDERS = {
    "amazon": "Amazon",
    "apple": "Apple",
    "auth0": "Auth0",
    "authentik": "Authentik",
    "autodesk": "Autodesk",
    "bitbucket": "BitBucket",
    "bitly": "Bitly",
    "box": "Box",
    "dailymotion": "Dailymotion",
    "discord": "Discord",
    "disqus": "Disqus",
    "dropbox": "Dropbox",
    "etsy": "Etsy",
    "facebook": "Facebook",
    "figma": "Figma",
    "fusionauth": "FusionAuth",
    "github": "GitHub",
    "gitlab": "GitLab",
    "google": "Google",
    "keycloak": "Keycloak",
    "kick": "Kick",
    "linkedin": "LinkedIn",
    "microsoft": "Microsoft",
    "notion": "Notion",
    "oidc": "OpenID Connect",
    "okta": "Okta",
    "paypal": "PayPal",
    "paypalSandbox": "PayPal Sandbox",
    "podio": "Podio",
    "salesforce": "Salesforce",
    "slack": "Slack",
    "spotify": "Spotify",
    "stripe": "Stripe",
    "tradeshift": "Tradeshift",
    "tradeshiftBox": "Tradeshift Sandbox",
    "twitch": "Twitch",
    "wordpress": "WordPress",
    "x": "X",
    "yahoo": "Yahoo",
    "yammer": "Yammer",
    "yandex": "Yandex",
    "zoho": "Zoho",
    "zoom": "Zoom",
    "mock": "Mock",
    "mock-unverified": "MockUnverified",
}
FAKE_IDENTITIES = (
    ("Ada Lovelace", "ada@example.com"),
    ("Grace Hopper", "grace@example.com"),
    ("Alan Turing", "alan@example.com"),
)
STATE_SECONDS = 15 * 60  # how long the consent page stays usable
SECRET_SECONDS = 60  # Appwrite's JWT around an OAuth2 secret lives 60 s
CONSOLE_SUCCESS = "/console/auth/oauth2/success"
CONSOLE_FAILURE = "/console/auth/oauth2/failure"
NO_STORE = {"Cache-Control": "no-store, no-cache, must-revalidate, max-age=0", "Pragma": "no-cache"}


def _redirect(location: str) -> Response:
    """A 301 as Appwrite sends it (with a Content-Type: the SDKs read it on every answer)."""
    headers = dict(NO_STORE, Location=location)
    return Response(b"", 301, headers=headers, media_type="text/html; charset=UTF-8")


# ---------------------------------------------------------------- validators


def _provider(value):
    if value not in PROVIDERS:
        raise p.Invalid(f"Value must be one of ({', '.join(PROVIDERS)})")
    return value


# ---------------------------------------------------------------- signed state


def _state_key(request: Request) -> bytes:
    return hmac.new(state_of(request).secret.encode(), b"oauth2-state", hashlib.sha256).digest()


def _encode_state(request: Request, data: dict) -> str:
    claims = dict(data, exp=int(time.time()) + STATE_SECONDS, typ="oauth2-state")
    return jwt.encode(claims, _state_key(request), algorithm="HS256")


def _decode_state(request: Request, token: str) -> dict | None:
    try:
        claims = jwt.decode(token, _state_key(request), algorithms=["HS256"])
    except jwt.PyJWTError:
        return None
    return claims if claims.get("typ") == "oauth2-state" else None


# ---------------------------------------------------------------- step 1: the token route


async def create_oauth2_token(request: Request):
    who = caller(request)
    require_scope(who, "sessions.write")
    project_id = state_of(request).project_id
    provider = p.Params._check("provider", request.path_params["provider"], _provider)
    args = await p.params_of(request)
    success = args.optional("success", redirect_param(project_id), "")
    failure = args.optional("failure", redirect_param(project_id), "")
    scopes = args.optional(
        "scopes",
        p.array_of(p.text(4096), 100, "Value must be a valid string and no longer than 4096 chars"),
        [],
    )
    base = str(request.base_url).rstrip("/")
    state = _encode_state(
        request,
        {
            "provider": provider,
            "success": success or base + CONSOLE_SUCCESS,
            "failure": failure or base + CONSOLE_FAILURE,
            "scopes": scopes,
        },
    )
    location = f"{base}/emulator/oauth2/{provider}?{urlencode({'state': state})}"
    return _redirect(location)


# ---------------------------------------------------------------- step 2: the consent page

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in to {provider}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;color:#263238}}
button{{display:block;width:100%;margin:.4rem 0;padding:.6rem;font-size:1rem}}
input{{width:100%;padding:.5rem;font-size:1rem;box-sizing:border-box}}
small{{color:#607d8b}}</style></head>
<body><h1>Sign in to {provider}</h1>
<p>The Appwrite emulator stands in for {provider}. Choose who signs in; {provider} then sends
you back to <code>{success_host}</code>.</p>
<form method="post">
<input type="hidden" name="state" value="{state}">
{identities}
<p><label>Or as another e-mail address<br>
<input type="email" name="email" placeholder="someone@example.com"></label></p>
<button name="choice" value="email">Sign in with this e-mail</button>
<button name="choice" value="cancel">Cancel</button>
</form>
<p><small>Offline sign-in: nothing leaves this machine.</small></p>
</body></html>
"""


def _page(provider: str, state: str, success: str) -> str:
    identities = "\n".join(
        f'<button name="choice" value="identity:{i}">Sign in to {html.escape(PROVIDERS[provider])}'
        f" as {html.escape(name)} &lt;{html.escape(email)}&gt;</button>"
        for i, (name, email) in enumerate(FAKE_IDENTITIES)
    )
    return _PAGE.format(
        provider=html.escape(PROVIDERS[provider]),
        state=html.escape(state, quote=True),
        success_host=html.escape(urlsplit(success).netloc),
        identities=identities,
    )


def _error_page(status: int, title: str, message: str) -> HTMLResponse:
    body = (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
        f"</head><body><h1>{html.escape(title)}</h1><p>{html.escape(message)}</p></body></html>"
    )
    return HTMLResponse(body, status, headers=NO_STORE)


def _checked_state(request: Request, token: str) -> dict | None:
    """The state of a consent request, re-checked (signature, expiry, redirect hosts)."""
    claims = _decode_state(request, token)
    if claims is None or claims.get("provider") != request.path_params["provider"]:
        return None
    project_id = state_of(request).project_id
    if redirect_problem(claims["success"], project_id) or redirect_problem(
        claims["failure"], project_id
    ):
        return None
    return claims


async def consent_page(request: Request):
    claims = _checked_state(request, request.query_params.get("state", ""))
    if claims is None:
        return _error_page(400, "Sign-in link invalid", "This sign-in link is invalid or expired.")
    page = _page(claims["provider"], request.query_params["state"], claims["success"])
    return HTMLResponse(page, headers=NO_STORE)


def _with_query(url: str, extra: dict[str, str]) -> str:
    parts = urlsplit(url)
    query = urlencode([*parse_qsl(parts.query, keep_blank_values=True), *extra.items()])
    return urlunsplit(parts._replace(query=query))


def _fail(claims: dict, error: AppwriteError) -> Response:
    """Appwrite's failure redirect: the failure URL with `error` = the error as JSON."""
    payload = json.dumps(
        {"message": error.message, "type": error.type, "code": error.code}, separators=(",", ":")
    )
    return _redirect(_with_query(claims["failure"], {"error": payload}))


async def consent(request: Request):
    form = await request.form()
    token = str(form.get("state", ""))
    claims = _checked_state(request, token)
    if claims is None:
        return _error_page(400, "Sign-in link invalid", "This sign-in link is invalid or expired.")
    provider_name = PROVIDERS[claims["provider"]]
    choice = str(form.get("choice", ""))
    if (
        choice.startswith("identity:")
        and choice[9:].isdigit()
        and int(choice[9:]) < len(FAKE_IDENTITIES)
    ):
        name, email = FAKE_IDENTITIES[int(choice[9:])]
    elif choice == "email":
        email = str(form.get("email", "")).strip().lower()
        try:
            p.email(email)
        except p.Invalid:
            page = _page(claims["provider"], token, claims["success"])
            return HTMLResponse(
                page.replace("<form", "<p><b>Enter a valid e-mail.</b></p><form", 1), 400
            )
        name = email.split("@")[0]
    else:
        message = f"The {provider_name} OAuth2 provider returned an error: access_denied"
        return _fail(claims, AppwriteError("user_oauth2_provider_error", message))
    user = _user_for(request, email, name, claims["provider"])
    if not user.get("status", True):
        return _fail(claims, AppwriteError("user_blocked"))
    state = state_of(request)
    token_model, secret = issue_token(
        state,
        user,
        "session",
        SECRET_SECONDS,
        via="oauth2",
        extra={"provider": claims["provider"]},
    )
    emit(
        request,
        "users.[userId].tokens.[tokenId].create",
        {"userId": user["$id"], "tokenId": token_model["$id"]},
        dict(token_model, secret=""),
    )
    location = _with_query(claims["success"], {"secret": secret, "userId": user["$id"]})
    return _redirect(location)


def _user_for(request: Request, email: str, name: str, provider: str) -> dict:
    """The user the provider vouches for: by e-mail, else a new, verified one."""
    state = state_of(request)
    user = identity.find_user_by_email(state.db, email)
    if user is None:
        user = create_user(state, user_id=ids.unique_id(), email=email, name=name)
        user["emailVerification"] = True  # the provider verified the address
        user = _save_user(state, user)
        emit_user(request, "create", user, models.account)
    return user


# ---------------------------------------------------------------- the console's landing pages


async def console_success(request: Request):
    user_id = html.escape(request.query_params.get("userId", ""))
    return HTMLResponse(
        "<!doctype html><html><body><h1>Signed in</h1>"
        f"<p>OAuth2 sign-in finished for user <code>{user_id}</code>. Exchange the "
        "<code>userId</code> and <code>secret</code> of this URL with "
        "<code>account.create_session</code>.</p></body></html>",
        headers=NO_STORE,
    )


async def console_failure(request: Request):
    return _error_page(
        424, "Sign-in failed", request.query_params.get("error", "The sign-in was cancelled.")
    )


def routes() -> list[Route]:
    """The API route (under /v1)."""
    return [Route("/account/tokens/oauth2/{provider}", create_oauth2_token, methods=["GET"])]


def page_routes() -> list[Route]:
    """The pages a browser visits (outside /v1: no project header there)."""
    return [
        Route("/emulator/oauth2/{provider}", consent_page, methods=["GET"]),
        Route("/emulator/oauth2/{provider}", consent, methods=["POST"]),
        Route(CONSOLE_SUCCESS, console_success, methods=["GET"]),
        Route(CONSOLE_FAILURE, console_failure, methods=["GET"]),
    ]
