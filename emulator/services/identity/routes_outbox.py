"""The emulator's outbox (`GET /v1/emulator/messages`, API key only): the e-mails Appwrite
would have sent — team invitations and e-mail verifications — with their links and secrets.
Not an Appwrite endpoint; tests and local tools read invitation/verification secrets here."""

from __future__ import annotations

from starlette.requests import Request
from starlette.routing import Route

from emulator.core.errors import AppwriteError
from emulator.http.request import state_of
from emulator.http.responses import json_response
from emulator.services.identity import store as identity
from emulator.services.identity.callers import caller


async def list_messages(request: Request):
    who = caller(request)
    if not who.is_privileged or who.scopes is not None:  # the admin key only
        raise AppwriteError(
            "general_unauthorized_scope",
            f"{who.actor} (role: {who.role_label}) cannot read the outbox",
        )
    messages = identity.messages(state_of(request).db)
    return json_response({"total": len(messages), "messages": messages})


def routes() -> list[Route]:
    return [Route("/emulator/messages", list_messages, methods=["GET"])]
