"""Meetings of pairs (встречи): propose, answer, move, cancel, record the outcome.

Rights are checked here, for every front door: a meeting is created by a mentor of the
pair or by the organisation's curator; it is answered by the other side; its outcome is
recorded by the mentor (or the curator). Everything said about a meeting goes through
the outbox, rendered in the recipient's language.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncConnection

from i18n import Translator
from mentoring.meetings.notices import (
    InvitationEdit,
    curators,
    local_date_time,
    members,
    notify,
    settled_invitations,
    stale_reason,
)
from mentoring.meetings.participants import (
    can_create,
    facts,
    may_manage,
    participants,
    staff_participant,
    timezone_of,
)
from mentoring.people.curation import can_curate
from mentoring.timing.planners import Participant, reminders_for
from storage import meetings as store
from storage.db import Database
from storage.meetings import KINDS, Meeting
from storage.people import Person

__all__ = [
    "DEFAULT_DURATION",
    "KINDS",
    "InvitationEdit",
    "Outcome",
    "answer",
    "cancel",
    "close",
    "create",
    "load_for",
    "notify",
    "reschedule",
]

DEFAULT_DURATION = 60  # minutes


@dataclass(frozen=True, slots=True)
class Outcome:
    ok: bool
    reason: str = ""  # locale key suffix when not ok: no_rights / stale / bad_kind / past
    meeting_id: int | None = None
    details: tuple[tuple[str, str], ...] = ()  # the reason's parameters (who, when)
    reminders: tuple[int, ...] = ()  # after a confirmation: the actor's reminder leads, min
    # Invitations already in other members' chats, to rewrite without their buttons now
    # that the meeting is settled (confirmed, declined, cancelled, moved): the chat's part.
    edits: tuple[InvitationEdit, ...] = ()


async def _propose_to_others(
    conn: AsyncConnection,
    translator: Translator,
    meeting: Meeting,
    actor: Person,
    now: datetime,
    *,
    moved_from: datetime | None = None,
) -> None:
    """The invitation (or the all-pairs announcement) to everyone but the actor, naming who
    proposes it and with whom; after a move, the old time too, and the curators are told."""
    about = await facts(conn, meeting)
    group = await members(conn, meeting)
    people = await participants(conn, meeting)
    others = [p for p in people if p.person_id != actor.id]
    stamp = int(meeting.starts_at.timestamp())
    announced = meeting.status == "confirmed"  # the all-pairs meeting is not negotiated
    event = "announced" if announced else "proposed"
    old: dict[str, str] = {}
    if moved_from is not None:
        event = "moved_announced" if announced else "moved"
        old = local_date_time(moved_from, about.timezone)
    await notify(
        conn,
        translator,
        others,
        about,
        event=event,
        due_at=now,
        dedupe_prefix=f"meeting:{meeting.id}:{event}:{stamp}",
        buttons=() if announced else ("confirm", "decline", "other_time"),
        group=group,
        proposer=actor.full_name or "",
        old_date=old.get("date", ""),
        old_time=old.get("time", ""),
    )
    if moved_from is None:
        return
    told = {p.person_id for p in people} | {actor.id}
    staff = [c for c in await curators(conn, meeting.organisation_id) if c.person_id not in told]
    await notify(
        conn,
        translator,
        staff,
        about,
        event="moved_info",
        due_at=now,
        dedupe_prefix=f"meeting-info:{meeting.id}:moved:{stamp}",
        group=group,
        outbox_kind="meeting_moved",
        proposer=actor.full_name or "",
        old_date=old.get("date", ""),
        old_time=old.get("time", ""),
    )


async def create(
    db: Database,
    translator: Translator,
    actor: Person | None,
    *,
    organisation_id: int,
    pair_id: int | None,
    kind: str,
    starts_at: datetime,
    place: str,
    now: datetime,
) -> Outcome:
    if kind not in KINDS or (kind == "group_final") != (pair_id is None):
        return Outcome(False, "bad_kind")
    if starts_at <= now:
        return Outcome(False, "past")
    async with db.begin() as conn:
        if actor is None or not await can_create(conn, actor, pair_id, organisation_id):
            return Outcome(False, "no_rights")
        meeting_id = await store.create(
            conn,
            organisation_id=organisation_id,
            pair_id=pair_id,
            kind=kind,
            starts_at=starts_at,
            duration_minutes=DEFAULT_DURATION,
            place=place,
            proposed_by=actor.id,
            now=now,
        )
        if pair_id is None:
            await store.set_fields(
                conn,
                meeting_id,
                expected_status=("proposed",),
                now=now,
                status="confirmed",
                confirmed_by=actor.id,
            )
        meeting = await store.get(conn, meeting_id)
        assert meeting is not None
        await _propose_to_others(conn, translator, meeting, actor, now)
    return Outcome(True, meeting_id=meeting_id)


async def load_for(
    conn: AsyncConnection, actor: Person | None, meeting_id: int
) -> tuple[Meeting | None, list[Participant], int | None]:
    """The meeting, its participants and its pair's mentor; nothing without an actor."""
    meeting = await store.get(conn, meeting_id)
    if meeting is None or actor is None:
        return None, [], None
    people = await participants(conn, meeting)
    mentor = next((p.person_id for p in people if p.role == "mentor"), None)
    return meeting, people, mentor


