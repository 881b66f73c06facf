"""A curator's request for a note, and the consent it waits for: the mentee's and, for a minor,
his parent's (asked in the chat of the account that gave the parent's consent). Each answers
yes or no, then whether the mentor may see the note. A refusal is kept; a later yes (to the
same buttons or to the question asked again) counts. Once all agreed, the link is issued."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncConnection

from i18n import Translator
from i18n.markup import safe
from mentoring.notes.telling import AUTHOR_ROLES, ask_consent, tell_person
from mentoring.people.access import scope_of
from mentoring.people.ages import is_minor
from mentoring.people.parental import PARENT
from storage import audit, consents, people
from storage import notes as note_store
from storage.db import Database
from storage.notes import NoteRequest
from storage.people import Person

__all__ = [
    "CODE_PREFIX",
    "ConsentStep",
    "RequestOutcome",
    "RequestProblem",
    "answer_consent",
    "consent_complete",
    "mentee_org",
    "mentor_may_see",
    "request_note",
]

CODE_PREFIX = "n_"
LINK_DAYS = 30
ANSWERS = ("yes", "no", "mentor_yes", "mentor_no")
PARTIES = ("mentee", "parent")


class RequestProblem(StrEnum):
    NOT_YOURS = "not_yours"  # not a mentee of an organisation he curates
    BAD_ROLE = "bad_role"
    NOT_IN_CHAT = "not_in_chat"  # the mentee has no Telegram account on record
    NO_PARENT_CONSENT = "no_parent_consent"  # a minor without a parent's consent yet
    PARENT_NOT_IN_CHAT = "parent_not_in_chat"  # the parent's consent was given on paper


@dataclass(frozen=True, slots=True)
class RequestOutcome:
    request_id: int | None
    problem: RequestProblem | None
    reasked: bool = False  # an earlier request (refused or unanswered) was asked again


class ConsentStep(StrEnum):
    ASK_MENTOR = "ask_mentor"  # agreed: now whether the mentor may see it
    REFUSED = "refused"
    WAITING = "waiting"  # his answers are in; the other party's are not
    COMPLETE = "complete"  # everybody agreed: the link is issued
    STALE = "stale"  # an unknown, foreign or settled request, or a malformed answer


def consent_complete(request: NoteRequest) -> bool:
    mentee = request.mentee_agrees is True and request.mentee_shows_mentor is not None
    parent = request.parent_agrees is True and request.parent_shows_mentor is not None
    return mentee and (parent or not request.parent_needed)


def mentor_may_see(request: NoteRequest) -> bool:
    mentee = request.mentee_shows_mentor is True
    return mentee and (request.parent_shows_mentor is True or not request.parent_needed)


async def mentee_org(conn: AsyncConnection, curator: Person | None, mentee_id: int) -> int | None:
    """The organisation where `curator` curates `mentee_id` as a mentee, or None."""
    scope = scope_of(curator)
    mentee = await people.get(conn, mentee_id)
    if scope is None or mentee is None or mentee.status != "active":
        return None
    for membership in mentee.memberships:
        org = membership.organisation_id
        if membership.role == "mentee" and org is not None and org in scope.curated:
            return org
    return None


async def request_note(
    db: Database,
    translator: Translator,
    *,
    curator: Person,
    mentee_id: int,
    author_role: str,
    now: datetime,
) -> RequestOutcome:
    """Ask the mentee (and a minor's parent) whether the curator may ask `author_role` for a
    note. An unsettled request for the same author is asked again rather than doubled."""
    if author_role not in AUTHOR_ROLES:
        return RequestOutcome(None, RequestProblem.BAD_ROLE)
    async with db.begin() as conn:
        org = await mentee_org(conn, curator, mentee_id)
        mentee = await people.get(conn, mentee_id)
        if org is None or mentee is None:
            return RequestOutcome(None, RequestProblem.NOT_YOURS)
        if mentee.telegram_id is None:
            return RequestOutcome(None, RequestProblem.NOT_IN_CHAT)
        parent_needed = is_minor(mentee.birth_date, now.date())
        parent_chat = None
        if parent_needed:
            if not await consents.has_active(conn, mentee_id, PARENT):
                return RequestOutcome(None, RequestProblem.NO_PARENT_CONSENT)
            parent_chat = await note_store.parent_chat_of(conn, mentee_id)
            if parent_chat is None:
                return RequestOutcome(None, RequestProblem.PARENT_NOT_IN_CHAT)
        earlier = [
            r
            for r in await note_store.requests_of_mentee(conn, mentee_id)
            if r.author_role == author_role and r.organisation_id == org
        ]
        pending = next((r for r in earlier if r.status in ("asking", "refused", "open")), None)
        if pending is not None and pending.status == "open":
            return RequestOutcome(pending.id, None, reasked=True)
        if pending is not None:
            await note_store.update_request(
                conn, pending.id, now=now, parent_chat_id=parent_chat, parent_needed=parent_needed
            )
            request_id = pending.id
        else:
            request_id = await note_store.create_request(
                conn,
                organisation_id=org,
                mentee_id=mentee_id,
                author_role=author_role,
                requested_by=curator.id,
                parent_needed=parent_needed,
                parent_chat_id=parent_chat,
                now=now,
            )
        request = await note_store.get_request(conn, request_id)
        assert request is not None
        if request.mentee_agrees is not True or request.mentee_shows_mentor is None:
            await ask_consent(conn, translator, request, "mentee", now)
        parent_open = request.parent_agrees is not True or request.parent_shows_mentor is None
        if parent_needed and parent_open:
            await ask_consent(conn, translator, request, "parent", now)
        await audit.record(
            conn,
            "note.requested",
            actor_person_id=curator.id,
            object_type="note_request",
            object_id=request_id,
            details={"author_role": author_role},
        )
    return RequestOutcome(request_id, None, reasked=pending is not None)


async def _presser_is(
    conn: AsyncConnection, request: NoteRequest, party: str, telegram_id: int
) -> bool:
    if party == "parent":
        return request.parent_needed and request.parent_chat_id == telegram_id
    presser = await people.get_by_telegram_id(conn, telegram_id)
    return presser is not None and presser.id == request.mentee_id


async def answer_consent(
    db: Database,
    translator: Translator,
    *,
    request_id: int,
    party: str,
    answer: str,
    telegram_id: int,
    now: datetime,
) -> ConsentStep:
    """One press on the consent question; the presser is checked against the request."""
    if party not in PARTIES or answer not in ANSWERS:
        return ConsentStep.STALE
    async with db.begin() as conn:
        request = await note_store.get_request(conn, request_id)
        if request is None or request.status == "written":
            return ConsentStep.STALE
        if not await _presser_is(conn, request, party, telegram_id):
            return ConsentStep.STALE
        agrees = request.mentee_agrees if party == "mentee" else request.parent_agrees
        if answer.startswith("mentor_") and agrees is not True:
            return ConsentStep.STALE
        shows = request.mentee_shows_mentor if party == "mentee" else request.parent_shows_mentor
        if (answer == "no" and agrees is False) or (answer == "yes" and shows is not None):
            return ConsentStep.STALE  # a double tap: the answer is in already
        step = await _apply(conn, translator, request, party, answer, now)
        await audit.record(
            conn,
            f"note.consent_{'refused' if step is ConsentStep.REFUSED else 'answered'}",
            object_type="note_request",
            object_id=request.id,
            details={"party": party, "answer": answer},
        )
    return step


async def _apply(
    conn: AsyncConnection,
    translator: Translator,
    request: NoteRequest,
    party: str,
    answer: str,
    now: datetime,
) -> ConsentStep:
    if answer == "no":
        await note_store.update_request(
            conn,
            request.id,
            now=now,
            status="refused",
            code=None,
            expires_at=None,
            **{f"{party}_agrees": False, f"{party}_shows_mentor": None},
        )
        await _tell_curator(conn, translator, request, "notes.news.refused", now)
        return ConsentStep.REFUSED
    if answer == "yes":
        await note_store.update_request(conn, request.id, now=now, **{f"{party}_agrees": True})
        return ConsentStep.ASK_MENTOR
    await note_store.update_request(
        conn, request.id, now=now, **{f"{party}_shows_mentor": answer == "mentor_yes"}
    )
    updated = await note_store.get_request(conn, request.id)
    if updated is None or not consent_complete(updated):
        return ConsentStep.WAITING
    if updated.status != "open":
        await note_store.update_request(
            conn,
            request.id,
            now=now,
            status="open",
            code=CODE_PREFIX + secrets.token_urlsafe(16),
            expires_at=now + timedelta(days=LINK_DAYS),
        )
        await _tell_curator(conn, translator, request, "notes.news.consent_given", now)
    return ConsentStep.COMPLETE


async def _tell_curator(
    conn: AsyncConnection, translator: Translator, request: NoteRequest, key: str, now: datetime
) -> None:
    mentee = await people.get(conn, request.mentee_id)
    await tell_person(
        conn,
        translator,
        request.requested_by,
        key,
        f"{key}:{request.id}:{now.isoformat()}",
        now,
        name=safe((mentee.full_name if mentee else None) or "—"),
        role=request.author_role,
    )
