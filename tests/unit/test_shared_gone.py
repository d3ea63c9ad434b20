"""gone.py: "404 means gone", one spelling for every function."""

import pytest
from appwrite.exception import AppwriteException

from shared.errors import UpstreamUnavailable
from shared.gone import delete_if_present, fetch_or_none, is_gone

MISSING = AppwriteException("Row not found", 404, "row_not_found")
DOWN = AppwriteException("Server Error", 503, "general_server_error")


def calls(*outcomes):
    """A callable that raises or returns the given outcomes in turn, and counts its calls."""
    seen = []

    def call():
        outcome = outcomes[len(seen)]
        seen.append(outcome)
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    call.seen = seen
    return call


def test_is_gone_is_a_404_of_anything_with_a_code():
    assert is_gone(MISSING)
    assert not is_gone(DOWN)
    assert not is_gone(ValueError("404"))


def test_fetch_or_none():
    assert fetch_or_none(calls({"$id": "r"})) == {"$id": "r"}
    assert fetch_or_none(calls(MISSING)) is None
    retried = calls(DOWN, {"$id": "r"})
    assert fetch_or_none(retried) == {"$id": "r"} and len(retried.seen) == 2
    with pytest.raises(AppwriteException):
        fetch_or_none(calls(AppwriteException("no", 401, "user_unauthorized")))


def test_delete_if_present_tells_a_delete_from_a_row_already_gone():
    assert delete_if_present(calls(None)) is True
    assert delete_if_present(calls(MISSING)) is False
    # an attempt whose answer was lost, then 404 on the retry: this call deleted it
    assert delete_if_present(calls(DOWN, MISSING)) is True


def test_delete_if_present_gives_up_as_retry_does():
    with pytest.raises(UpstreamUnavailable):
        delete_if_present(calls(DOWN, DOWN, DOWN, DOWN), deadline=float("inf"))
