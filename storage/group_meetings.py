"""Group meetings of all candidates (before the preference questionnaire)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.schema import group_meeting_attendees, group_meetings, memberships
from storage.types import utcnow

__all__ = ["GroupMeeting", "attendees", "create", "get", "latest_for_organisation"]


@dataclass(frozen=True, slots=True)
class GroupMeeting:
    id: int
    organisation_id: int
    held_on: date


async def create(
    conn: AsyncConnection,
    organisation_id: int,
    held_on: date,
    attendee_ids: list[int],
    created_by: int | None,
) -> GroupMeeting:
    result = await conn.execute(
        insert(group_meetings)
        .values(
            organisation_id=organisation_id,
            held_on=held_on,
            created_by=created_by,
            created_at=utcnow(),
        )
        .returning(group_meetings.c.id)
    )
    meeting_id = int(result.scalar_one())
    if attendee_ids:
        await conn.execute(
            insert(group_meeting_attendees),
            [
                {"group_meeting_id": meeting_id, "person_id": pid}
                for pid in sorted(set(attendee_ids))
            ],
        )
    return GroupMeeting(meeting_id, organisation_id, held_on)


async def get(conn: AsyncConnection, meeting_id: int) -> GroupMeeting | None:
    row = (
        (await conn.execute(select(group_meetings).where(group_meetings.c.id == meeting_id)))
        .mappings()
        .first()
    )
    return GroupMeeting(row["id"], row["organisation_id"], row["held_on"]) if row else None


async def latest_for_organisation(
    conn: AsyncConnection, organisation_id: int
) -> GroupMeeting | None:
    query = (
        select(group_meetings)
        .where(group_meetings.c.organisation_id == organisation_id)
        .order_by(group_meetings.c.held_on.desc(), group_meetings.c.id.desc())
        .limit(1)
    )
    row = (await conn.execute(query)).mappings().first()
    return GroupMeeting(row["id"], row["organisation_id"], row["held_on"]) if row else None


async def attendees(conn: AsyncConnection, meeting_id: int, role: str | None = None) -> list[int]:
    """Attendee ids, optionally only those with this role in the meeting's organisation."""
    query = select(group_meeting_attendees.c.person_id).where(
        group_meeting_attendees.c.group_meeting_id == meeting_id
    )
    if role is not None:
        meeting = (
            select(group_meetings.c.organisation_id)
            .where(group_meetings.c.id == meeting_id)
            .scalar_subquery()
        )
        query = query.join(
            memberships,
            (memberships.c.person_id == group_meeting_attendees.c.person_id)
            & (memberships.c.organisation_id == meeting)
            & (memberships.c.role == role),
        )
    result = await conn.execute(query.order_by(group_meeting_attendees.c.person_id))
    return [int(pid) for pid in result.scalars()]
