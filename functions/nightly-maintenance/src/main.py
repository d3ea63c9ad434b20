"""Nightly maintenance (cron, 03:00 UTC): purges, clean-up and `daily_stats`.

Stub: answers `GET /health`; its scheduled run gets an honest 501 `not_implemented`.
"""

from ..shared import App, NotImplementedYet

app = App("nightly-maintenance", timeout=300)


@app.on_schedule
def on_schedule(req):
    raise NotImplementedYet("Nightly maintenance is not implemented yet.")


def main(context):
    return app.handle(context)
