"""Dates and times as people type them in the chat (ДД.ММ.ГГГГ, ЧЧ:ММ)."""

from __future__ import annotations

from datetime import date, datetime, time

__all__ = ["parse_clock", "parse_day"]


def parse_day(text: str | None) -> date | None:
    try:
        return datetime.strptime((text or "").strip(), "%d.%m.%Y").date()
    except ValueError:
        return None


def parse_clock(text: str | None) -> time | None:
    try:
        return datetime.strptime((text or "").strip(), "%H:%M").time()
    except ValueError:
        return None
