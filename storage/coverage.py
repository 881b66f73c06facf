"""Coordinators' areas: the municipalities and regions an invite, then its coordinator, covers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.schema import coordinator_coverage, invite_coverage, organisations

__all__ = [
    "Coverage",
    "bind_invite_coverage",
    "coverage_of",
    "covered_organisations",
    "invite_coverage_of",
    "set_invite_coverage",
]


@dataclass(frozen=True, slots=True)
class Coverage:
    """A coordinator's area: municipalities and regions whose organisations he sees."""

    municipalities: frozenset[str] = frozenset()
    regions: frozenset[str] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.municipalities or self.regions)


async def set_invite_coverage(
    conn: AsyncConnection, invite_id: int, *, municipality: str | None, region: str | None
) -> None:
    await conn.execute(
        insert(invite_coverage).values(
            invite_id=invite_id, municipality=municipality, region=region
        )
    )


async def bind_invite_coverage(
    conn: AsyncConnection, person_id: int, invite_id: int, now: datetime
) -> None:
    """Copy the invite's coverage, if any, to the person who registered with it."""
    query = select(invite_coverage.c.municipality, invite_coverage.c.region).where(
        invite_coverage.c.invite_id == invite_id
    )
    for municipality, region in (await conn.execute(query)).all():
        await conn.execute(
            insert(coordinator_coverage).values(
                person_id=person_id, municipality=municipality, region=region, created_at=now
            )
        )


async def invite_coverage_of(conn: AsyncConnection, invite_id: int) -> Coverage:
    query = select(invite_coverage.c.municipality, invite_coverage.c.region).where(
        invite_coverage.c.invite_id == invite_id
    )
    rows = (await conn.execute(query)).all()
    return Coverage(
        municipalities=frozenset(m for m, _ in rows if m),
        regions=frozenset(r for _, r in rows if r),
    )


async def coverage_of(conn: AsyncConnection, person_id: int) -> Coverage:
    query = select(coordinator_coverage.c.municipality, coordinator_coverage.c.region).where(
        coordinator_coverage.c.person_id == person_id
    )
    rows = (await conn.execute(query)).all()
    return Coverage(
        municipalities=frozenset(m for m, _ in rows if m),
        regions=frozenset(r for _, r in rows if r),
    )


async def covered_organisations(conn: AsyncConnection, coverage: Coverage) -> frozenset[int]:
    if not coverage:
        return frozenset()
    query = select(organisations.c.id).where(
        or_(
            organisations.c.municipality.in_(sorted(coverage.municipalities)),
            organisations.c.region.in_(sorted(coverage.regions)),
        )
    )
    return frozenset(int(i) for i in (await conn.execute(query)).scalars())
