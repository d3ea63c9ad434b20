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


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return Response(body, status_code=status, media_type=JSON_TYPE, headers=headers)


def no_content(headers: dict[str, str] | None = None) -> Response:
    return Response(b"", status_code=204, media_type=NO_CONTENT_TYPE, headers=headers)
