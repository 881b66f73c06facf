"""Roadmap items of organisations (пункты дорожной карты): dated, with a done flag."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.schema import roadmap_items
from storage.types import utcnow

__all__ = [
    "NewItem",
    "RoadmapItem",
    "add_items",
    "get",
    "mark_done",
    "mark_skipped",
    "of_organisation",
    "open_items",
]


@dataclass(frozen=True, slots=True)
class NewItem:
    code: str
    title_ru: str
    title_en: str
    stage: str
    due_on: date
    responsible_role: str


@dataclass(frozen=True, slots=True)
class RoadmapItem:
    id: int
    organisation_id: int
    year: int
    code: str
    title_ru: str
    title_en: str
    stage: str
    due_on: date
    responsible_role: str
    done_at: datetime | None
    done_link: str | None = None  # a back-office path (under /admin) of the work that did it
    skipped: bool = False  # already past when the template was imported mid-year

    @property
    def done(self) -> bool:
        """Closed: done, or skipped at import; either way not overdue."""
        return self.done_at is not None

    def title(self, locale: str) -> str:
        return self.title_en if locale == "en" else self.title_ru


def _item(row: RowMapping) -> RoadmapItem:
    return RoadmapItem(**{name: row[name] for name in RoadmapItem.__slots__})  # type: ignore[attr-defined]


async def add_items(
    conn: AsyncConnection, organisation_id: int, year: int, items: Sequence[NewItem]
) -> int:
    """Insert the items that are not there yet (by code); returns how many were added."""
    insert_ = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    added = 0
    for item in items:
        result = await conn.execute(
            insert_(roadmap_items)
            .values(
                organisation_id=organisation_id,
                year=year,
                code=item.code,
                title_ru=item.title_ru,
                title_en=item.title_en,
                stage=item.stage,
                due_on=item.due_on,
                responsible_role=item.responsible_role,
                created_at=utcnow(),
            )
            .on_conflict_do_nothing(index_elements=["organisation_id", "year", "code"])
        )
        added += result.rowcount
    return added


async def get(conn: AsyncConnection, item_id: int) -> RoadmapItem | None:
    query = select(roadmap_items).where(roadmap_items.c.id == item_id)
    row = (await conn.execute(query)).mappings().first()
    return _item(row) if row else None


async def of_organisation(conn: AsyncConnection, organisation_id: int) -> list[RoadmapItem]:
    query = (
        select(roadmap_items)
        .where(roadmap_items.c.organisation_id == organisation_id)
        .order_by(roadmap_items.c.due_on, roadmap_items.c.id)
    )
    return [_item(row) for row in (await conn.execute(query)).mappings()]


async def open_items(conn: AsyncConnection, due_until: date) -> list[RoadmapItem]:
    """Items not done yet, due on or before `due_until`, in every organisation."""
    query = (
        select(roadmap_items)
        .where(roadmap_items.c.done_at.is_(None), roadmap_items.c.due_on <= due_until)
        .order_by(roadmap_items.c.organisation_id, roadmap_items.c.due_on, roadmap_items.c.id)
    )
    return [_item(row) for row in (await conn.execute(query)).mappings()]


async def mark_done(
    conn: AsyncConnection,
    item_id: int,
    person_id: int | None,
    now: datetime,
    *,
    link: str | None = None,
) -> bool:
    """Mark an item done (a skipped one too); False when it was done already or is missing."""
    result = await conn.execute(
        update(roadmap_items)
        .where(
            roadmap_items.c.id == item_id,
            or_(roadmap_items.c.done_at.is_(None), roadmap_items.c.skipped.is_(True)),
        )
        .values(done_at=now, done_by=person_id, done_link=link, skipped=False)
    )
    return result.rowcount == 1


async def mark_skipped(
    conn: AsyncConnection, organisation_id: int, year: int, before: date, now: datetime
) -> int:
    """Skip the open items of the year due before `before`; returns how many."""
    result = await conn.execute(
        update(roadmap_items)
        .where(
            roadmap_items.c.organisation_id == organisation_id,
            roadmap_items.c.year == year,
            roadmap_items.c.done_at.is_(None),
            roadmap_items.c.due_on < before,
        )
        .values(done_at=now, skipped=True)
    )
    return result.rowcount
