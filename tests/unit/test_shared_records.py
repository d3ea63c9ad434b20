"""shared.records: the behaviour our value classes had as dataclasses, kept without them."""

import pytest

from shared.app import Response
from shared.client import Settings
from shared.identity import Identity
from shared.records import FrozenInstanceError
from shared.request import Request
from shared.routing import Router
from shared.triggers import Trigger, parse_event


def test_frozen_values_compare_and_hash_by_their_fields():
    a, b = parse_event("users.u1.update.email"), parse_event("users.u1.update.email")
    assert a == b and hash(a) == hash(b) and len({a, b}) == 1
    assert a != parse_event("users.u2.update.email")
    assert Trigger("event", a) == Trigger("event", b)
    assert Trigger("http") != Trigger("schedule")
    assert Identity("u1", "", "") != Settings("u1", "", "")  # another class is never equal


def test_frozen_values_cannot_be_changed():
    who = Identity(id="u1", email="a@example.com", name="A", labels=("admin",))
    with pytest.raises(FrozenInstanceError):
        who.labels = ()
    with pytest.raises(AttributeError):
        del who.id
    with pytest.raises(AttributeError):
        who.extra = 1  # no field of that name: no __dict__ to put it in
    assert who.is_admin


def test_records_are_mutable_and_unhashable():
    response = Response({"ok": True})
    response.status = 201
    assert response == Response({"ok": True}, 201, {})
    assert response.headers == {} and Response().headers is not Response().headers
    with pytest.raises(TypeError):
        hash(response)


def test_repr_lists_the_fields_in_order_and_leaves_hidden_ones_out():
    assert repr(Trigger("http")) == "Trigger(kind='http', event=None)"
    assert repr(Settings("https://x/v1", "p", "standard_secret")) == (
        "Settings(endpoint='https://x/v1', project='p')"
    )
    req = Request("GET", "/", {}, {}, b"", Trigger("http"), context=object())
    assert "context" not in repr(req) and repr(req).startswith("Request(method='GET', path='/'")


def test_a_route_is_hashable_and_a_match_carries_it():
    router = Router()
    route = router.add("GET", "/a/{id}", print)
    match = router.match("GET", "/a/x")
    assert match.route is route and match.params == {"id": "x"}
    assert {route: 1}[route] == 1
