"""Best mentoring practices (лучшие практики наставничества) organisations report per quarter.

A quarter is stored as text like "2026-Q4": fixed width, so text order is time order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.schema import organisations, practices

__all__ = [
    "Practice",
    "add",
    "of_organisations",
    "practice_rows",
    "quarter_of",
    "quarter_start",
]


@dataclass(frozen=True, slots=True)
class PracticeRow:
    organisation: str
    quarter: str
    title: str
    form: str
    link: str


@dataclass(frozen=True, slots=True)
class Practice:
    id: int
    organisation_id: int
    person_id: int | None
    title: str
    form: str
    link: str
    quarter: str
    created_at: datetime


def quarter_of(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def quarter_start(quarter: str) -> date:
    """The first day of a quarter given as "2026-Q3"."""
    year, number = quarter.split("-Q")
    return date(int(year), 3 * int(number) - 2, 1)


def _quarters_starting_within(start: date, end: date) -> tuple[str, str]:
    """The first and last quarter whose first day lies in [start, end] (may be empty: lo > hi)."""
    first = quarter_of(start)
    if quarter_start(first) < start:
        year, number = start.year, (start.month - 1) // 3 + 2
        first = f"{year + 1}-Q1" if number > 4 else f"{year}-Q{number}"
    return first, quarter_of(end)


async def add(
    conn: AsyncConnection,
    *,
    organisation_id: int,
    person_id: int | None,
    title: str,
    form: str,
    link: str,
    quarter: str,
    now: datetime,
) -> Practice:
    values = {
        "organisation_id": organisation_id,
        "person_id": person_id,
        "title": title,
        "form": form,
        "link": link,
        "quarter": quarter,
        "created_at": now,
    }
    result = await conn.execute(insert(practices).values(**values).returning(practices.c.id))
    return Practice(
        id=int(result.scalar_one()),
        organisation_id=organisation_id,
        person_id=person_id,
        title=title,
        form=form,
        link=link,
        quarter=quarter,
        created_at=now,
    )


async def of_organisations(
    conn: AsyncConnection, org_ids: Sequence[int], first: str, last: str
) -> list[Practice]:
    """Practices of these organisations in quarters first..last (inclusive), oldest first."""
    query = (
        select(practices)
        .where(
            practices.c.organisation_id.in_(list(org_ids)),
            practices.c.quarter >= first,
            practices.c.quarter <= last,
        )
        .order_by(practices.c.quarter, practices.c.organisation_id, practices.c.id)
    )
    return [Practice(**row) for row in (await conn.execute(query)).mappings()]


async def practice_rows(
    conn: AsyncConnection, org_ids: Sequence[int], start: date, end: date
) -> tuple[PracticeRow, ...]:
    """Report rows for the practices whose quarter begins within [start, end]."""
    first, last = _quarters_starting_within(start, end)
    if first > last or not org_ids:
        return ()
    query = (
        select(
            organisations.c.name,
            practices.c.quarter,
            practices.c.title,
            practices.c.form,
            practices.c.link,
        )
        .join(organisations, organisations.c.id == practices.c.organisation_id)
        .where(
            practices.c.organisation_id.in_(list(org_ids)),
            practices.c.quarter >= first,
            practices.c.quarter <= last,
        )
        .order_by(organisations.c.name, practices.c.quarter, practices.c.id)
    )
    return tuple(
        PracticeRow(organisation=name, quarter=quarter, title=title, form=form, link=link)
        for name, quarter, title, form, link in (await conn.execute(query)).all()
    )
