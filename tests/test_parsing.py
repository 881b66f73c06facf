"""Dates and times as typed in the chat."""

from __future__ import annotations

from datetime import date, time

import pytest

from bot.parsing import parse_clock, parse_day


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (" 05.03.2026 ", date(2026, 3, 5)),
        ("31.02.2026", None),
        ("2026-03-05", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_day(text: str | None, expected: date | None) -> None:
    assert parse_day(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"), [("09:30", time(9, 30)), ("24:00", None), ("9.30", None), (None, None)]
)
def test_parse_clock(text: str | None, expected: time | None) -> None:
    assert parse_clock(text) == expected
