"""routing.py: method + path with parameters, 404 and 405 with Allow, for any method."""

import pytest

from shared.errors import MethodNotAllowed, NotFound
from shared.routing import Router


def h_list(req): ...
def h_get(req): ...
def h_delete(req): ...
def h_search(req): ...
def h_comment(req): ...


@pytest.fixture
def router():
    r = Router()
    r.add("GET", "/articles", h_list)
    r.add("GET", "/articles/{id}", h_get)
    r.add("DELETE", "/articles/{id}", h_delete)
    r.add("get", "/articles/search", h_search)
    r.add("GET", "/articles/{id}/comments/{comment}", h_comment)
    return r


def test_matches_literal_and_parameter_paths(router):
    assert router.match("GET", "/articles").route.handler is h_list
    m = router.match("GET", "/articles/a1")
    assert (m.route.handler, m.params) == (h_get, {"id": "a1"})
    m = router.match("GET", "/articles/a1/comments/c9")
    assert (m.route.handler, m.params) == (h_comment, {"id": "a1", "comment": "c9"})
    assert router.match("GET", "/articles/search").route.handler is h_search  # added as "get"


def test_literal_segment_wins_over_parameter_whatever_the_order(router):
    assert router.match("GET", "/articles/search").route.handler is h_search


def test_trailing_slash_is_ignored(router):
    assert router.match("GET", "/articles/").route.handler is h_list
    assert router.match("GET", "/articles/a1/").params == {"id": "a1"}


def test_unknown_path_is_404(router):
    for path in ("/", "/nope", "/articles/a1/extra", "/articles//comments/c"):
        with pytest.raises(NotFound):
            router.match("GET", path)


def test_wrong_method_is_405_with_allow(router):
    with pytest.raises(MethodNotAllowed) as info:
        router.match("PUT", "/articles/a1")
    assert info.value.headers == {"allow": "DELETE, GET"}
    with pytest.raises(MethodNotAllowed) as info:
        router.match("POST", "/articles")
    assert info.value.headers["allow"] == "GET"


@pytest.mark.parametrize("method", ["get", "Get", "PROPFIND", "TRACE", "", "G E T", "X" * 5000])
def test_any_other_method_is_405_and_never_echoed_at_length(router, method):
    with pytest.raises(MethodNotAllowed) as info:
        router.match(method, "/articles/a1")
    assert info.value.headers == {"allow": "DELETE, GET"}
    assert len(info.value.message) < 120


def test_a_long_unknown_path_is_404_with_a_short_message(router):
    with pytest.raises(NotFound) as info:
        router.match("GET", "/" + "p" * 100_000)
    assert info.value.code == "route_not_found" and len(info.value.message) < 120


def test_percent_decoded_parameter_values_pass_through(router):
    assert router.match("GET", "/articles/a b").params == {"id": "a b"}


@pytest.mark.parametrize(
    "method, pattern",
    [
        ("FETCH", "/x"),
        ("GET", "x"),
        ("GET", "/a/{id}/{id}"),
        ("GET", "/a/x{id}"),
        ("GET", "/a/{1a}"),  # a name is an ASCII identifier
        ("GET", "/a/{é}"),
        ("GET", "/a/{}"),
        ("GET", "/a/{a-b}"),
        ("GET", "/articles"),
    ],
)
def test_bad_or_duplicate_routes_are_rejected(router, method, pattern):
    with pytest.raises(ValueError):
        router.add(method, pattern, h_list)


def test_a_parameter_name_is_an_ascii_identifier():
    router = Router()
    router.add("GET", "/a/{_a1}/{ID_9}", h_list)
    assert router.match("GET", "/a/x/y").params == {"_a1": "x", "ID_9": "y"}
