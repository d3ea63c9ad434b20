"""A cover's bytes, checked by their content — never by a file name or a content-type.

1. at most `MAX_COVER_BYTES` (5 MiB): else 413 `payload_too_large`;
2. the magic bytes of PNG, JPEG or WebP: else 415 `unsupported_image_type` (a GIF renamed
   `.png`, a text file, a PDF…);
3. at most `MAX_PIXELS` pixels: else 400 `image_too_large` (a 5 MiB PNG can hold a
   gigapixel picture, which would take gigabytes to decode or preview);
4. decodable, to the last pixel, by Pillow restricted to the format the magic bytes name:
   else 400 `invalid_image` (a truncated PNG, a JPEG cut short, a corrupt chunk). A PNG must
   end with its `IEND` chunk (nothing appended) and is verified chunk by chunk first (CRCs);
   a WebP's RIFF size must match the bytes.

Pillow is imported on the first cover only (other routes never load it).
"""

from __future__ import annotations

import io
import warnings

from ..shared import BadRequest, PayloadTooLarge, UnsupportedMediaType
from ..shared.records import Frozen, set_field

MAX_COVER_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 25_000_000  # 6000 × 4000 and more: any camera's picture; ≤ 100 MB decoded (RGBA)
ALLOWED = ("image/png", "image/jpeg", "image/webp")
_PILLOW_FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG", "image/webp": "WEBP"}
_PNG = b"\x89PNG\r\n\x1a\n"
_JPEG = b"\xff\xd8\xff"
_IEND = b"\x00\x00\x00\x00IEND\xaeB`\x82"  # the last chunk of every PNG, CRC included


class Image(Frozen):
    """A checked cover: its bytes, type and dimensions."""

    __slots__ = ("data", "height", "mime_type", "width")
    _hidden = ("data",)
    data: bytes
    mime_type: str
    width: int
    height: int

    def __init__(self, data: bytes, mime_type: str, width: int, height: int):
        set_field(self, "data", data)
        set_field(self, "mime_type", mime_type)
        set_field(self, "width", width)
        set_field(self, "height", height)

    @property
    def size(self) -> int:
        return len(self.data)


def sniff(data: bytes) -> str | None:
    """The cover type named by the first bytes, or None when they name none of them."""
    if data.startswith(_PNG):
        return "image/png"
    if data.startswith(_JPEG):
        return "image/jpeg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def parse_cover(data: bytes) -> Image:
    """The checked image, or the 4xx that says what is wrong with it (module doc)."""
    if len(data) > MAX_COVER_BYTES:
        raise PayloadTooLarge(
            f"The image is {len(data)} bytes; a cover is at most {MAX_COVER_BYTES} bytes (5 MiB).",
        )
    if not data:
        raise BadRequest(
            "The request body is empty; send the image's bytes (PNG, JPEG or WebP).",
            code="empty_body",
        )
    mime_type = sniff(data)
    if mime_type is None:
        raise UnsupportedMediaType(
            "A cover must be a PNG, JPEG or WebP image (its bytes are checked, not its name).",
            code="unsupported_image_type",
            details=[{"allowed": list(ALLOWED)}],
        )
    width, height = _decode(data, mime_type)
    return Image(data, mime_type, width, height)


def _invalid(mime_type: str, reason: str) -> BadRequest:
    kind = _PILLOW_FORMATS[mime_type]
    return BadRequest(
        f"The {kind} image cannot be decoded: it is truncated or corrupt.",
        code="invalid_image",
        details=[{"mimeType": mime_type, "reason": reason[:120]}],
    )


def _decode(data: bytes, mime_type: str) -> tuple[int, int]:
    """(width, height) once every pixel has been decoded; 400 otherwise."""
    from PIL import Image as Pillow

    if mime_type == "image/webp" and int.from_bytes(data[4:8], "little") + 8 > len(data):
        raise _invalid(mime_type, "the RIFF container is longer than the bytes sent")
    if mime_type == "image/png" and not data.endswith(_IEND):
        raise _invalid(mime_type, "the file does not end with the IEND chunk")
    formats = [_PILLOW_FORMATS[mime_type]]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Pillow.DecompressionBombWarning)
            with Pillow.open(io.BytesIO(data), formats=formats) as image:
                width, height = image.size
                if width * height > MAX_PIXELS:
                    raise _too_large(width, height)
                if mime_type == "image/png":
                    image.verify()  # every chunk's CRC, up to IEND
            with Pillow.open(io.BytesIO(data), formats=formats) as image:
                if mime_type == "image/jpeg":
                    image.draft(image.mode, (max(1, width // 8), max(1, height // 8)))
                image.load()  # every pixel (JPEG: at 1/8 scale, still every block)
    except BadRequest:
        raise
    except (Pillow.DecompressionBombError, Pillow.DecompressionBombWarning):
        raise _too_large() from None  # so large that Pillow refused it before saying how large
    except Exception as exc:  # Pillow reports corrupt data with many exception types
        raise _invalid(mime_type, str(exc) or type(exc).__name__) from None
    return width, height


def _too_large(width: int | None = None, height: int | None = None) -> BadRequest:
    sizes = {} if width is None else {"width": width, "height": height}
    return BadRequest(
        f"A cover has at most {MAX_PIXELS:,} pixels.",
        code="image_too_large",
        details=[{**sizes, "maxPixels": MAX_PIXELS}],
    )
