"""Appwrite ids: custom ids and keys (`ID.custom`), server-made ids (`ID.unique()`).

Appwrite's rule for a custom id or key: at most 36 chars of a-z, A-Z, 0-9, period,
hyphen and underscore, not starting with a special char.
"""

from __future__ import annotations

import re
import secrets
import time
from typing import Any

ID_PATTERN = re.compile(r"(?![._-])[A-Za-z0-9._-]{1,36}")
ID_RULE = (
    "at most 36 chars of a-z, A-Z, 0-9, period, hyphen and underscore, "
    "not starting with a special char"
)


def is_valid_id(value: Any) -> bool:
    """True if `value` is a valid Appwrite custom id or key."""
    return isinstance(value, str) and ID_PATTERN.fullmatch(value) is not None


def unique_id() -> str:
    """A server-made id like Appwrite's `ID::unique()`: 13 hex of time (uniqid) + 7 random hex."""
    now = time.time()
    seconds = int(now)
    micros = int((now - seconds) * 1_000_000)
    return f"{seconds:08x}{micros:05x}" + secrets.token_hex(4)[:7]
