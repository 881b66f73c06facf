"""Dates and times as people type them in the chat (ДД.ММ.ГГГГ, ЧЧ:ММ)."""

from __future__ import annotations

import re
from datetime import date, datetime, time

__all__ = ["is_impossible_day", "parse_clock", "parse_day"]

_DAY_SHAPE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")


def parse_day(text: str | None) -> date | None:
    try:
        return datetime.strptime((text or "").strip(), "%d.%m.%Y").date()
    except ValueError:
        return None


def is_impossible_day(text: str | None) -> bool:
    """Written as ДД.ММ.ГГГГ but not in the calendar («31.02.2013»): say so, not the format."""
    return bool(_DAY_SHAPE.fullmatch((text or "").strip())) and parse_day(text) is None


def parse_clock(text: str | None) -> time | None:
    try:
        return datetime.strptime((text or "").strip(), "%H:%M").time()
    except ValueError:
        return None
