"""The note itself: written in chat by the person the one-time link was given to, or entered
by the curator on a request the mentee (and his parent) agreed to. The author through a link
does not join the programme; the link works once, for `LINK_DAYS` days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncConnection

from i18n import Translator
from i18n.markup import safe
from mentoring.notes.consent import mentee_org, mentor_may_see
from mentoring.notes.telling import tell_person
from mentoring.roadmap.service import record_event
from storage import audit, people
from storage import notes as note_store
from storage.db import Database
from storage.notes import NoteRequest
from storage.people import Person

__all__ = [
    "MAX_NOTE",
    "LinkCheck",
    "NoteProblem",
    "check_link",
    "clean_note",
    "enter_note",
    "write_by_link",
]

MAX_NOTE = 2000


class NoteProblem(StrEnum):
    UNKNOWN = "unknown"
    EXPIRED = "expired"
    USED = "used"
    NO_CONSENT = "no_consent"  # asked, refused, or the consent was withdrawn
    OWN = "own"  # the mentee opened the link about himself
    EMPTY = "empty"
    TOO_LONG = "too_long"
    NOT_YOURS = "not_yours"


@dataclass(frozen=True, slots=True)
class LinkCheck:
    request: NoteRequest | None
    mentee_name: str
    problem: NoteProblem | None


def clean_note(text: str) -> tuple[str | None, NoteProblem | None]:
    trimmed = text.strip()
    if not trimmed:
        return None, NoteProblem.EMPTY
    if len(trimmed) > MAX_NOTE:
        return None, NoteProblem.TOO_LONG
    return trimmed, None


def _usable(request: NoteRequest | None, now: datetime) -> NoteProblem | None:
    if request is None:
        return NoteProblem.UNKNOWN
    if request.status == "written":
        return NoteProblem.USED
    if request.status != "open":
        return NoteProblem.NO_CONSENT
    if request.expires_at is not None and request.expires_at <= now:
        return NoteProblem.EXPIRED
    return None


async def check_link(db: Database, code: str, now: datetime, *, telegram_id: int) -> LinkCheck:
    async with db.connect() as conn:
        request = await note_store.get_request_by_code(conn, code) if code else None
        problem = _usable(request, now)
        if request is None or problem is not None:
            return LinkCheck(None, "", problem or NoteProblem.UNKNOWN)
        mentee = await people.get(conn, request.mentee_id)
        if mentee is not None and mentee.telegram_id == telegram_id:
            return LinkCheck(None, "", NoteProblem.OWN)
    return LinkCheck(request, (mentee.full_name if mentee else None) or "—", None)


async def _store(
    conn: AsyncConnection,
    translator: Translator,
    request: NoteRequest,
    text: str,
    *,
    author_person_id: int | None,
    author_telegram_id: int | None,
    now: datetime,
) -> int | None:
    if not await note_store.take_request(conn, request.id, now):
        return None
    note_id = await note_store.add_note(
        conn,
        request=request,
        text=text,
        mentor_may_see=mentor_may_see(request),
        author_person_id=author_person_id,
        author_telegram_id=author_telegram_id,
        now=now,
    )
    await audit.record(
        conn,
        "note.written",
        actor_person_id=author_person_id,
        object_type="note",
        object_id=note_id,
        details={"author_role": request.author_role},
    )
    # The first note of the school year completes the roadmap item; later ones find it done.
    await record_event(
        conn,
        request.organisation_id,
        "third_party_notes",
        actor_person_id=author_person_id,
        now=now,
        link=f"/people/{request.mentee_id}",
    )
    mentee = await people.get(conn, request.mentee_id)
    await tell_person(
        conn,
        translator,
        request.requested_by,
        "notes.news.received",
        f"note_received:{note_id}",
        now,
        name=safe((mentee.full_name if mentee else None) or "—"),
        role=request.author_role,
    )
    return note_id


async def write_by_link(
    db: Database, translator: Translator, *, code: str, text: str, telegram_id: int, now: datetime
) -> tuple[int | None, NoteProblem | None]:
    """The note typed by whoever holds the link; checked again at this last step."""
    cleaned, problem = clean_note(text)
    if cleaned is None:
        return None, problem
    check = await check_link(db, code, now, telegram_id=telegram_id)
    if check.request is None:
        return None, check.problem
    async with db.begin() as conn:
        note_id = await _store(
            conn,
            translator,
            check.request,
            cleaned,
            author_person_id=None,
            author_telegram_id=telegram_id,
            now=now,
        )
    return (note_id, None) if note_id is not None else (None, NoteProblem.USED)


async def enter_note(
    db: Database,
    translator: Translator,
    *,
    curator: Person,
    request_id: int,
    text: str,
    now: datetime,
) -> tuple[int | None, NoteProblem | None]:
    """The note as the curator heard it, entered by him on an agreed request."""
    cleaned, problem = clean_note(text)
    if cleaned is None:
        return None, problem
    async with db.begin() as conn:
        request = await note_store.get_request(conn, request_id)
        if request is None or await mentee_org(conn, curator, request.mentee_id) is None:
            return None, NoteProblem.NOT_YOURS
        problem = _usable(request, now)
        if problem is not None:
            return None, problem
        note_id = await _store(
            conn,
            translator,
            request,
            cleaned,
            author_person_id=curator.id,
            author_telegram_id=None,
            now=now,
        )
    return (note_id, None) if note_id is not None else (None, NoteProblem.USED)
