"""Reporting periods: a school year `2026` is 2026/27 (1 September – 31 August); a quarter or
half-year is a calendar one and takes the headcounts and targets of the school year it ends in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from i18n.wording import school_year_label

__all__ = ["Period", "parse_period", "school_year_of"]


@dataclass(frozen=True, slots=True)
class Period:
    label: str
    start: date
    end: date  # inclusive
    school_year: int

    @property
    def start_at(self) -> datetime:
        return datetime.combine(self.start, time(), UTC)

    @property
    def end_at(self) -> datetime:
        """Exclusive end as a moment: midnight after the last day."""
        return datetime.combine(self.end + timedelta(days=1), time(), UTC)


def school_year_of(day: date) -> int:
    return day.year if day.month >= 9 else day.year - 1


def _school_year(year: int) -> Period:
    return Period(school_year_label(year), date(year, 9, 1), date(year + 1, 8, 31), year)


def parse_period(text: str) -> Period | None:
    """`2026` (school year 2026/27), `2026-Q3` (calendar quarter), `2026-H1` (half-year)."""
    match = re.fullmatch(r"(\d{4})(?:-([QH])([1-4]))?", text.strip().upper())
    if not match:
        return None
    year = int(match.group(1))
    if match.group(2) is None:
        return _school_year(year)
    part, number = match.group(2), int(match.group(3))
    months = 3 if part == "Q" else 6
    if part == "H" and number > 2:
        return None
    first = date(year, (number - 1) * months + 1, 1)
    after = (
        date(year + 1, 1, 1) if first.month + months > 12 else date(year, first.month + months, 1)
    )
    end = after - timedelta(days=1)
    return Period(f"{year}-{part}{number}", first, end, school_year_of(end))
