"""Organisations (школы, колледжи, учреждения доп. образования, партнёры)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import insert, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.schema import organisations
from storage.types import utcnow

__all__ = [
    "ORGANISATION_KINDS",
    "Organisation",
    "create",
    "get",
    "list_all",
    "set_head",
    "update_fields",
]

ORGANISATION_KINDS = ("school", "college", "additional", "partner")


@dataclass(frozen=True, slots=True)
class Organisation:
    id: int
    name: str
    kind: str
    municipality: str
    region: str
    timezone: str
    head_name: str = ""  # who signs its documents (0022)
    head_position: str = ""


def _from_row(row: RowMapping) -> Organisation:
    return Organisation(
        id=row["id"],
        name=row["name"],
        kind=row["kind"],
        municipality=row["municipality"],
        region=row["region"],
        timezone=row["timezone"],
        head_name=row.get("head_name") or "",
        head_position=row.get("head_position") or "",
    )


async def create(
    conn: AsyncConnection, *, name: str, kind: str, municipality: str, region: str, timezone: str
) -> Organisation:
    result = await conn.execute(
        insert(organisations)
        .values(
            name=name,
            kind=kind,
            municipality=municipality,
            region=region,
            timezone=timezone,
            created_at=utcnow(),
        )
        .returning(*organisations.c)
    )
    return _from_row(result.mappings().one())


async def get(conn: AsyncConnection, organisation_id: int) -> Organisation | None:
    result = await conn.execute(select(organisations).where(organisations.c.id == organisation_id))
    row = result.mappings().first()
    return _from_row(row) if row else None


async def list_all(conn: AsyncConnection) -> list[Organisation]:
    result = await conn.execute(select(organisations).order_by(organisations.c.id))
    return [_from_row(row) for row in result.mappings()]


async def update_fields(
    conn: AsyncConnection,
    organisation_id: int,
    *,
    name: str,
    kind: str,
    municipality: str,
    region: str,
    timezone: str,
) -> Organisation | None:
    result = await conn.execute(
        update(organisations)
        .where(organisations.c.id == organisation_id)
        .values(name=name, kind=kind, municipality=municipality, region=region, timezone=timezone)
        .returning(*organisations.c)
    )
    row = result.mappings().first()
    return _from_row(row) if row else None


async def set_head(
    conn: AsyncConnection, organisation_id: int, *, head_name: str, head_position: str
) -> Organisation | None:
    """Who signs the organisation's documents; None when the organisation is unknown."""
    result = await conn.execute(
        update(organisations)
        .where(organisations.c.id == organisation_id)
        .values(head_name=head_name, head_position=head_position)
        .returning(*organisations.c)
    )
    row = result.mappings().first()
    return _from_row(row) if row else None
