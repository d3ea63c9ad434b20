"""cookies.py: reading the cookie header, writing Set-Cookie values."""

import datetime as dt
from http.cookies import SimpleCookie

import pytest

from shared.cookies import clear_cookie, http_date, read_cookie, set_cookie

UTC = dt.UTC


@pytest.mark.parametrize(
    ("header", "value"),
    [
        ("a_session_p=abc", "abc"),
        ("theme=dark; a_session_p=eyJpZCI6IHsifQ==; x=1", "eyJpZCI6IHsifQ=="),
        ('a_session_p="quoted"', "quoted"),
        ("a_session_p=first; a_session_p=second", "first"),  # the browser's order: first wins
        ("a_session_p=", ""),
        ("a_session_p=bad\\value", ""),  # not a cookie value: present, but unusable
        ("a_session_p=bad,value", ""),
        ("xa_session_p=abc; a_session_pp=def", None),  # names match whole
        ("", None),
    ],
)
def test_read_cookie(header, value):
    assert read_cookie({"cookie": header}, "a_session_p") == value


def test_no_cookie_header():
    assert read_cookie({}, "a_session_p") is None


def test_set_cookie_is_strict_by_default_and_parses_back():
    expires = dt.datetime(2027, 11, 27, 10, 0, 11, 372000, tzinfo=UTC)
    header = set_cookie("a_session_p", "eyJ+/=", expires=expires)
    assert header == (
        "a_session_p=eyJ+/=; Expires=Sat, 27 Nov 2027 10:00:11 GMT; Path=/; Secure; HttpOnly; "
        "SameSite=Strict"
    )
    morsel = SimpleCookie(header)["a_session_p"]
    assert (morsel.value, morsel["path"], morsel["samesite"]) == ("eyJ+/=", "/", "Strict")
    assert morsel["secure"] and morsel["httponly"]


def test_clear_cookie_expires_at_once():
    assert clear_cookie("a_session_p") == (
        "a_session_p=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; Secure; "
        "HttpOnly; SameSite=Strict"
    )
    assert "Path=/oauth" in clear_cookie("s", path="/oauth", same_site="Lax")


def test_http_date_is_gmt_whatever_the_zone():
    moment = dt.datetime(2026, 1, 1, 1, 30, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    assert http_date(moment) == "Wed, 31 Dec 2025 23:30:00 GMT"
    with pytest.raises(ValueError):
        http_date(dt.datetime(2026, 1, 1))


@pytest.mark.parametrize(
    ("name", "value", "kwargs"),
    [
        ("bad name", "v", {}),
        ("n", "a;b", {}),  # a value that would start a new attribute
        ("n", "a\r\nSet-Cookie: x=y", {}),
        ("n", "v", {"path": "/a;Domain=evil.example"}),
        ("n", "v", {"same_site": "strict"}),
        ("n", "v", {"same_site": "None", "secure": False}),
    ],
)
def test_set_cookie_refuses_what_would_break_the_header(name, value, kwargs):
    with pytest.raises(ValueError):
        set_cookie(name, value, **kwargs)
