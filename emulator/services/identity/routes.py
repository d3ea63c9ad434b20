"""Every route of Users, Teams and Account (and the emulator's outbox of their mails)."""

from __future__ import annotations

from starlette.routing import Route

from emulator.services.identity import (
    routes_account,
    routes_account_tokens,
    routes_oauth2,
    routes_outbox,
    routes_teams,
    routes_users,
)


def page_routes() -> list[Route]:
    """Pages a browser visits outside /v1 (the OAuth2 consent page)."""
    return routes_oauth2.page_routes()


def routes() -> list[Route]:
    return (
        routes_users.routes()
        + routes_teams.routes()
        + routes_account.routes()
        + routes_account_tokens.routes()
        + routes_oauth2.routes()
        + routes_outbox.routes()
    )