async def answer(
    db: Database,
    translator: Translator,
    actor: Person | None,
    meeting_id: int,
    *,
    confirm: bool,
    now: datetime,
    at: int | None = None,
) -> Outcome:
    """A member answers a proposed meeting; one answer settles it for the whole pair.

    Every other member and the proposer are told (unsent invitations are withdrawn); a
    confirmation's outcome names the reminders the actor will get. Too late (already
    confirmed, declined, cancelled, or `at` names a time it has since moved from): the
    outcome says what happened.
    """
    async with db.begin() as conn:
        meeting, people, _ = await load_for(conn, actor, meeting_id)
        if meeting is None or actor is None:
            return Outcome(False, "stale")
        if actor.id not in {p.person_id for p in people} or actor.id == meeting.proposed_by:
            return Outcome(False, "no_rights")
        about = await facts(conn, meeting)
        moved = bool(at) and at != int(meeting.starts_at.timestamp())
        status = "confirmed" if confirm else "declined"
        if moved or not await store.set_fields(
            conn,
            meeting_id,
            expected_status=("proposed",),
            now=now,
            status=status,
            confirmed_by=actor.id if confirm else None,
        ):
            current = (await store.get(conn, meeting_id)) or meeting
            reason, details = await stale_reason(conn, current, about.timezone, at)
            return Outcome(False, reason, meeting_id, tuple(details.items()))
        told = [p for p in people if p.person_id == meeting.proposed_by]
        if not told and meeting.proposed_by is not None:
            told = await staff_participant(conn, meeting.proposed_by)
        await store.cancel_pending_notices(conn, meeting_id)  # the unanswered invitations
        told += [p for p in people if p.person_id not in {actor.id, meeting.proposed_by}]
        stamp = int(meeting.starts_at.timestamp())
        await notify(
            conn,
            translator,
            told,
            about,
            event=status,
            due_at=now,
            dedupe_prefix=f"meeting-info:{meeting_id}:{status}:{stamp}",
            name=actor.full_name or "",
        )
        edits = await settled_invitations(
            conn,
            translator,
            meeting,
            about.timezone,
            skip={actor.id},
            outcome=status,
            name=actor.full_name or "",
        )
        me = next(p for p in people if p.person_id == actor.id)
    reminders = reminders_for(about, me, now) if confirm else ()
    return Outcome(True, meeting_id=meeting_id, reminders=reminders, edits=edits)


async def reschedule(
    db: Database,
    translator: Translator,
    actor: Person | None,
    meeting_id: int,
    *,
    starts_at: datetime,
    now: datetime,
) -> Outcome:
    """A new time (перенос): a member may propose one for a meeting not yet confirmed; a
    confirmed one is moved only by the mentor or the curator. The members answer the new
    time; the curators are told of the move."""
    if starts_at <= now:
        return Outcome(False, "past")
    async with db.begin() as conn:
        meeting, people, mentor = await load_for(conn, actor, meeting_id)
        if meeting is None or actor is None:
            return Outcome(False, "stale")
        if actor.id not in {p.person_id for p in people} and not can_curate(
            actor, meeting.organisation_id
        ):
            return Outcome(False, "no_rights")
        if meeting.status == "confirmed" and not may_manage(actor, meeting, mentor):
            return Outcome(False, "move_confirmed")
        group = meeting.pair_id is None
        if not await store.set_fields(
            conn,
            meeting_id,
            expected_status=("proposed", "confirmed", "declined"),
            now=now,
            starts_at=starts_at,
            proposed_by=actor.id,
            status="confirmed" if group else "proposed",
            confirmed_by=actor.id if group else None,
        ):
            return Outcome(False, "stale")
        await store.cancel_pending_notices(conn, meeting_id)
        moved = await store.get(conn, meeting_id)
        assert moved is not None
        await _propose_to_others(conn, translator, moved, actor, now, moved_from=meeting.starts_at)
        timezone = await timezone_of(conn, meeting.organisation_id)
        edits = await settled_invitations(
            conn,
            translator,
            meeting,  # as it stood: the old invitations answer the old time
            timezone,
            skip=set(),  # the mover's own old invitation, too
            outcome="moved",
            **local_date_time(starts_at, timezone),
        )
    return Outcome(True, meeting_id=meeting_id, edits=edits)


async def cancel(
    db: Database,
    translator: Translator,
    actor: Person | None,
    meeting_id: int,
    *,
    reason: str,
    now: datetime,
) -> Outcome:
    async with db.begin() as conn:
        meeting, people, mentor = await load_for(conn, actor, meeting_id)
        if meeting is None or actor is None:
            return Outcome(False, "stale")
        if not may_manage(actor, meeting, mentor):
            return Outcome(False, "no_rights")
        if not await close(conn, meeting_id, reason=reason, now=now):
            return Outcome(False, "stale")
        others = [p for p in people if p.person_id != actor.id]
        await notify(
            conn,
            translator,
            others,
            await facts(conn, meeting),
            event="cancelled",
            due_at=now,
            dedupe_prefix=f"meeting-info:{meeting_id}:cancelled",
            reason=reason[:300],
        )
        edits = await settled_invitations(
            conn,
            translator,
            meeting,
            await timezone_of(conn, meeting.organisation_id),
            skip=set(),  # a mentor invited by the curator cancels: his invitation, too
            outcome="cancelled",
            reason=reason[:300],
        )
    return Outcome(True, meeting_id=meeting_id, edits=edits)


async def close(conn: AsyncConnection, meeting_id: int, *, reason: str, now: datetime) -> bool:
    """Cancel a proposed or confirmed meeting and withdraw its unsent reminders; False when it
    is neither. Rights and telling people are the caller's part (`cancel`, /forget)."""
    if not await store.set_fields(
        conn,
        meeting_id,
        expected_status=("proposed", "confirmed"),
        now=now,
        status="cancelled",
        cancel_reason=reason[:300],
    ):
        return False
    await store.cancel_pending_notices(conn, meeting_id)
    return True
