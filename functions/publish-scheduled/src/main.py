"""Publish scheduled (cron, every 5 minutes): publishes due scheduled articles.

Stub: answers `GET /health`; its scheduled run gets an honest 501 `not_implemented`.
"""

from ..shared import App, NotImplementedYet

app = App("publish-scheduled", timeout=60)


@app.on_schedule
def on_schedule(req):
    raise NotImplementedYet("Publishing scheduled articles is not implemented yet.")


def main(context):
    return app.handle(context)
