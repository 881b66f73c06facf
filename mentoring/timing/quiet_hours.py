"""Quiet hours: nothing goes to a pupil at night (in the organisation's local time).

Pure: takes a UTC due time and a timezone name, returns a UTC time. Local wall-clock
times are what count, so the window end is "08:00 on the local calendar", whatever the
UTC offset is that day (DST changes included).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

__all__ = ["DEFAULT_END", "DEFAULT_START", "in_quiet_hours", "shift_out_of_quiet_hours"]

DEFAULT_START = time(21, 0)
DEFAULT_END = time(8, 0)


def in_quiet_hours(local: time, quiet_start: time, quiet_end: time) -> bool:
    """Whether a local wall-clock time falls in [quiet_start, quiet_end).

    The window crosses midnight when quiet_start > quiet_end; equal bounds mean no window.
    """
    if quiet_start <= quiet_end:
        return quiet_start <= local < quiet_end
    return local >= quiet_start or local < quiet_end


def shift_out_of_quiet_hours(
    due_at_utc: datetime,
    timezone: str,
    quiet_start: time = DEFAULT_START,
    quiet_end: time = DEFAULT_END,
) -> datetime:
    """`due_at_utc` itself when outside the window, else the window's end, in UTC.

    The end is quiet_end on the local day the window closes: the next day for an evening
    time of a window that crosses midnight, the same day otherwise. If quiet_end does not
    exist that day (it falls in a DST gap), the wall time is read with the offset from
    before the change, which lands just after the gap, still outside the window.
    """
    if due_at_utc.tzinfo is None:
        raise ValueError("due_at_utc must be timezone-aware")
    zone = ZoneInfo(timezone)
    local = due_at_utc.astimezone(zone)
    wall = local.time().replace(tzinfo=None)
    if not in_quiet_hours(wall, quiet_start, quiet_end):
        return due_at_utc.astimezone(UTC)
    end_day: date = local.date()
    if quiet_start > quiet_end and wall >= quiet_start:
        end_day += timedelta(days=1)
    # fold=0: for a wall time that occurs twice (DST ends), the first of the two.
    end = datetime.combine(end_day, quiet_end, tzinfo=zone)
    return end.astimezone(UTC)
