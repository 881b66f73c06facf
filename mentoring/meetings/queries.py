"""What the front doors ask about meetings: whom one may schedule for, who may act, lists.

The rules live here (and in `mentoring.meetings.service`), not in the chat handlers, so the web
pages and the chat answer the same questions the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncConnection

from mentoring.meetings import participants, service
from mentoring.people.curation import can_curate, curated_organisations
from storage import meetings as meeting_store
from storage import organisations as org_store
from storage import pairs as pair_store
from storage import people as people_store
from storage.db import Database
from storage.meetings import Meeting
from storage.pairs import Pair
from storage.people import Person

__all__ = [
    "CANCELLABLE",
    "PersonMeetings",
    "check_member",
    "check_mover",
    "get_meeting",
    "meetings_of",
    "organisation_timezone",
    "pair_names",
    "schedulable_pair",
    "schedulable_pairs",
]

CANCELLABLE = ("proposed", "confirmed")


@dataclass(frozen=True, slots=True)
class PersonMeetings:
    meetings: list[Meeting]  # by start time
    timezones: dict[int, str]  # organisation id → timezone
    cancellable: frozenset[int]  # meeting ids he may cancel (mentor or curator)
    pairs: dict[int, list[str]]  # pair id → names, mentor first (for the curator's list)

    def timezone(self, meeting: Meeting) -> str:
        return self.timezones.get(meeting.organisation_id, participants.DEFAULT_TIMEZONE)


async def schedulable_pairs(db: Database, person: Person) -> list[Pair]:
    """Pairs he may create a meeting for: those he mentors and those of schools he curates."""
    async with db.connect() as conn:
        mine = [
            p for p in await pair_store.pairs_of_person(conn, person.id) if p.mentor_id == person.id
        ]
        for organisation in await curated_organisations(db, person):
            mine += await pair_store.active_pairs(conn, organisation.id)
    return list({p.id: p for p in mine}.values())


async def schedulable_pair(db: Database, person: Person | None, pair_id: int) -> Pair | None:
    """The pair, when he may create a meeting for it; None otherwise."""
    async with db.connect() as conn:
        pair = await pair_store.get_pair(conn, pair_id)
        if pair is None or not await participants.can_create(
            conn, person, pair.id, pair.organisation_id
        ):
            return None
    return pair


async def pair_names(db: Database, pair: Pair) -> list[str]:
    """Mentor first, then the mentees."""
    async with db.connect() as conn:
        return await _names(conn, [pair.mentor_id, *pair.mentee_ids])


async def organisation_timezone(db: Database, organisation_id: int) -> str:
    async with db.connect() as conn:
        organisation = await org_store.get(conn, organisation_id)
    return organisation.timezone if organisation else participants.DEFAULT_TIMEZONE


async def get_meeting(db: Database, meeting_id: int) -> Meeting | None:
    async with db.connect() as conn:
        return await meeting_store.get(conn, meeting_id)


async def check_member(db: Database, person: Person | None, meeting_id: int) -> service.Outcome:
    """A participant of the meeting or the curator of its organisation may act on it."""
    async with db.connect() as conn:
        meeting = await meeting_store.get(conn, meeting_id)
        if meeting is None or person is None:
            return service.Outcome(False, "stale")
        members = {p.person_id for p in await participants.participants(conn, meeting)}
    if person.id in members or can_curate(person, meeting.organisation_id):
        return service.Outcome(True, meeting_id=meeting_id)
    return service.Outcome(False, "no_rights")


async def check_mover(db: Database, person: Person | None, meeting_id: int) -> service.Outcome:
    """Whether he may ask for a new time: a member while it is unconfirmed; once confirmed,
    the mentor or the curator (the service checks again)."""
    outcome = await check_member(db, person, meeting_id)
    if not outcome.ok or person is None:
        return outcome
    async with db.connect() as conn:
        meeting = await meeting_store.get(conn, meeting_id)
        if meeting is None:
            return service.Outcome(False, "stale")
        if meeting.status != "confirmed" or can_curate(person, meeting.organisation_id):
            return outcome
        pair = await pair_store.get_pair(conn, meeting.pair_id) if meeting.pair_id else None
    if pair is not None and pair.mentor_id == person.id:
        return outcome
    return service.Outcome(False, "move_confirmed")


async def meetings_of(db: Database, person: Person) -> PersonMeetings:
    """His pairs' meetings, his organisations' group meetings, and those of schools he curates."""
    async with db.connect() as conn:
        pairs = await pair_store.pairs_of_person(conn, person.id)
        orgs = {m.organisation_id for m in person.memberships if m.organisation_id}
        found = await meeting_store.of_pairs(conn, [p.id for p in pairs], sorted(orgs))
        for organisation in await curated_organisations(db, person):
            found += await meeting_store.of_organisation(conn, organisation.id)
        zones = {o.id: o.timezone for o in await org_store.list_all(conn)}
        unique = sorted({m.id: m for m in found}.values(), key=lambda m: m.starts_at)
        cancellable = set()
        for meeting in unique:
            if meeting.status not in CANCELLABLE:
                continue
            people = await participants.participants(conn, meeting)
            mentor = next((p.person_id for p in people if p.role == "mentor"), None)
            mentor = mentor if meeting.pair_id is not None else None  # all pairs: the curator's
            # Offered to whom the cancel service allows it: the mentor, the curator.
            if person.id == mentor or can_curate(person, meeting.organisation_id):
                cancellable.add(meeting.id)
        names: dict[int, list[str]] = {}
        for pair_id in {m.pair_id for m in unique if m.pair_id is not None}:
            pair = await pair_store.get_pair(conn, pair_id)
            if pair is not None:
                names[pair_id] = await _names(conn, [pair.mentor_id, *pair.mentee_ids])
    return PersonMeetings(unique, zones, frozenset(cancellable), names)


async def _names(conn: AsyncConnection, person_ids: list[int]) -> list[str]:
    people = [await people_store.get(conn, pid) for pid in person_ids]
    return [(p.full_name or "?") if p else "?" for p in people]
