"""What a case write-up holds: three free texts within limits and at most three photos."""

from __future__ import annotations

from datetime import date

from mentoring.stats.periods import school_year_of

__all__ = ["PHOTOS_MAX", "STEPS", "TEXT_MAX", "TEXT_MIN", "clean_text", "open_years"]

STEPS = ("goal", "work", "result")  # the goal, what was done, the result
TEXT_MIN = 3
TEXT_MAX = {"goal": 500, "work": 1500, "result": 1500}
PHOTOS_MAX = 3


def clean_text(step: str, text: str | None) -> str | None:
    """The step's text trimmed (inner spacing and line breaks kept); None when it is too
    short or longer than the step allows."""
    trimmed = (text or "").strip()
    return trimmed if TEXT_MIN <= len(trimmed) <= TEXT_MAX[step] else None


def open_years(today: date) -> tuple[int, int]:
    """School years a write-up may still be written for: the current one and the one before
    (a programme that ended in May is written up in the autumn, as the roadmap has it)."""
    current = school_year_of(today)
    return current, current - 1
