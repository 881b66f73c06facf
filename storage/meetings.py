"""Meetings of pairs (встречи): one row per meeting; the outbox holds what is sent about it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, or_, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.schema import meetings, outbox

__all__ = [
    "KINDS",
    "STATUSES",
    "Meeting",
    "cancel_pending_notices",
    "create",
    "get",
    "in_window",
    "last_held_by_pair",
    "notice_exists",
    "of_organisation",
    "of_pairs",
    "set_fields",
]

KINDS = ("intro", "trial", "planning", "regular", "final", "group_final")
STATUSES = ("proposed", "confirmed", "declined", "cancelled", "held", "not_held")


@dataclass(frozen=True, slots=True)
class Meeting:
    id: int
    organisation_id: int
    pair_id: int | None
    kind: str
    starts_at: datetime
    duration_minutes: int
    place: str
    status: str
    proposed_by: int | None
    confirmed_by: int | None
    cancel_reason: str | None


def _meeting(row: RowMapping) -> Meeting:
    return Meeting(**{name: row[name] for name in Meeting.__slots__})  # type: ignore[attr-defined]


async def create(
    conn: AsyncConnection,
    *,
    organisation_id: int,
    pair_id: int | None,
    kind: str,
    starts_at: datetime,
    duration_minutes: int,
    place: str,
    proposed_by: int,
    now: datetime,
) -> int:
    result = await conn.execute(
        insert(meetings)
        .values(
            organisation_id=organisation_id,
            pair_id=pair_id,
            kind=kind,
            starts_at=starts_at,
            duration_minutes=duration_minutes,
            place=place[:300],
            status="proposed",
            proposed_by=proposed_by,
            created_at=now,
            updated_at=now,
        )
        .returning(meetings.c.id)
    )
    return int(result.scalar_one())


async def get(conn: AsyncConnection, meeting_id: int) -> Meeting | None:
    row = (
        (await conn.execute(select(meetings).where(meetings.c.id == meeting_id))).mappings().first()
    )
    return _meeting(row) if row else None


async def set_fields(
    conn: AsyncConnection,
    meeting_id: int,
    *,
    expected_status: tuple[str, ...],
    now: datetime,
    **values: object,
) -> bool:
    """Update the meeting if its status is still one of `expected_status` (no lost updates)."""
    result = await conn.execute(
        update(meetings)
        .where(meetings.c.id == meeting_id, meetings.c.status.in_(expected_status))
        .values(updated_at=now, **values)
    )
    return result.rowcount == 1


async def of_pairs(
    conn: AsyncConnection, pair_ids: list[int], organisation_ids: list[int]
) -> list[Meeting]:
    """Meetings of these pairs plus the all-pairs meetings of these organisations."""
    result = await conn.execute(
        select(meetings)
        .where(
            or_(
                meetings.c.pair_id.in_(pair_ids),
                meetings.c.pair_id.is_(None) & meetings.c.organisation_id.in_(organisation_ids),
            )
        )
        .order_by(meetings.c.starts_at)
    )
    return [_meeting(r) for r in result.mappings()]


async def of_organisation(conn: AsyncConnection, organisation_id: int) -> list[Meeting]:
    result = await conn.execute(
        select(meetings)
        .where(meetings.c.organisation_id == organisation_id)
        .order_by(meetings.c.starts_at)
    )
    return [_meeting(r) for r in result.mappings()]


async def in_window(
    conn: AsyncConnection, statuses: tuple[str, ...], start: datetime, end: datetime
) -> list[Meeting]:
    result = await conn.execute(
        select(meetings)
        .where(
            meetings.c.status.in_(statuses),
            meetings.c.starts_at >= start,
            meetings.c.starts_at < end,
        )
        .order_by(meetings.c.starts_at)
    )
    return [_meeting(r) for r in result.mappings()]


async def last_held_by_pair(conn: AsyncConnection, organisation_id: int) -> dict[int, datetime]:
    result = await conn.execute(
        select(meetings.c.pair_id, meetings.c.starts_at).where(
            meetings.c.organisation_id == organisation_id,
            meetings.c.status == "held",
            meetings.c.pair_id.is_not(None),
        )
    )
    last: dict[int, datetime] = {}
    for pair_id, starts_at in result.all():
        if pair_id not in last or starts_at > last[pair_id]:
            last[pair_id] = starts_at
    return last


async def cancel_pending_notices(conn: AsyncConnection, meeting_id: int) -> int:
    """Withdraw reminders not yet sent (after a cancel or a new time); keys name the meeting."""
    result = await conn.execute(
        update(outbox)
        .where(
            outbox.c.dedupe_key.like(f"meeting:{meeting_id}:%"),
            outbox.c.status == "pending",
        )
        .values(status="cancelled")
    )
    return result.rowcount


async def notice_exists(conn: AsyncConnection, dedupe_key: str) -> bool:
    """Whether the outbox has this key already (lets a planner skip costly work)."""
    found = await conn.execute(select(outbox.c.id).where(outbox.c.dedupe_key == dedupe_key))
    return found.first() is not None
