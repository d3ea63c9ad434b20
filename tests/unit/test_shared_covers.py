"""covers.py: what an article's answer says of its cover, and the row's cover columns."""

import pytest

from shared.articles import SUMMARY_COLUMNS, public_article, summary_of
from shared.covers import COVER_COLUMNS, NO_COVER, cover_data, cover_of, has_cover


def test_an_article_without_a_cover_answers_null():
    row = {"$id": "a1", "title": "t", **NO_COVER}
    assert (has_cover(row), cover_of(row)) == (False, None)
    assert summary_of(row)["cover"] is None and public_article(row)["cover"] is None


def test_a_cover_is_answered_from_the_rows_columns():
    row = {"$id": "a1", **cover_data("image/webp", 1234, 640, 360)}
    assert cover_of(row) == {
        "fileId": "a1",
        "mimeType": "image/webp",
        "sizeOriginal": 1234,
        "width": 640,
        "height": 360,
    }
    assert summary_of(row)["cover"] == public_article(row)["cover"] == cover_of(row)


def test_lists_fetch_the_cover_columns_and_no_cover_field():
    assert set(COVER_COLUMNS) <= set(SUMMARY_COLUMNS)
    assert "cover" not in SUMMARY_COLUMNS


def test_only_the_three_cover_types_are_recorded():
    with pytest.raises(ValueError):
        cover_data("image/gif", 1, 1, 1)
