"""Headcounts (численность) per organisation and school year: the one place they are checked.

Both `mentorbot headcount set` and the back office's organisation page save through
`set_headcounts`, so the rules (non-negative counts, pupils 15–19 within pupils 10–19, a
plausible school year) hold whichever way the numbers come in.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime

from storage import headcounts as store
from storage import organisations as org_store
from storage.db import Database
from storage.headcounts import Headcount

__all__ = [
    "COUNT_FIELDS",
    "MAX_DIGITS",
    "MAX_YEAR",
    "MIN_YEAR",
    "HeadcountError",
    "headcounts_of",
    "parse_count",
    "set_headcounts",
]

MIN_YEAR = 2000
MAX_YEAR = 2100
MAX_COUNT = 1_000_000
COUNT_FIELDS = (
    "pupils_10_19",
    "pupils_15_19",
    "young_teachers",
    "teachers_under_35",
    "partners_on_record",
)


MAX_DIGITS = len(str(MAX_COUNT))
_DIGITS = re.compile(rf"[0-9]{{1,{MAX_DIGITS}}}")


def parse_count(text: str | None) -> int | None:
    """A typed figure (chat or web form): digits, spaces as thousands separators allowed;
    None when it is not one. Plausibility is `set_headcounts`'s to judge."""
    digits = (text or "").strip().replace(" ", "").replace("\u00a0", "")
    return int(digits) if _DIGITS.fullmatch(digits) else None


class HeadcountError(ValueError):
    """`reason` is a stable code (year, negative, too_large, pupils_15_19_over_10_19,
    organisation); `field` names the offending input."""

    def __init__(self, reason: str, field: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.field = field


def _check(headcount: Headcount) -> None:
    if not MIN_YEAR <= headcount.year <= MAX_YEAR:
        raise HeadcountError(
            "year", "year", f"the school year must be between {MIN_YEAR} and {MAX_YEAR}"
        )
    for name in COUNT_FIELDS:
        value = getattr(headcount, name)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise HeadcountError("negative", name, f"{name} must be a non-negative whole number")
        if value > MAX_COUNT:
            raise HeadcountError("too_large", name, f"{name} must be at most {MAX_COUNT}")
    older, younger = headcount.pupils_10_19, headcount.pupils_15_19
    if older is not None and younger is not None and younger > older:
        raise HeadcountError(
            "pupils_15_19_over_10_19",
            "pupils_15_19",
            "pupils aged 15–19 cannot outnumber pupils aged 10–19",
        )


async def set_headcounts(
    db: Database,
    organisation_id: int,
    year: int,
    *,
    now: datetime,
    pupils_10_19: int | None = None,
    pupils_15_19: int | None = None,
    young_teachers: int | None = None,
    teachers_under_35: int | None = None,
    partners_on_record: int | None = None,
) -> Headcount:
    """Check and store one organisation's headcounts for a school year; counts left None keep
    their stored values, and the rules are checked on the result. Raises HeadcountError."""
    given = Headcount(
        organisation_id,
        year,
        pupils_10_19,
        pupils_15_19,
        young_teachers,
        teachers_under_35,
        partners_on_record,
    )
    _check(given)
    async with db.begin() as conn:
        if await org_store.get(conn, organisation_id) is None:
            raise HeadcountError(
                "organisation", "organisation", f"no organisation {organisation_id}"
            )
        old = await store.get_headcounts(conn, [organisation_id], year)
        merged = given
        if old:
            merged = replace(
                given,
                **{
                    name: getattr(old[0], name)
                    for name in COUNT_FIELDS
                    if getattr(given, name) is None
                },
            )
        _check(merged)
        await store.set_headcount(conn, given, now)
    return merged


async def headcounts_of(db: Database, organisation_id: int) -> list[Headcount]:
    """The organisation's headcounts, one per school year, latest first."""
    async with db.connect() as conn:
        return await store.headcounts_of_organisation(conn, organisation_id)
