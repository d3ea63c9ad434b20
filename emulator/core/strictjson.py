"""JSON from callers, decoded as strictly as Appwrite's PHP decoder does.

Python's `json.loads` accepts a lone UTF-16 surrogate escape (`"\\ud800"`) and returns a
string that cannot be encoded as UTF-8: stored in SQLite or sent back in a response, it
fails with a 500. PHP's `json_decode` refuses such text ("Single unpaired UTF-16 surrogate
in unicode escape"), and so does `loads` here. NaN and Infinity (not JSON either) are
refused too, unless the caller's own checks refuse non-finite values with a better message
(`constants=True`: queries, row data, operators).

    data = strictjson.loads(raw)      # raises strictjson.InvalidJSON (a ValueError)
"""

from __future__ import annotations

import json
import re
from typing import Any

# PHP's json_last_error_msg() texts for the two errors the emulator names.
LONE_SURROGATE = "Single unpaired UTF-16 surrogate in unicode escape"
SYNTAX_ERROR = "Syntax error"

# A surrogate escape (\ud800–\udfff) anywhere in the text: only then is the result walked.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_SURROGATE_ESCAPE_BYTES = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


class InvalidJSON(ValueError):
    """Text that PHP's json_decode would refuse; the message is PHP's."""


def _reject_constant(name: str):
    raise InvalidJSON(SYNTAX_ERROR)


def loads(text: str | bytes, *, constants: bool = False) -> Any:
    """`json.loads`, refusing strings with a lone surrogate, and NaN/Infinity unless
    `constants` (where a later check refuses non-finite values with its own message)."""
    try:
        data = json.loads(text, parse_constant=None if constants else _reject_constant)
    except InvalidJSON:
        raise
    except (ValueError, UnicodeDecodeError, TypeError):
        raise InvalidJSON(SYNTAX_ERROR) from None
    pattern = _SURROGATE_ESCAPE_BYTES if isinstance(text, bytes) else _SURROGATE_ESCAPE
    if pattern.search(text) and has_lone_surrogate(data):
        raise InvalidJSON(LONE_SURROGATE)
    return data


def has_lone_surrogate(value: Any) -> bool:
    """True if any string in `value` (keys included) holds an unpaired surrogate."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if not _encodable(item):
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
