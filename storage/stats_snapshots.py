"""Per-organisation snapshots of the /stats counts: written by the periodic refresh, read by
large scopes. The facts are JSON made and read by `mentoring.stats.facts`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.schema import stats_snapshots

__all__ = ["Snapshot", "read", "replace_period", "stamps"]


@dataclass(frozen=True, slots=True)
class Snapshot:
    organisation_id: int
    threshold: float
    computed_at: datetime
    facts: str


async def replace_period(
    conn: AsyncConnection,
    period: str,
    threshold: float,
    computed_at: datetime,
    facts: Iterable[tuple[int, str]],
) -> int:
    """Replace every snapshot of the period by these (organisation id, facts JSON) rows."""
    await conn.execute(delete(stats_snapshots).where(stats_snapshots.c.period == period))
    rows = [
        {
            "period": period,
            "organisation_id": org_id,
            "threshold": threshold,
            "computed_at": computed_at,
            "facts": text,
        }
        for org_id, text in facts
    ]
    if rows:
        await conn.execute(insert(stats_snapshots), rows)
    return len(rows)


async def stamps(
    conn: AsyncConnection, period: str, org_ids: Sequence[int]
) -> list[tuple[int, float, datetime]]:
    """(organisation id, threshold, computed_at) of the period's rows, without their facts."""
    query = select(
        stats_snapshots.c.organisation_id,
        stats_snapshots.c.threshold,
        stats_snapshots.c.computed_at,
    ).where(stats_snapshots.c.period == period)
    wanted = set(org_ids)
    return [
        (int(org_id), float(threshold), computed_at)
        for org_id, threshold, computed_at in (await conn.execute(query)).all()
        if int(org_id) in wanted
    ]


async def read(conn: AsyncConnection, period: str, org_ids: Sequence[int]) -> list[Snapshot]:
    query = select(
        stats_snapshots.c.organisation_id,
        stats_snapshots.c.threshold,
        stats_snapshots.c.computed_at,
        stats_snapshots.c.facts,
    ).where(stats_snapshots.c.period == period)
    wanted = set(org_ids)
    return [
        Snapshot(int(org_id), float(threshold), computed_at, facts)
        for org_id, threshold, computed_at, facts in (await conn.execute(query)).all()
        if int(org_id) in wanted
    ]
