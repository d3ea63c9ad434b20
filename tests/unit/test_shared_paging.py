"""shared/paging.py: list parameters as callers sent them, and cursor pages."""

import pytest

from shared import BadRequest, Schema
from shared.paging import cursor_page, decode_query_value, list_params

SCHEMA = Schema(
    "inline",
    {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "q": {"type": "string"},
            "limit": {"type": "integer", "minimum": 1, "maximum": 100},
        },
    },
)


@pytest.mark.parametrize(
    "raw, sent",
    [("c%2B%2B", "c++"), ("a%3Db%26c%3Bd", "a=b&c;d"), ("x%2b", "x+"), ("plain", "plain")],
)
def test_values_left_encoded_by_the_runtime_are_decoded(raw, sent):
    assert decode_query_value(raw) == sent


def test_list_params_drop_empty_values_and_type_the_limit():
    assert list_params({"q": "c%2B%2B", "limit": "5", "cursor": ""} | {}, SCHEMA) == {
        "q": "c++",
        "limit": 5,
    }


def test_list_params_report_every_problem_with_its_pointer():
    with pytest.raises(BadRequest) as error:
        list_params({"limit": "500", "sort": "x"}, SCHEMA)
    paths = {d["path"] for d in error.value.details}
    assert error.value.code == "validation_failed" and {"/limit", "/sort"} <= paths


def test_cursor_page_uses_the_extra_item_only_to_know_there_is_more():
    items = [{"$id": str(i)} for i in range(4)]
    assert cursor_page(items, 3) == (items[:3], "2")
    assert cursor_page(items[:3], 3) == (items[:3], None)
    assert cursor_page([], 3) == ([], None)
