"""Reporting periods: a school year `2026` is 2026/27 (1 September – 31 August); a quarter or
half-year is a calendar one and takes the headcounts and targets of the school year it ends in.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

__all__ = ["Period", "parse_period", "period_title", "school_year_label", "school_year_of"]


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


def school_year_label(year: int) -> str:
    """2026 → «2026/27»."""
    return f"{year}/{(year + 1) % 100:02d}"


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


_ROMAN = ("I", "II", "III", "IV")


def period_title(label: str, t: Callable[..., str]) -> str:
    """A period's code as people say it: «2026-Q1» → «I квартал 2026», «2026-H2» →
    «2-е полугодие 2026», «2026» → «2026/27». Codes stay in URLs, file names and snapshots;
    people read this (texts `periods.*` in the locale files)."""
    text = label.strip().upper()
    match = re.fullmatch(r"(\d{4})(?:/\d{2})?", text)
    if match:
        return school_year_label(int(match.group(1)))
    match = re.fullmatch(r"(\d{4})-([QH])([1-4])", text)
    if not match or parse_period(text) is None:
        return label
    number, year = int(match.group(3)), match.group(1)
    key = "periods.quarter" if match.group(2) == "Q" else "periods.half_year"
    return t(key, roman=_ROMAN[number - 1], n=number, year=year)
