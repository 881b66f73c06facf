"""Dates typed into questionnaires: hints give an example that fits the question as of today,
and an impossible calendar date («31.02.2013») is called that, not a format error."""

from __future__ import annotations

import re
from datetime import date

from surveys.definitions import load_definitions
from tests.survey_session import Session, answer_until, context, tour

EXAMPLE = re.compile(r"например (\d\d)\.(\d\d)\.(\d{4})")


def _example(text: str) -> date:
    match = EXAMPLE.search(text)
    assert match, text
    day, month, year = (int(part) for part in match.groups())
    return date(year, month, day)


def test_birth_date_example_fits_the_age_asked_today() -> None:
    for today in (date(2025, 9, 1), date(2031, 2, 10)):
        s = Session(tour(), context(today=today))
        s.tap("Ученик")
        assert s.at == "birth_date"
        example = _example(s.text)
        age = today.year - example.year - ((today.month, today.day) < (example.month, example.day))
        assert example < today and 10 <= age <= 19, (today, example)
        s.send("31.02.2013")
        assert "такой даты нет" in s.text.lower(), s.text
        assert "например" not in s.text.split("\n")[0], "not the format hint"


def test_other_date_example_is_in_the_past_and_in_range() -> None:
    today = date(2025, 9, 1)
    s = answer_until(Session(tour(), context(today=today)), "meeting_day")
    example = _example(s.text)
    assert example <= today and 2024 <= example.year <= 2026, example


def test_real_intake_birth_date_example_for_a_pupil() -> None:
    defn = load_definitions().get("intake_mentee")
    today = date(2045, 10, 1)  # the definition outlives any fixed example
    s = Session(defn, context(today=today, dynamic_lists={}))
    s.tap("Школьник")
    s.tap("7 класс")
    assert s.at == "birth_date"
    example = _example(s.text)
    assert example < today and 9 <= today.year - example.year <= 30, example
