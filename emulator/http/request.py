"""What a route reads off the request besides its parameters: the emulator's state."""

from __future__ import annotations

from starlette.requests import Request

from emulator.core.state import EmulatorState


def state_of(request: Request) -> EmulatorState:
    return request.app.state.emulator
