"""`emulator.core.clock.iso`: Appwrite's datetime text, PHP's `Y-m-d\\TH:i:s.vP` in UTC."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from emulator.core import clock


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(
    moment=st.datetimes(min_value=dt.datetime(1000, 1, 2), max_value=dt.datetime(9999, 12, 30)),
    offset=st.integers(-14 * 60, 14 * 60),
)
def test_any_moment_is_written_in_utc_to_the_millisecond(moment, offset):
    aware = moment.replace(tzinfo=dt.timezone(dt.timedelta(minutes=offset)))
    utc = aware.astimezone(dt.UTC)
    expected = (
        f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d}T{utc.hour:02d}:{utc.minute:02d}:"
        f"{utc.second:02d}.{utc.microsecond // 1000:03d}+00:00"  # milliseconds cut, not rounded
    )
    assert clock.iso(aware) == expected


def test_a_year_below_1000_has_four_digits_as_php_writes_it():
    moment = dt.datetime(999, 1, 2, 3, 4, 5, 678_999, tzinfo=dt.UTC)
    assert clock.iso(moment) == "0999-01-02T03:04:05.678+00:00"
