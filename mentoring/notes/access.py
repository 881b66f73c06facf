"""Who may read a note, in one place for every front door: the curators of the mentee's
organisation, and his current mentor when the mentee (and a minor's parent) agreed. Not a
coordinator, not an admin, not another organisation's curator, not another mentor. Every read
is written to the audit log with the reader."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncConnection

from mentoring.notes.consent import mentee_org
from mentoring.people.access import scope_of
from storage import audit, people
from storage import notes as note_store
from storage import organisations as org_store
from storage import pairs as pair_store
from storage.db import Database
from storage.notes import Note, NoteRequest
from storage.people import Person

__all__ = [
    "CuratorView",
    "MenteeNotes",
    "MenteeSummary",
    "curator_overview",
    "curator_view",
    "mentor_notes",
    "reader_as",
]


def reader_as(viewer: Person | None, note: Note, mentor_ids: set[int]) -> str | None:
    """ "curator", "mentor" or None: the rule itself. `mentor_ids`: the mentee's current
    mentors (active pairs)."""
    scope = scope_of(viewer)
    if viewer is None:
        return None
    if scope is not None and note.organisation_id in scope.curated:
        return "curator"
    if note.mentor_may_see and viewer.id in mentor_ids and viewer.registered:
        return "mentor"
    return None


async def _mentors_of(conn: AsyncConnection, mentee_id: int) -> set[int]:
    pairs = await pair_store.pairs_of_person(conn, mentee_id)
    return {p.mentor_id for p in pairs if mentee_id in p.mentee_ids}


async def _timezone(conn: AsyncConnection, organisation_id: int) -> str:
    organisation = await org_store.get(conn, organisation_id)
    return organisation.timezone if organisation else "Europe/Moscow"


async def _read(
    conn: AsyncConnection, viewer: Person | None, mentee_id: int, via: str
) -> list[Note]:
    """The notes about `mentee_id` that `viewer` may read, each read written to the audit log."""
    mentors = await _mentors_of(conn, mentee_id)
    shown = []
    for note in await note_store.notes_of_mentee(conn, mentee_id):
        role = reader_as(viewer, note, mentors)
        if role is None or viewer is None:
            continue
        await audit.record(
            conn,
            "note.read",
            actor_person_id=viewer.id,
            object_type="note",
            object_id=note.id,
            details={"as": role, "via": via},
        )
        shown.append(note)
    return shown


@dataclass(frozen=True, slots=True)
class CuratorView:
    mentee_id: int
    mentee_name: str
    organisation_id: int
    notes: list[Note]
    requests: list[NoteRequest]
    timezone: str  # the organisation's, to show dates in


async def curator_view(
    db: Database, curator: Person | None, mentee_id: int, *, via: str
) -> CuratorView | None:
    """A mentee's notes and requests as his curator sees them; None for anyone else."""
    async with db.begin() as conn:
        org = await mentee_org(conn, curator, mentee_id)
        mentee = await people.get(conn, mentee_id)
        if org is None or mentee is None:
            return None
        notes = await _read(conn, curator, mentee_id, via)
        requests = [
            r
            for r in await note_store.requests_of_mentee(conn, mentee_id)
            if r.organisation_id == org and r.status != "written"
        ]
        timezone = await _timezone(conn, org)
    return CuratorView(mentee_id, mentee.full_name or "—", org, notes, requests, timezone)


@dataclass(frozen=True, slots=True)
class MenteeSummary:
    mentee_id: int
    name: str
    notes: int


async def curator_overview(db: Database, curator: Person | None) -> list[MenteeSummary]:
    """The active mentees of every organisation he curates, with how many notes each has."""
    scope = scope_of(curator)
    if scope is None:
        return []
    found: dict[int, MenteeSummary] = {}
    async with db.connect() as conn:
        for org in sorted(scope.curated):
            counts = await note_store.counts_by_mentee(conn, org)
            for row in await people.list_in_organisation(conn, org):
                if row.role == "mentee" and row.status == "active" and row.id not in found:
                    found[row.id] = MenteeSummary(
                        row.id, row.full_name or "—", counts.get(row.id, 0)
                    )
    return sorted(found.values(), key=lambda s: (s.name, s.mentee_id))


@dataclass(frozen=True, slots=True)
class MenteeNotes:
    mentee_id: int
    name: str
    notes: list[Note]
    timezone: str


async def mentor_notes(db: Database, mentor: Person | None, *, via: str) -> list[MenteeNotes]:
    """The notes a mentor may read about the mentees of his active pairs."""
    if mentor is None or not mentor.registered:
        return []
    found = []
    async with db.begin() as conn:
        for pair in await pair_store.pairs_of_person(conn, mentor.id):
            if pair.mentor_id != mentor.id:
                continue
            for mentee_id in pair.mentee_ids:
                notes = await _read(conn, mentor, mentee_id, via)
                mentee = await people.get(conn, mentee_id)
                if notes and mentee is not None:
                    timezone = await _timezone(conn, pair.organisation_id)
                    found.append(MenteeNotes(mentee_id, mentee.full_name or "—", notes, timezone))
    return found
