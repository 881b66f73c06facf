"""Answers to an invitation («Приду» / «Не смогу»), attendance marked by the organiser or
confirmed by the participant, and the roadmap's «mentors trained» once everyone has been.

Every answer re-checks the session and the person on the server: a button's data is only a
request. Outcomes are words the front door turns into texts (`training.outcome.<word>`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncConnection

from mentoring.roadmap.service import record_event
from mentoring.training.service import may_manage
from storage import audit
from storage import surveys as survey_store
from storage import training as store
from storage.db import Database
from storage.people import Person
from storage.training import Material, TrainingSession

__all__ = [
    "SELF_CONFIRM_WINDOW",
    "Marked",
    "answer",
    "file_for",
    "mark",
    "record_if_all_trained",
    "toggle",
]

SELF_CONFIRM_WINDOW = timedelta(days=2)  # after the end, a participant may still say he was there


@dataclass(frozen=True, slots=True)
class Marked:
    status: str  # marked / unchanged / stale / forbidden / not_started
    trained_organisations: tuple[int, ...] = ()


def _ended(session: TrainingSession) -> datetime:
    return session.starts_at + timedelta(minutes=session.duration_minutes)


async def answer(
    db: Database, person: Person | None, session_id: int, reply: str, now: datetime
) -> str:
    """yes / no before the start; attended from the start until two days after the end.

    Returns: yes / no / attended (recorded), already (the same answer again), stale (no such
    session or invitation: a forged or an old button), cancelled, started (too late to
    answer), not_started, expired, marked (the organiser has already marked attendance).
    """
    if person is None or reply not in ("yes", "no", "attended"):
        return "stale"
    async with db.begin() as conn:
        session = await store.get(conn, session_id)
        invitation = await store.get_invitation(conn, session_id, person.id)
        if session is None or invitation is None:
            return "stale"
        if session.status != "scheduled":
            return "cancelled"
        if reply in ("yes", "no"):
            if now >= session.starts_at:
                return "started"
            if not await store.set_answer(conn, session_id, person.id, reply, now):
                return "already"
            await store.set_notices_active(conn, session_id, person.id, reply == "yes", now)
            return reply
        if now < session.starts_at:
            return "not_started"
        if now > _ended(session) + SELF_CONFIRM_WINDOW:
            return "expired"
        if invitation.marked_by == "organiser":
            return "marked"
        if not await store.set_attended(conn, session_id, person.id, True, "self", now):
            return "already"
        await record_if_all_trained(conn, session, person.id, now)
    return "attended"


async def mark(
    db: Database,
    person: Person | None,
    session_id: int,
    person_id: int,
    attended: bool,
    now: datetime,
) -> Marked:
    """The organiser (or a curator of one of its organisations) marks one invitee."""
    async with db.connect() as conn:
        session = await store.get(conn, session_id)
    if session is None:
        return Marked("stale")
    if person is not None and not await may_manage(db, person, session):
        return Marked("forbidden")
    if now < session.starts_at:
        return Marked("not_started")
    async with db.begin() as conn:
        if await store.get_invitation(conn, session_id, person_id) is None:
            return Marked("stale")
        actor = person.id if person else None
        if not await store.set_attended(conn, session_id, person_id, attended, "organiser", now):
            return Marked("unchanged")
        await audit.record(
            conn,
            "training.attendance",
            actor_person_id=actor,
            object_type="training_session",
            object_id=session_id,
            details={"person": person_id, "attended": attended},
        )
        trained = await record_if_all_trained(conn, session, actor, now) if attended else ()
    return Marked("marked", trained)


async def toggle(
    db: Database, person: Person | None, session_id: int, person_id: int, now: datetime
) -> Marked:
    """Flip one invitee's mark (the chat's list of names): present unless he is already."""
    async with db.connect() as conn:
        invitation = await store.get_invitation(conn, session_id, person_id)
    attended = not (invitation is not None and invitation.attended)
    return await mark(db, person, session_id, person_id, attended, now)


async def record_if_all_trained(
    conn: AsyncConnection, session: TrainingSession, actor: int | None, now: datetime
) -> tuple[int, ...]:
    """For each of the session's organisations whose active mentors have all attended a
    session this school year, record the roadmap event «mentors_trained»."""
    done = []
    for organisation_id in session.organisation_ids:
        mentors = await survey_store.active_people_with_role(conn, organisation_id, "mentor")
        if not mentors:
            continue
        trained = await store.attended_person_ids(conn, mentors, session.school_year)
        if set(mentors) <= trained and await record_event(
            conn, organisation_id, "mentors_trained", actor_person_id=actor, now=now
        ):
            done.append(organisation_id)
    return tuple(done)


async def file_for(
    db: Database, person: Person | None, session_id: int, position: int
) -> Material | None:
    """A file of the session's materials, for an invitee or someone who manages it."""
    if person is None:
        return None
    async with db.connect() as conn:
        session = await store.get(conn, session_id)
        invitation = await store.get_invitation(conn, session_id, person.id)
        files = [m for m in await store.materials(conn, session_id) if m.file_id]
    if session is None or not 0 <= position < len(files):
        return None
    if invitation is None and not await may_manage(db, person, session):
        return None
    return files[position]
