"""Text derived from an article, as pure functions: slug, word count, reading time, summary.

slugify("Héllo, World!")          → "hello-world"
free_slug("hello", {"hello"})     → "hello-2"
word_count("One two, three.")     → 3
reading_minutes(401)              → 3          (200 words a minute, rounded up, at least 1)
summarize(long_body)              → the first ~200 characters, cut at a word boundary, + "…"
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Collection, Iterator

from .patterns import lazy

MAX_SLUG = 200
WORDS_PER_MINUTE = 200
SUMMARY_CHARS = 200
ELLIPSIS = "…"

# Latin letters that NFKD does not decompose into ASCII.
_FOLD = str.maketrans(
    {"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "đ": "d", "ð": "d", "ł": "l", "þ": "th", "ı": "i"}
)
_NOT_SLUG = lazy(r"[^a-z0-9]+")
_LETTER_OR_DIGIT = lazy(r"[^\W_]")
_SPACE = lazy(r"\s+")


def slugify(text: str, *, max_length: int = MAX_SLUG) -> str:
    """Lowercase ASCII words joined by hyphens; accents are folded (`é` → `e`, `ß` → `ss`), other
    characters dropped. Cut at a hyphen to at most `max_length`. May be empty."""
    folded = unicodedata.normalize("NFKD", text.lower().translate(_FOLD))
    slug = _NOT_SLUG.sub("-", folded.encode("ascii", "ignore").decode("ascii")).strip("-")
    if len(slug) <= max_length:
        return slug
    cut = slug[: max_length + 1]
    cut = cut[: cut.rfind("-")] if "-" in cut else cut[:max_length]
    return cut.strip("-")


def slug_candidates(base: str) -> Iterator[str]:
    """`base`, `base-2`, `base-3`, … without end."""
    yield base
    n = 2
    while True:
        yield f"{base}-{n}"
        n += 1


def free_slug(base: str, taken: Collection[str]) -> str:
    """The first of `slug_candidates(base)` that is not in `taken`."""
    return next(slug for slug in slug_candidates(base) if slug not in taken)


def word_count(text: str) -> int:
    """Whitespace-separated tokens that contain a letter or digit (`—` alone is no word)."""
    return sum(1 for token in text.split() if _LETTER_OR_DIGIT.search(token))


def reading_minutes(words: int, *, per_minute: int = WORDS_PER_MINUTE) -> int:
    """Minutes to read `words` words, rounded up; at least 1."""
    if words < 0:
        raise ValueError("words must not be negative")
    return max(1, math.ceil(words / per_minute))


def summarize(text: str, *, max_chars: int = SUMMARY_CHARS) -> str:
    """`text` with whitespace collapsed; if longer than `max_chars`, cut at the last word
    boundary that fits, trailing punctuation dropped, and `…` appended."""
    flat = _SPACE.sub(" ", text).strip()
    if len(flat) <= max_chars:
        return flat
    room = max_chars - len(ELLIPSIS)
    cut = flat[: room + 1]
    space = cut.rfind(" ")
    cut = cut[:space] if space > 0 else flat[:room]
    return cut.rstrip(" ,;:.-–—") + ELLIPSIS
