"""Who a meeting concerns and who may manage it: its participants as the planners see them
(every mentee counted as a pupil, for quiet hours), its facts, and the rights to create and
manage it (the pair's mentor or the organisation's curator; the all-pairs meeting is the
curator's alone)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection

from mentoring.people.curation import can_curate
from mentoring.timing.planners import MeetingFacts, Participant
from storage import organisations as org_store
from storage import pairs as pair_store
from storage import people as people_store
from storage.meetings import Meeting
from storage.people import Person

__all__ = [
    "DEFAULT_TIMEZONE",
    "can_create",
    "facts",
    "may_manage",
    "participants",
    "staff_participant",
    "timezone_of",
]

DEFAULT_TIMEZONE = "Europe/Moscow"


async def timezone_of(conn: AsyncConnection, organisation_id: int) -> str:
    organisation = await org_store.get(conn, organisation_id)
    return organisation.timezone if organisation else DEFAULT_TIMEZONE


async def participants(conn: AsyncConnection, meeting: Meeting) -> list[Participant]:
    """Everyone the meeting concerns who can be messaged; every mentee counts as a pupil."""
    roles: dict[int, str] = {}
    if meeting.pair_id is not None:
        pair = await pair_store.get_pair(conn, meeting.pair_id)
        found = [pair] if pair else []
    else:
        found = await pair_store.active_pairs(conn, meeting.organisation_id)
        if meeting.proposed_by is not None:
            roles[meeting.proposed_by] = "curator"
    for pair in found:
        roles[pair.mentor_id] = "mentor"
        roles.update({m: "mentee" for m in pair.mentee_ids})
    result = []
    for person_id, role in roles.items():
        person = await people_store.get(conn, person_id)
        if person is None or person.telegram_id is None or not person.registered:
            continue
        result.append(
            Participant(person_id, person.telegram_id, person.locale, role, role == "mentee")
        )
    return result


async def facts(conn: AsyncConnection, meeting: Meeting) -> MeetingFacts:
    asker = meeting.proposed_by or 0
    if meeting.pair_id is not None:
        pair = await pair_store.get_pair(conn, meeting.pair_id)
        asker = pair.mentor_id if pair else asker
    return MeetingFacts(
        id=meeting.id,
        kind=meeting.kind,
        status=meeting.status,
        starts_at=meeting.starts_at,
        duration_minutes=meeting.duration_minutes,
        place=meeting.place,
        timezone=await timezone_of(conn, meeting.organisation_id),
        asker_id=asker,
    )


def may_manage(person: Person, meeting: Meeting, mentor_id: int | None) -> bool:
    """The pair's mentor or the curator; the all-pairs meeting is the curator's alone."""
    mentor = mentor_id if meeting.pair_id is not None else None
    return person.id == mentor or can_curate(person, meeting.organisation_id)


async def can_create(
    conn: AsyncConnection, person: Person | None, pair_id: int | None, organisation_id: int
) -> bool:
    if person is None:
        return False
    if pair_id is None:
        return can_curate(person, organisation_id)
    pair = await pair_store.get_pair(conn, pair_id)
    if pair is None or pair.status != "active" or pair.organisation_id != organisation_id:
        return False
    return person.id == pair.mentor_id or can_curate(person, organisation_id)


async def staff_participant(conn: AsyncConnection, person_id: int) -> list[Participant]:
    person = await people_store.get(conn, person_id)
    if person is None or person.telegram_id is None:
        return []
    return [Participant(person.id, person.telegram_id, person.locale, "curator", False)]
