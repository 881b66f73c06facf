"""Ages from birth dates; the 18-year line decides whether a parent's consent is needed."""

from __future__ import annotations

from datetime import date

__all__ = ["ADULT_AGE", "adult_born_before", "age_on", "birth_range", "is_minor", "years_before"]

ADULT_AGE = 18


def age_on(birth_date: date, today: date) -> int:
    before_birthday = (today.month, today.day) < (birth_date.month, birth_date.day)
    return today.year - birth_date.year - int(before_birthday)


def is_minor(birth_date: date | None, today: date) -> bool:
    return birth_date is not None and age_on(birth_date, today) < ADULT_AGE


def adult_born_before(today: date) -> date:
    """Whoever was born after this date is a minor today."""
    return years_before(today, ADULT_AGE)


def years_before(day: date, years: int) -> date:
    """The same day `years` earlier; 29 February falls back to the 28th."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def birth_range(low: int, high: int, on: date) -> tuple[date, date]:
    """(born_after, born_until): whoever is aged `low`..`high` on `on` was born in
    (born_after, born_until]. Lets SQL count an age band with a range on birth dates."""
    return years_before(on, high + 1), years_before(on, low)
