"""Notes from third parties on a mentee's needs and the requests (with consent) behind them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, or_, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.schema import consents, note_requests, notes

__all__ = [
    "Note",
    "NoteRequest",
    "add_note",
    "counts_by_mentee",
    "create_request",
    "erase_for_person",
    "get_note",
    "get_request",
    "get_request_by_code",
    "notes_of_mentee",
    "parent_chat_of",
    "requests_of_mentee",
    "take_request",
    "update_request",
]


@dataclass(frozen=True, slots=True)
class NoteRequest:
    id: int
    organisation_id: int
    mentee_id: int
    author_role: str
    requested_by: int | None
    status: str
    mentee_agrees: bool | None
    mentee_shows_mentor: bool | None
    parent_needed: bool
    parent_chat_id: int | None
    parent_agrees: bool | None
    parent_shows_mentor: bool | None
    code: str | None
    expires_at: datetime | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class Note:
    id: int
    organisation_id: int
    mentee_id: int
    request_id: int | None
    author_role: str
    author_person_id: int | None
    author_telegram_id: int | None
    text: str
    mentor_may_see: bool
    created_at: datetime


def _request(row: RowMapping) -> NoteRequest:
    return NoteRequest(**{c.name: row[c.name] for c in note_requests.c})


def _note(row: RowMapping) -> Note:
    return Note(**{c.name: row[c.name] for c in notes.c})


async def create_request(
    conn: AsyncConnection,
    *,
    organisation_id: int,
    mentee_id: int,
    author_role: str,
    requested_by: int | None,
    parent_needed: bool,
    parent_chat_id: int | None,
    now: datetime,
) -> int:
    result = await conn.execute(
        insert(note_requests)
        .values(
            organisation_id=organisation_id,
            mentee_id=mentee_id,
            author_role=author_role,
            requested_by=requested_by,
            status="asking",
            parent_needed=parent_needed,
            parent_chat_id=parent_chat_id,
            created_at=now,
            updated_at=now,
        )
        .returning(note_requests.c.id)
    )
    return int(result.scalar_one())


async def get_request(conn: AsyncConnection, request_id: int) -> NoteRequest | None:
    query = select(note_requests).where(note_requests.c.id == request_id)
    row = (await conn.execute(query)).mappings().first()
    return _request(row) if row else None


async def get_request_by_code(conn: AsyncConnection, code: str) -> NoteRequest | None:
    query = select(note_requests).where(note_requests.c.code == code)
    row = (await conn.execute(query)).mappings().first()
    return _request(row) if row else None


async def requests_of_mentee(conn: AsyncConnection, mentee_id: int) -> list[NoteRequest]:
    query = (
        select(note_requests)
        .where(note_requests.c.mentee_id == mentee_id)
        .order_by(note_requests.c.id)
    )
    return [_request(row) for row in (await conn.execute(query)).mappings()]


async def update_request(
    conn: AsyncConnection, request_id: int, *, now: datetime, **values: Any
) -> None:
    await conn.execute(
        update(note_requests)
        .where(note_requests.c.id == request_id)
        .values(updated_at=now, **values)
    )


async def take_request(conn: AsyncConnection, request_id: int, now: datetime) -> bool:
    """Mark an open request written, once: False when it was used (or withdrawn) meanwhile."""
    result = await conn.execute(
        update(note_requests)
        .where(note_requests.c.id == request_id, note_requests.c.status == "open")
        .values(status="written", updated_at=now)
    )
    return result.rowcount == 1


async def add_note(
    conn: AsyncConnection,
    *,
    request: NoteRequest,
    text: str,
    mentor_may_see: bool,
    author_person_id: int | None,
    author_telegram_id: int | None,
    now: datetime,
) -> int:
    result = await conn.execute(
        insert(notes)
        .values(
            organisation_id=request.organisation_id,
            mentee_id=request.mentee_id,
            request_id=request.id,
            author_role=request.author_role,
            author_person_id=author_person_id,
            author_telegram_id=author_telegram_id,
            text=text,
            mentor_may_see=mentor_may_see,
            created_at=now,
        )
        .returning(notes.c.id)
    )
    return int(result.scalar_one())


async def get_note(conn: AsyncConnection, note_id: int) -> Note | None:
    row = (await conn.execute(select(notes).where(notes.c.id == note_id))).mappings().first()
    return _note(row) if row else None


async def notes_of_mentee(conn: AsyncConnection, mentee_id: int) -> list[Note]:
    query = select(notes).where(notes.c.mentee_id == mentee_id).order_by(notes.c.id)
    return [_note(row) for row in (await conn.execute(query)).mappings()]


async def erase_for_person(conn: AsyncConnection, person_id: int, telegram_id: int | None) -> None:
    """/forget: the notes about him and those he wrote (as a curator or through a link), his
    requests with their links, and his name on requests he made as a curator."""
    written_by = notes.c.author_person_id == person_id
    if telegram_id is not None:
        written_by = or_(written_by, notes.c.author_telegram_id == telegram_id)
    await conn.execute(delete(notes).where((notes.c.mentee_id == person_id) | written_by))
    await conn.execute(delete(note_requests).where(note_requests.c.mentee_id == person_id))
    await conn.execute(
        update(note_requests)
        .where(note_requests.c.requested_by == person_id)
        .values(requested_by=None)
    )
    if telegram_id is not None:  # he was asked as a parent: his account goes from the request
        await conn.execute(
            update(note_requests)
            .where(note_requests.c.parent_chat_id == telegram_id)
            .values(parent_chat_id=None)
        )


async def parent_chat_of(conn: AsyncConnection, child_person_id: int) -> int | None:
    """The Telegram account that gave the child's active parent's consent (None: on paper)."""
    query = (
        select(consents.c.granted_by_telegram_id)
        .where(
            consents.c.person_id == child_person_id,
            consents.c.kind == "parent",
            consents.c.withdrawn_at.is_(None),
        )
        .order_by(consents.c.id.desc())
        .limit(1)
    )
    return (await conn.execute(query)).scalar_one_or_none()


async def counts_by_mentee(conn: AsyncConnection, organisation_id: int) -> dict[int, int]:
    """Notes per mentee of the organisation (mentees without notes are absent)."""
    query = (
        select(notes.c.mentee_id, func.count())
        .where(notes.c.organisation_id == organisation_id)
        .group_by(notes.c.mentee_id)
    )
    return {int(mentee): int(n) for mentee, n in (await conn.execute(query)).all()}
