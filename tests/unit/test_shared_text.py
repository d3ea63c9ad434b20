"""text.py: slug, word count, reading time and summary of an article."""

import pytest

from shared.text import free_slug, reading_minutes, slug_candidates, slugify, summarize, word_count


@pytest.mark.parametrize(
    "title, slug",
    [
        ("Hello World", "hello-world"),
        ("  Héllo, Wörld!  ", "hello-world"),
        ("C++ & Python: 3.12 tips", "c-python-3-12-tips"),
        ("---already--slugged---", "already-slugged"),
        ("Ünïcödé Straße", "unicode-strasse"),
        ("日本語のタイトル", ""),
        ("emoji 🎉 party", "emoji-party"),
        ("snake_case_words", "snake-case-words"),
        ("Ærøskøbing Łódź", "aeroskobing-lodz"),
    ],
)
def test_slugify(title, slug):
    assert slugify(title) == slug


def test_slugify_cuts_long_titles_at_a_hyphen():
    title = " ".join(["word"] * 100)  # 499 characters
    slug = slugify(title, max_length=22)
    assert slug == "word-word-word-word"
    assert len(slugify(title)) <= 200 and not slugify(title).endswith("-")
    assert slugify("a" * 300, max_length=10) == "a" * 10  # no hyphen to cut at


def test_slug_candidates_and_free_slug():
    candidates = slug_candidates("post")
    assert [next(candidates) for _ in range(4)] == ["post", "post-2", "post-3", "post-4"]
    assert free_slug("post", set()) == "post"
    assert free_slug("post", {"post"}) == "post-2"
    assert free_slug("post", {"post", "post-2", "post-4"}) == "post-3"
    assert free_slug("post", {"post-2"}) == "post"


@pytest.mark.parametrize(
    "text, words",
    [
        ("", 0),
        ("   \n\t ", 0),
        ("One two, three.", 3),
        ("don't stop — well-known words", 4),  # the dash alone is not a word
        ("line\nbreaks\tand  spaces", 4),
        ("___ ... 42", 1),
        ("café naïve 東京", 3),
    ],
)
def test_word_count(text, words):
    assert word_count(text) == words


@pytest.mark.parametrize(
    "words, minutes", [(0, 1), (1, 1), (200, 1), (201, 2), (400, 2), (401, 3), (10_000, 50)]
)
def test_reading_minutes(words, minutes):
    assert reading_minutes(words) == minutes


def test_reading_minutes_rejects_negative():
    with pytest.raises(ValueError):
        reading_minutes(-1)


def test_summary_of_short_text_is_the_text_with_whitespace_collapsed():
    assert summarize("  Short\n\nbody  text. ") == "Short body text."


def test_summary_cuts_at_a_word_boundary():
    text = "alpha beta, gamma delta epsilon"
    assert summarize(text, max_chars=20) == "alpha beta, gamma…"
    assert summarize(text, max_chars=12) == "alpha beta…"  # the trailing comma goes
    long = ("word " * 100).strip()
    summary = summarize(long)
    assert len(summary) <= 200 and summary.endswith("word…")


def test_summary_of_one_long_word_is_cut_inside_it():
    assert summarize("x" * 50, max_chars=10) == "x" * 9 + "…"
