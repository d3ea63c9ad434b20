"""How an API write fires its events: `publish(request, pattern, params, payload, caller)`.

Called by every write route after the write succeeded. Without a functions service
attached to the emulator (an API-only server), it does nothing.
"""

from __future__ import annotations

from typing import Any


def publish(
    state: Any, pattern: str, params: dict[str, str], payload: dict[str, Any], caller: Any
) -> None:
    functions = getattr(state, "extensions", {}).get("functions")
    if functions is not None:
        functions.publish(pattern, params, payload, caller)
