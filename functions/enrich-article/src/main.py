"""Enrich article (event on article row creation): slug, word count, reading time, summary.

Stub: answers `GET /health`; its event gets an honest 501 `not_implemented`.
"""

from ..shared import App, NotImplementedYet

app = App("enrich-article", timeout=30)


@app.on_event("databases.newsroom.tables.articles.rows.*.create")
def on_event(req):
    raise NotImplementedYet("Article enrichment is not implemented yet.")


def main(context):
    return app.handle(context)
