"""Cron schedules in UTC and the manual clock (issue 4: a simulated day)."""

import datetime as dt

import pytest

from emulator.triggers.cron import InvalidSchedule, Scheduler, due_times, parse_schedule

DAY = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)


def test_a_simulated_day_of_every_five_minutes_is_288_ticks():
    assert len(list(due_times("*/5 * * * *", DAY, DAY + dt.timedelta(days=1)))) == 288


def test_a_simulated_day_of_the_nightly_job_is_one_tick_at_three_utc():
    assert list(due_times("0 3 * * *", DAY, DAY + dt.timedelta(days=1))) == [DAY.replace(hour=3)]


def test_due_times_exclude_the_start_and_include_the_end():
    ticks = list(due_times("*/5 * * * *", DAY, DAY + dt.timedelta(minutes=10)))
    assert ticks == [DAY + dt.timedelta(minutes=5), DAY + dt.timedelta(minutes=10)]


def test_naive_datetimes_are_utc_and_offsets_are_converted():
    plus_two = dt.timezone(dt.timedelta(hours=2))
    start = dt.datetime(2026, 3, 1, 4, 0, tzinfo=plus_two)  # 02:00 UTC
    ticks = list(due_times("0 3 * * *", start, start + dt.timedelta(hours=2)))
    assert ticks == [dt.datetime(2026, 3, 1, 3, 0, tzinfo=dt.UTC)]
    assert (
        list(due_times("0 3 * * *", dt.datetime(2026, 3, 1, 2), dt.datetime(2026, 3, 1, 4)))
        == ticks
    )


@pytest.mark.parametrize("bad", ["", "* * * *", "61 * * * *", "* * * * * *", "every day"])
def test_invalid_schedules_are_rejected(bad):
    with pytest.raises(InvalidSchedule):
        parse_schedule(bad)


def test_scheduler_advances_in_time_order_and_never_replays():
    scheduler = Scheduler({"publish": "*/5 * * * *", "nightly": "0 3 * * *", "http-only": ""}, DAY)
    due = scheduler.advance(DAY + dt.timedelta(days=1))
    assert len(due) == 289
    assert [fid for fid, _ in due].count("nightly") == 1
    assert [moment for _, moment in due] == sorted(moment for _, moment in due)
    assert scheduler.advance(DAY + dt.timedelta(days=1)) == []
    assert scheduler.advance(DAY) == []  # moving back runs nothing
