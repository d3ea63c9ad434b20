"""Provision profile (event `users.*.create`): the profile of a user made any other way.

Stub: answers `GET /health`; its event gets an honest 501 `not_implemented`.
"""

from ..shared import App, NotImplementedYet

app = App("provision-profile", timeout=15)


@app.on_event("users.*.create")
def on_event(req):
    raise NotImplementedYet("Profile provisioning is not implemented yet.")


def main(context):
    return app.handle(context)
