"""Articles (HTTP): create, list, search, get, update, publish/schedule/archive, delete.

Stub: answers `GET /health`; every other path is a 404 until the routes land.
"""

from ..shared import App

app = App("articles", timeout=15)


def main(context):
    return app.handle(context)
