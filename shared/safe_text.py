"""What text may contain, by kind, and how names and e-mail addresses are normalised.

Used as JSON Schema formats (`shared.validation` registers them), so every problem is a
400 `validation_failed` with its JSON pointer, before anything is written:

- `email` (e-mail addresses): printable ASCII `local@domain.tld` only;
- `name` (people's names, display names): no control characters (`Cc`: NUL, newline, the
  ESC of ANSI codes…), no format characters (`Cf`: zero-width, bidi marks, BOM), no
  surrogates, private-use characters, line or paragraph separators;
- `single-line` (titles, tags): no control characters, surrogates, line/paragraph
  separators, bidi embeddings/overrides/isolates (`U+202A–202E`, `U+2066–2069`);
- `text` (bodies, summaries, bios): no control characters other than tab, newline and
  carriage return; no surrogates.

Names are stricter than titles because they identify people: an invisible character makes
a look-alike account. (Zero-width joiners are refused in names for the same reason; titles
and bodies keep them, emoji sequences need them.) Lone surrogates are refused everywhere:
no Appwrite store can hold them (`shared.request` already refuses them in any JSON body).

    normalize_email("  Bob@Newsroom.Test ")  → "bob@newsroom.test"  (as Appwrite stores it)
    normalize_name("Ann \\u00a0 Lee")          → "Ann Lee"  (NFC, whitespace runs → one space)
"""

from __future__ import annotations

import unicodedata

from .patterns import LazyPattern, lazy

EMAIL_MAX = 254
EMAIL_LOCAL_MAX = 64
_EMAIL = lazy(
    r"(?P<local>[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*)"
    r"@(?P<domain>[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.[A-Za-z]{2,63})"
)

_NAME_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Zl", "Zp"})
# Bodies run to 2 MB: their rules are regular expressions, not a loop over characters.
# Cc is U+0000–001F and U+007F–009F, Cs U+D800–DFFF, Zl U+2028, Zp U+2029.
_LINE_REFUSED = lazy("[\x00-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_TEXT_REFUSED = lazy("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def _describe(char: str) -> str:
    name = unicodedata.name(char, "") if unicodedata.category(char) != "Cs" else "SURROGATE"
    return f"U+{ord(char):04X}" + (f" {name}" if name else "")


_KINDS = {
    "Cc": "a control character",
    "Cf": "an invisible formatting character",
    "Cs": "a lone surrogate",
    "Co": "a private-use character",
    "Zl": "a line separator",
    "Zp": "a paragraph separator",
}


def _refusal(char: str, position: int) -> str:
    """A reason that names the character by code point, never by showing it."""
    kind = _KINDS.get(unicodedata.category(char), "a character that is not allowed here")
    return f"contains {kind} ({_describe(char)}) at position {position}"


def name_problem(text: str) -> str | None:
    if text and not text.strip():  # (an empty name is left to `minLength`)
        return "is empty or only whitespace"
    for position, char in enumerate(text):
        if unicodedata.category(char) in _NAME_CATEGORIES:
            return _refusal(char, position)
    return None


def _search(pattern: LazyPattern, text: str) -> str | None:
    found = pattern.search(text)
    return None if found is None else _refusal(found.group(), found.start())


def single_line_problem(text: str) -> str | None:
    return _search(_LINE_REFUSED, text)


def text_problem(text: str) -> str | None:
    return _search(_TEXT_REFUSED, text)


def email_problem(text: str) -> str | None:
    if len(text) > EMAIL_MAX:
        return f"is longer than {EMAIL_MAX} characters"
    if not text.isascii():
        return "contains characters that are not ASCII"
    for position, char in enumerate(text):
        if char.isspace() or not char.isprintable():
            kind = "whitespace" if char.isspace() else "a control character"
            return f"contains {kind} ({_describe(char)}) at position {position}"
    match = _EMAIL.fullmatch(text)
    if match is None:
        return "is not of the form name@domain.tld"
    if len(match.group("local")) > EMAIL_LOCAL_MAX:
        return f"has a part before @ longer than {EMAIL_LOCAL_MAX} characters"
    return None


def _checker(problem):
    def check(value: object) -> bool:
        """A JSON Schema format check: non-strings pass; a problem raises ValueError."""
        if not isinstance(value, str):
            return True
        reason = problem(value)
        if reason:
            raise ValueError(reason)
        return True

    return check


FORMATS = {
    "email": _checker(email_problem),
    "name": _checker(name_problem),
    "single-line": _checker(single_line_problem),
    "text": _checker(text_problem),
}


def normalize_email(text: str) -> str:
    """Outer spaces trimmed, lower-cased (as Appwrite stores it), so look-alikes collide."""
    return text.strip(" ").lower()


def normalize_name(text: str) -> str:
    """NFC, runs of whitespace as one space, no outer spaces."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def clean_name(text: str) -> str:
    """A name from elsewhere (not validated by us) made safe to show: refused characters
    dropped, then normalised. Never raises."""
    kept = "".join(
        c for c in text if unicodedata.category(c) not in _NAME_CATEGORIES or c in (" ", "\t", "\n")
    )
    return normalize_name(kept)
