"""Ages from birth dates; the 18-year line decides whether a parent's consent is needed."""

from __future__ import annotations

from datetime import date

__all__ = ["ADULT_AGE", "adult_born_before", "age_on", "is_minor"]

ADULT_AGE = 18


def age_on(birth_date: date, today: date) -> int:
    before_birthday = (today.month, today.day) < (birth_date.month, birth_date.day)
    return today.year - birth_date.year - int(before_birthday)


def is_minor(birth_date: date | None, today: date) -> bool:
    return birth_date is not None and age_on(birth_date, today) < ADULT_AGE


def adult_born_before(today: date) -> date:
    """Whoever was born after this date is a minor today."""
    try:
        return today.replace(year=today.year - ADULT_AGE)
    except ValueError:  # 29 February
        return today.replace(year=today.year - ADULT_AGE, day=28)
