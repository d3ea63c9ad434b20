"""Response helpers with Appwrite's wire details.

JSON bodies are compact and UTF-8 (`application/json; charset=UTF-8`); a 204 carries
an empty body with a non-JSON content type, because the SDK reads `Content-Type`
unconditionally and would try to JSON-decode an empty body otherwise.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.responses import Response

JSON_TYPE = "application/json; charset=UTF-8"
NO_CONTENT_TYPE = "text/html; charset=UTF-8"

# One encoder for every answer (the same output as `json.dumps(data, ensure_ascii=False,
# separators=(",", ":"))`), without the check for self-containing lists and objects: an
# answer is built fresh from rows and models and never contains itself (if one did, the
# encoder's RecursionError would be answered as any unexpected error, a 500 — as the
# check's ValueError was). A 25-row list spends most of its encoding time in that check's
# bookkeeping otherwise.
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False)
# The same with `ensure_ascii=True`: CPython's escaping of pure-ASCII text is about twice as
# fast as its UTF-8 path (118 → 64 µs for a 25-row list here).
_ASCII_ENCODER = json.JSONEncoder(separators=(",", ":"), check_circular=False)


def json_body(data: Any) -> bytes:
    """`data` as Appwrite answers it: compact JSON, UTF-8, non-ASCII characters unescaped.

    Encoded first by the faster ASCII encoder, whose output is the same text unless it
    escaped a character as `\\uXXXX` (a non-ASCII character, DEL, a control character
    without a short escape) — or unless a string holds a backslash followed by `u`. Either
    way the text then contains `\\u`, and it is encoded again the UTF-8 way.
    """
    text = _ASCII_ENCODER.encode(data)
    if "\\u" in text:
        text = _ENCODER.encode(data)
    return text.encode("utf-8")


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(json_body(data), status_code=status, media_type=JSON_TYPE, headers=headers)


def json_text_response(text: str, status: int = 200) -> Response:
    """An answer whose JSON text is already written as `json_body` writes it."""
    return Response(text.encode("utf-8"), status_code=status, media_type=JSON_TYPE)


def no_content(headers: dict[str, str] | None = None) -> Response:
    return Response(b"", status_code=204, media_type=NO_CONTENT_TYPE, headers=headers)
