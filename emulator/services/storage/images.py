"""What a file is (its MIME type, by content) and its image previews, with Pillow.

Appwrite reads the MIME type from the bytes (libmagic), never from the name or the client's
header: `sniff_mime` does the same for the formats a web app meets (images through Pillow,
a table of signatures, JSON/HTML/XML/plain text); anything else is
`application/octet-stream`. Previews follow utopia-php/image: one of width/height scales
keeping the aspect ratio, both crop to fill ("cover"), then opacity, background, border,
border radius and rotation, and the output format (default: the file's extension, else
jpg). A file that is not an image (or is larger than 20 MB) previews as Appwrite's
placeholder: a 1200×800 PNG on #eceff1. Pillow is imported on first use only.
"""

from __future__ import annotations

import io
import json

PREVIEW_INPUTS = {  # app/config/storage/inputs.php
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "heic": "image/heic",
    "webp": "image/webp",
    "gif": "image/gif",
}
PREVIEW_OUTPUTS = {  # app/config/storage/outputs.php
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
    "heic": "image/heic",
    "avif": "image/avif",
    "gif": "image/gif",
}
GRAVITIES = (
    "center",
    "top-left",
    "top",
    "top-right",
    "left",
    "right",
    "bottom-left",
    "bottom",
    "bottom-right",
)
PREVIEW_LIMIT = 20_000_000  # APP_STORAGE_READ_BUFFER: larger images preview as a placeholder
PLACEHOLDER_SIZE = (1200, 800)
PLACEHOLDER_BACKGROUND = "eceff1"

_SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"PK\x03\x04", "application/zip"),
    (b"\x1f\x8b", "application/gzip"),
    (b"7z\xbc\xaf\x27\x1c", "application/x-7z-compressed"),
    (b"ID3", "audio/mpeg"),
    (b"OggS", "audio/ogg"),
    (b"fLaC", "audio/flac"),
    (b"\x1aE\xdf\xa3", "video/webm"),
)


class NotAnImage(ValueError):
    """The bytes are not an image Pillow can read (Appwrite: storage_file_type_unsupported)."""


def sniff_mime(head: bytes) -> str:
    """The MIME type of a file from its first bytes (pass at least the first 64 KiB)."""
    if not head:
        return "application/x-empty"
    image = _image_mime(head)
    if image:
        return image
    for signature, mime in _SIGNATURES:
        if head.startswith(signature):
            return mime
    if head[4:8] == b"ftyp":
        return "image/heic" if head[8:12] in (b"heic", b"heix", b"mif1") else "video/mp4"
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return "audio/x-wav"
    return _text_mime(head)


def _image_mime(head: bytes) -> str | None:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(head)) as image:
            return Image.MIME.get(image.format or "")
    except (UnidentifiedImageError, OSError, ValueError):
        return None


def _text_mime(head: bytes) -> str:
    if b"\x00" in head:
        return "application/octet-stream"
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not just a character cut at the end of the sample
            return "application/octet-stream"
        text = head[: exc.start].decode("utf-8")
    stripped = text.lstrip().lower()
    if stripped.startswith(("<!doctype html", "<html")):
        return "text/html"
    if stripped.startswith("<?xml"):
        return "text/xml"
    if stripped[:1] in ("{", "["):
        try:
            json.loads(text)
            return "application/json"
        except ValueError:
            pass
    return "text/plain"


def placeholder() -> bytes:
    """Appwrite's preview of a file that is not an image: a 1200×800 PNG."""
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", PLACEHOLDER_SIZE, (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    width, height = PLACEHOLDER_SIZE
    # a plain document sheet in the middle, as a file-type icon
    draw.rounded_rectangle(
        (width * 0.42, height * 0.3, width * 0.58, height * 0.7), radius=12, fill=(176, 190, 197)
    )
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def render(
    source: bytes,
    *,
    output: str,
    width: int = 0,
    height: int = 0,
    gravity: str = "center",
    quality: int = -1,
    border_width: int = 0,
    border_color: str = "",
    border_radius: int = 0,
    opacity: float = 1.0,
    rotation: int = 0,
    background: str = "",
) -> bytes:
    """The transformed image as `output` bytes; NotAnImage if Pillow cannot read `source`."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        image = Image.open(io.BytesIO(source))
        image.load()
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise NotAnImage(str(exc)) from None
    image = ImageOps.exif_transpose(image)
    if width or height or gravity != "center":
        image = _crop(image, width, height, gravity)
    if opacity != 1.0:
        image = image.convert("RGBA")
        alpha = image.getchannel("A").point(lambda a: int(a * opacity))
        image.putalpha(alpha)
    if background:
        image = image.convert("RGBA")
        canvas = Image.new("RGBA", image.size, "#" + background)
        canvas.alpha_composite(image)
        image = canvas
    if border_width > 0 and not border_radius:
        image = ImageOps.expand(image, border=border_width, fill="#" + (border_color or "000000"))
    if border_radius > 0:
        image = _round_corners(image, border_radius)
    if rotation % 360:
        image = image.convert("RGBA").rotate(-rotation, expand=True)
    return _encode(image, output, quality)


def _crop(image, width: int, height: int, gravity: str):
    from PIL import ImageOps

    aspect = image.width / image.height
    if not width and not height:
        width, height = image.width, image.height
    elif not width:
        width = max(1, int(height * aspect))
    elif not height:
        height = max(1, int(width / aspect))
    horizontal = 0.0 if "left" in gravity else 1.0 if "right" in gravity else 0.5
    vertical = 0.0 if gravity.startswith("top") else 1.0 if gravity.startswith("bottom") else 0.5
    return ImageOps.fit(image, (width, height), centering=(horizontal, vertical))


def _round_corners(image, radius: int):
    from PIL import Image, ImageDraw

    image = image.convert("RGBA")
    mask = Image.new("L", image.size, 0)
    ImageDraw.Draw(mask).rounded_rectangle((0, 0, *image.size), radius=radius, fill=255)
    image.putalpha(Image.composite(image.getchannel("A"), mask, mask))
    return image


def _encode(image, output: str, quality: int) -> bytes:
    out = io.BytesIO()
    options: dict = {}
    if output in ("jpg", "jpeg"):
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        fmt = "JPEG"
        if quality >= 0:
            options["quality"] = max(quality, 1)
    elif output == "png":
        fmt = "PNG"
        if quality >= 0:  # utopia-php/image: 0–100 mapped to zlib level 9–0
            options["compress_level"] = 9 - round(quality / 100 * 9)
    elif output == "webp":
        fmt = "WEBP"
        if quality >= 0:
            options["quality"] = quality
    elif output == "gif":
        fmt = "GIF"
    elif output == "avif":
        fmt = "AVIF"
        if quality >= 0:
            options["quality"] = quality
    else:  # heic: Pillow writes no HEIC
        raise NotAnImage(f"the emulator cannot write {output} previews (Pillow has no encoder)")
    try:
        image.save(out, fmt, **options)
    except (KeyError, OSError, ValueError) as exc:
        raise NotAnImage(str(exc)) from None
    return out.getvalue()
