"""Headcounts (численность) per organisation and school year, and KPI target overrides."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.schema import headcounts, kpi_targets

__all__ = [
    "Headcount",
    "get_headcounts",
    "headcounts_of_organisation",
    "set_headcount",
    "set_target",
    "target_overrides",
]


@dataclass(frozen=True, slots=True)
class Headcount:
    organisation_id: int
    year: int
    pupils_10_19: int | None
    pupils_15_19: int | None
    young_teachers: int | None
    teachers_under_35: int | None
    partners_on_record: int | None


HEADCOUNT_FIELDS = tuple(Headcount.__dataclass_fields__)


async def set_headcount(conn: AsyncConnection, headcount: Headcount, now: datetime) -> None:
    """Replace the row for (organisation, year); fields left None are kept from the old row."""
    old = await get_headcounts(conn, [headcount.organisation_id], headcount.year)
    values = {
        name: getattr(headcount, name)
        for name in (
            "pupils_10_19",
            "pupils_15_19",
            "young_teachers",
            "teachers_under_35",
            "partners_on_record",
        )
    }
    if old:
        values = {k: v if v is not None else getattr(old[0], k) for k, v in values.items()}
    await conn.execute(
        delete(headcounts).where(
            headcounts.c.organisation_id == headcount.organisation_id,
            headcounts.c.year == headcount.year,
        )
    )
    await conn.execute(
        insert(headcounts).values(
            organisation_id=headcount.organisation_id,
            year=headcount.year,
            updated_at=now,
            **values,
        )
    )


async def get_headcounts(
    conn: AsyncConnection, organisation_ids: Iterable[int] | None, year: int
) -> list[Headcount]:
    """The year's rows for these organisations (None: all organisations)."""
    # The columns by name, the rows by position: a region's thousand rows are on /stats' path.
    query = select(*(headcounts.c[name] for name in HEADCOUNT_FIELDS)).where(
        headcounts.c.year == year
    )
    if organisation_ids is not None:
        query = query.where(headcounts.c.organisation_id.in_(list(organisation_ids)))
    return [Headcount(*row) for row in (await conn.execute(query)).all()]


async def headcounts_of_organisation(
    conn: AsyncConnection, organisation_id: int
) -> list[Headcount]:
    """Every school year's row of one organisation, latest year first."""
    query = (
        select(headcounts)
        .where(headcounts.c.organisation_id == organisation_id)
        .order_by(headcounts.c.year.desc())
    )
    rows = (await conn.execute(query)).mappings().all()
    return [Headcount(**{k: v for k, v in row.items() if k != "updated_at"}) for row in rows]


async def set_target(
    conn: AsyncConnection, kpi: str, year: int, value_pct: float, now: datetime
) -> None:
    await conn.execute(
        delete(kpi_targets).where(kpi_targets.c.kpi == kpi, kpi_targets.c.year == year)
    )
    await conn.execute(
        insert(kpi_targets).values(kpi=kpi, year=year, value_pct=value_pct, updated_at=now)
    )


async def target_overrides(conn: AsyncConnection, year: int) -> dict[str, float]:
    query = select(kpi_targets.c.kpi, kpi_targets.c.value_pct).where(kpi_targets.c.year == year)
    return {str(kpi): float(value) for kpi, value in (await conn.execute(query)).all()}
