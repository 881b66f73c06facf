"""Quiet hours move night-time sends to 08:00 local, in zones with and without DST."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mentoring.timing.quiet_hours import in_quiet_hours, shift_out_of_quiet_hours

MOSCOW = "Europe/Moscow"  # UTC+3, no DST
VLADIVOSTOK = "Asia/Vladivostok"  # UTC+10, no DST
BERLIN = "Europe/Berlin"  # CET/CEST


def utc(*args: int) -> datetime:
    return datetime(*args).replace(tzinfo=UTC)  # type: ignore[arg-type]


def local(zone: str, *args: int) -> datetime:
    return datetime(*args).replace(tzinfo=ZoneInfo(zone))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("due_local", "expected_local"),
    [
        ((2025, 3, 10, 20, 59), (2025, 3, 10, 20, 59)),  # just before: unchanged
        ((2025, 3, 10, 21, 0), (2025, 3, 11, 8, 0)),  # start of the window: next morning
        ((2025, 3, 10, 23, 30), (2025, 3, 11, 8, 0)),
        ((2025, 3, 11, 0, 0), (2025, 3, 11, 8, 0)),  # after midnight: the same morning
        ((2025, 3, 11, 7, 59), (2025, 3, 11, 8, 0)),
        ((2025, 3, 11, 8, 0), (2025, 3, 11, 8, 0)),  # end of the window: unchanged
        ((2025, 12, 31, 22, 0), (2026, 1, 1, 8, 0)),  # across the year
    ],
)
def test_moscow_window_crosses_midnight(
    due_local: tuple[int, ...], expected_local: tuple[int, ...]
) -> None:
    due = local(MOSCOW, *due_local).astimezone(UTC)
    shifted = shift_out_of_quiet_hours(due, MOSCOW)
    assert shifted == local(MOSCOW, *expected_local)
    assert shifted.tzinfo == UTC


def test_vladivostok_evening_is_moscow_afternoon() -> None:
    # 12:30 UTC is 15:30 in Moscow (fine) but 22:30 in Vladivostok (quiet).
    due = utc(2025, 3, 10, 12, 30)
    assert shift_out_of_quiet_hours(due, MOSCOW) == due
    assert shift_out_of_quiet_hours(due, VLADIVOSTOK) == utc(2025, 3, 10, 22, 0)  # 08:00 +10


def test_berlin_spring_forward_night_ends_at_0800_summer_time() -> None:
    # 2025-03-30 02:00 CET → 03:00 CEST. 23:00 CET on the 29th is 22:00 UTC; the
    # morning after, 08:00 CEST is 06:00 UTC, not 07:00.
    due = utc(2025, 3, 29, 22, 0)
    assert shift_out_of_quiet_hours(due, BERLIN) == utc(2025, 3, 30, 6, 0)


def test_berlin_fall_back_night_ends_at_0800_winter_time() -> None:
    # 2025-10-26 03:00 CEST → 02:00 CET; the repeated hour is inside the window.
    due = utc(2025, 10, 26, 0, 30)  # 02:30 CEST, the first of the two 02:30s
    assert shift_out_of_quiet_hours(due, BERLIN) == utc(2025, 10, 26, 7, 0)
    due = utc(2025, 10, 26, 1, 30)  # 02:30 CET, the second one
    assert shift_out_of_quiet_hours(due, BERLIN) == utc(2025, 10, 26, 7, 0)


def test_a_daytime_window_that_does_not_cross_midnight() -> None:
    start, end = time(13, 0), time(15, 0)
    due = local(MOSCOW, 2025, 3, 10, 14, 0).astimezone(UTC)
    assert shift_out_of_quiet_hours(due, MOSCOW, start, end) == local(MOSCOW, 2025, 3, 10, 15)
    evening = local(MOSCOW, 2025, 3, 10, 22, 0).astimezone(UTC)
    assert shift_out_of_quiet_hours(evening, MOSCOW, start, end) == evening


def test_equal_bounds_mean_no_quiet_hours() -> None:
    due = local(MOSCOW, 2025, 3, 10, 3, 0).astimezone(UTC)
    assert shift_out_of_quiet_hours(due, MOSCOW, time(8), time(8)) == due


def test_naive_time_is_refused() -> None:
    with pytest.raises(ValueError):
        shift_out_of_quiet_hours(datetime(2025, 3, 10, 22, 0), MOSCOW)


@given(
    due=st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2027, 1, 1)).map(
        lambda naive: naive.replace(tzinfo=UTC)
    ),
    zone=st.sampled_from([MOSCOW, VLADIVOSTOK, BERLIN, "America/New_York", "Asia/Kolkata"]),
    start=st.sampled_from([time(21), time(22, 30), time(0), time(13)]),
    end=st.sampled_from([time(8), time(7, 15), time(9), time(6)]),
)
def test_shifted_time_is_the_first_moment_out_of_the_window(
    due: datetime, zone: str, start: time, end: time
) -> None:
    shifted = shift_out_of_quiet_hours(due, zone, start, end)
    tz = ZoneInfo(zone)
    wall = due.astimezone(tz).time()
    if not in_quiet_hours(wall, start, end):
        assert shifted == due
        return
    assert due < shifted <= due + timedelta(hours=25)
    # It is quiet_end on the local clock, and it is out of the window...
    assert shifted.astimezone(tz).time() == end
    assert not in_quiet_hours(shifted.astimezone(tz).time(), start, end)
    # ...and every minute before it, back to the due time, was inside the window.
    probe = shifted - timedelta(minutes=1)
    while probe > due:
        assert in_quiet_hours(probe.astimezone(tz).time(), start, end), probe
        probe -= timedelta(minutes=17)
