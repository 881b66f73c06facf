"""When things happen in the demo programme: inside the current school year, before `now`,
meetings on weekdays in school hours of the organisation's local time.

Pure: a random generator and `now` in, moments out; mentoring/demo/seed.py places its rows with it.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from mentoring.stats.periods import school_year_of

__all__ = ["DemoCalendar"]

FIRST_LESSON = time(8, 30)
LAST_START = time(16, 0)  # a 45-minute meeting then ends before 17:00
SLOT = timedelta(minutes=30)
SLOTS = 15  # 8:30 … 16:00
TRIES = 40


class DemoCalendar:
    def __init__(self, now: datetime, timezone: str) -> None:
        self.now = now
        self.zone = ZoneInfo(timezone)
        self.year = school_year_of(now.astimezone(self.zone).date())
        first_day = datetime.combine(date(self.year, 9, 1), FIRST_LESSON, self.zone)
        self.start = min(first_day.astimezone(UTC), now - timedelta(hours=1))

    def between(self, rng: random.Random, low: float, high: float) -> datetime:
        """A moment at a fraction in [low, high] of the school year so far."""
        span = max(self.now - self.start, timedelta(hours=1))
        return self.start + span * rng.uniform(low, high)

    def lesson_time(self, rng: random.Random, after: datetime) -> datetime | None:
        """A weekday slot in school hours, later than `after` and earlier than now; None if the
        school year has no such slot left."""
        earliest = after.astimezone(self.zone).date()
        span = (self.now.astimezone(self.zone).date() - earliest).days
        for _ in range(TRIES):
            day = earliest + timedelta(days=rng.randint(0, max(span, 0)))
            local = datetime.combine(day, FIRST_LESSON, self.zone) + SLOT * rng.randint(0, SLOTS)
            if day.weekday() < 5 and after < local < self.now:
                return local.astimezone(UTC)
        return None
