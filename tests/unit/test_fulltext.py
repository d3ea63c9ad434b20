"""MariaDB boolean-mode full text as Appwrite sends it (emulator.core.fulltext)."""

from __future__ import annotations

import pytest

from emulator.core import fulltext

USER = "u1a2b3 cristiano.ronaldo@manchester-united.co.uk +351912345678 Cristiano Ronaldo"


@pytest.mark.parametrize(
    ("term", "hit"),
    [
        ("Ronaldo", True),
        ("ronal", True),  # the last word is a prefix
        ("ronal cristiano", True),  # any word suffices
        ("ronal xyz", False),  # … but only the last word is a prefix
        ("cristiano.ronaldo@manchester-united.co.uk", True),
        ("co", False),  # the prefix `co` finds no indexed word (co, uk are too short)
        ("uk", False),
        ("co.uk manchester", True),  # `co`, `uk` dropped; manchester is indexed
        ("the of manchester", True),
        ("the of", False),  # a stopword as prefix finds no indexed word starting with "of"
        ('"cristiano.ronaldo@manchester-united.co.uk"', True),
        ('"ronaldo cristiano"', False),  # a phrase keeps its order
        ('"Cristiano Ronaldo"', True),
        (">", False),
        ('"', False),
        ("", False),
    ],
)
def test_matches(term, hit):
    assert fulltext.matches(USER, term) is hit


def test_terms():
    assert fulltext.terms("a@b.com") == fulltext.Terms(words=(), prefix="com")
    assert fulltext.terms("users.service.x@updated.com") == fulltext.Terms(
        words=("users", "service", "updated"), prefix="com"
    )
    assert fulltext.terms('"x y"') == fulltext.Terms(phrase=("x", "y"))
    assert fulltext.terms("word.") == fulltext.Terms(words=("word",))
