"""Accounts (HTTP): sign-up and admin user management.

Stub: answers `GET /health`; every other path is a 404 until the routes land.
"""

from ..shared import App

app = App("accounts", timeout=15)


def main(context):
    return app.handle(context)
