"""Full-text search the way Appwrite runs it on MariaDB: `MATCH … AGAINST (… IN BOOLEAN MODE)`.

Appwrite turns a search term into a boolean-mode query (utopia-php/database
`SQL::getFulltextValue`): the characters `@ + - * ( ) < > ~ "` become spaces, and then
either the whole term was quoted — an exact phrase — or a `*` is appended, which makes the
*last* word a prefix. The other words are plain optional words: a row matches when any
word matches (no `+`). InnoDB's index holds words of at least 3 characters
(`innodb_ft_min_token_size`) that are not in its default stopword list; a plain query word
shorter than that, or a stopword, matches nothing, while the prefix word is kept whatever
its length (MySQL: "a word with the truncation operator is not stripped"). A phrase is
matched word by word against the text's words in order.

`matches(text, term)` applies these rules to a text in memory (the lists of users, teams,
memberships, databases, tables, buckets, files); `terms(term)` gives the rows' FTS5 search
the same query words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MIN_TOKEN = 3  # innodb_ft_min_token_size
# INFORMATION_SCHEMA.INNODB_FT_DEFAULT_STOPWORD (MariaDB/MySQL InnoDB defaults)
STOPWORDS = frozenset(
    [
        "a",
        "about",
        "an",
        "are",
        "as",
        "at",
        "be",
        "by",
        "com",
        "de",
        "en",
        "for",
        "from",
        "how",
        "i",
        "in",
        "is",
        "it",
        "la",
        "of",
        "on",
        "or",
        "that",
        "the",
        "this",
        "to",
        "was",
        "what",
        "when",
        "where",
        "who",
        "will",
        "with",
        "und",
        "www",
    ]
)
_RESERVED = re.compile(r'[@+\-*()<>~"]')
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Terms:
    """A search term as MariaDB reads it: plain words, the prefix word, or a phrase."""

    words: tuple[str, ...] = ()  # whole-word matches (already stripped of short/stop words)
    prefix: str = ""  # the last word, matched as a prefix
    phrase: tuple[str, ...] = ()  # an exact phrase, word by word

    @property
    def empty(self) -> bool:
        return not (self.words or self.prefix or self.phrase)


def indexed(word: str) -> bool:
    """Whether InnoDB keeps `word` (lower case) in a fulltext index."""
    return len(word) >= MIN_TOKEN and word not in STOPWORDS


def terms(term: str) -> Terms:
    """The words of a search term after Appwrite's escaping, as the boolean parser sees them."""
    exact = len(term) >= 1 and term.startswith('"') and term.endswith('"')
    cleaned = " ".join(_RESERVED.sub(" ", term).split())
    words = [w.lower() for w in _WORD.findall(cleaned)]
    if not words:
        return Terms()
    if exact:
        return Terms(phrase=tuple(words))
    last = cleaned[-1]
    # `*` is appended to the cleaned term: it truncates the last word only when the term
    # ends with a word character (`foo.` + `*` leaves `foo` a whole word)
    if _WORD.fullmatch(last):
        *plain, prefix = words
    else:
        plain, prefix = words, ""
    return Terms(words=tuple(w for w in plain if indexed(w)), prefix=prefix)


def matches(text: str, term: str) -> bool:
    """Whether `MATCH(text) AGAINST(<term as Appwrite sends it> IN BOOLEAN MODE)` is true."""
    wanted = terms(term)
    if wanted.empty:
        return False
    found = [w.lower() for w in _WORD.findall(text)]
    if wanted.phrase:
        size = len(wanted.phrase)
        return any(
            tuple(found[i : i + size]) == wanted.phrase for i in range(len(found) - size + 1)
        )
    present = {w for w in found if indexed(w)}
    if any(word in present for word in wanted.words):
        return True
    return bool(wanted.prefix) and any(word.startswith(wanted.prefix) for word in present)
