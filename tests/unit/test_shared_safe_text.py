"""safe_text.py: what names, e-mails, titles and bodies may hold, and normalisation."""

import pytest

from shared.safe_text import (
    clean_name,
    email_problem,
    name_problem,
    normalize_email,
    normalize_name,
    single_line_problem,
    text_problem,
)


@pytest.mark.parametrize(
    "email",
    ["ann@example.com", "a.b+tag@sub.example.co", "x_y-z@a-b.io", "o'neil@example.org"],
)
def test_good_emails(email):
    assert email_problem(email) is None


@pytest.mark.parametrize(
    "email, reason",
    [
        ("bob@newsroom.test\n", "whitespace (U+000A)"),
        ("bob @newsroom.test", "whitespace (U+0020 SPACE)"),
        ("b\u200bob@newsroom.test", "not ASCII"),
        ("ｂob@newsroom.test", "not ASCII"),
        ("bob\x00@newsroom.test", "control character (U+0000)"),
        ("\x1b[31mbob@newsroom.test", "control character (U+001B)"),
        ("a@b", "name@domain.tld"),
        ("a..b@example.com", "name@domain.tld"),
        ("@example.com", "name@domain.tld"),
        ("a@-example.com", "name@domain.tld"),
        ("a" * 65 + "@example.com", "longer than 64"),
        ("a@" + "b" * 250 + ".com", "longer than 254"),
    ],
)
def test_bad_emails_say_why_without_showing_the_character(email, reason):
    problem = email_problem(email)
    assert problem is not None and reason in problem


@pytest.mark.parametrize("name", ["Ann Lee", "José Ñúñez", "李小龍", "Zoë-Anne O'Brien", "A"])
def test_good_names(name):
    assert name_problem(name) is None


@pytest.mark.parametrize(
    "name, kind",
    [
        ("Bob\n", "control character (U+000A)"),
        ("Bo\u200bb", "invisible formatting character (U+200B ZERO WIDTH SPACE)"),
        ("Bo\u200db", "U+200D"),
        ("\u202eboB", "U+202E"),
        ("\ufeffBob", "U+FEFF"),
        ("Bob\x00", "U+0000"),
        ("Bob\ud800", "lone surrogate (U+D800"),
        ("Bob\ue000", "private-use character"),
        ("Bob\u2028", "line separator"),
        ("   ", "only whitespace"),
    ],
)
def test_bad_names(name, kind):
    problem = name_problem(name)
    assert problem is not None and kind in problem


def test_titles_keep_emoji_joiners_but_not_overrides_or_newlines():
    assert single_line_problem("Family 👨\u200d👩\u200d👧 day") is None
    assert "U+202E" in single_line_problem("evil\u202etxt.exe")
    assert "U+000A" in single_line_problem("two\nlines")


def test_bodies_keep_tabs_and_newlines_only():
    assert text_problem("para one\n\n\tpara two\r\n") is None
    assert "U+001B" in text_problem("red \x1b[31m text")
    assert "U+0007" in text_problem("bell \x07")
    assert text_problem("x" * 2_000_000) is None  # fast enough for 2 MB bodies


def test_normalisation():
    assert normalize_email("  Bob@Newsroom.Test ") == "bob@newsroom.test"
    assert normalize_name("  Ann \u00a0  Lee ") == "Ann Lee"
    assert normalize_name("Ame\u0301lie") == "Am\u00e9lie"
    assert clean_name("A\u200bnn\x1b\u202e Lee\ud800") == "Ann Lee"
