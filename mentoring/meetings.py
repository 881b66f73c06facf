"""Meetings of pairs (встречи): propose, answer, move, cancel, record the outcome.

Rights are checked here, for every front door: a meeting is created by a mentor of the
pair or by the organisation's curator; it is answered by the other side; its outcome is
recorded by the mentor (or the curator). Everything said about a meeting goes through
the outbox, rendered in the recipient's language.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncConnection

from bot.callbacks import MeetingActionCallback
from bot.i18n import Translator
from mentoring.curation import can_curate
from mentoring.waves import start_feedback
from scheduler.planners import MeetingFacts, Participant
from scheduler.quiet_hours import shift_out_of_quiet_hours
from storage import meetings as store
from storage import organisations as org_store
from storage import outbox
from storage import pairs as pair_store
from storage import people as people_store
from storage.db import Database
from storage.meetings import KINDS, Meeting
from storage.people import Person
from surveys.definitions import Registry

__all__ = [
    "DEFAULT_DURATION",
    "FEEDBACK_DELAY",
    "KINDS",
    "Outcome",
    "answer",
    "can_create",
    "can_curate",
    "cancel",
    "close",
    "create",
    "facts",
    "participants",
    "record_outcome",
    "reschedule",
]

DEFAULT_DURATION = 60  # minutes
FEEDBACK_DELAY = timedelta(hours=1)  # the feedback questionnaire, after the meeting ends
DEFAULT_TIMEZONE = "Europe/Moscow"


@dataclass(frozen=True, slots=True)
class Outcome:
    ok: bool
    reason: str = ""  # locale key suffix when not ok: no_rights / stale / bad_kind / past
    meeting_id: int | None = None


async def _timezone(conn: AsyncConnection, organisation_id: int) -> str:
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
        timezone=await _timezone(conn, meeting.organisation_id),
        asker_id=asker,
    )


def _may_manage(person: Person, meeting: Meeting, mentor_id: int | None) -> bool:
    return person.id == mentor_id or can_curate(person, meeting.organisation_id)


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


async def notify(
    conn: AsyncConnection,
    translator: Translator,
    people: list[Participant],
    meeting: MeetingFacts,
    *,
    event: str,
    due_at: datetime,
    dedupe_prefix: str,
    buttons: tuple[str, ...] = (),
    **extra: str,
) -> None:
    """Queue `meetings.notice.<event>` to each person; pupils never at night."""
    local = meeting.starts_at.astimezone(ZoneInfo(meeting.timezone))
    for person in people:
        text = translator.get(
            person.locale,
            f"meetings.notice.{event}",
            kind=translator.get(person.locale, f"meetings.kind.{meeting.kind}"),
            date=local.strftime("%d.%m.%Y"),
            time=local.strftime("%H:%M"),
            place=meeting.place,
            **extra,
        )
        keyboard = [
            [
                {
                    "text": translator.get(person.locale, f"meetings.button.{action}"),
                    "callback_data": MeetingActionCallback(
                        action=action, meeting=meeting.id
                    ).pack(),
                }
                for action in buttons
            ]
        ]
        due = shift_out_of_quiet_hours(due_at, meeting.timezone) if person.pupil else due_at
        await outbox.enqueue(
            conn,
            person_id=person.person_id,
            chat_id=person.chat_id,
            kind=f"meeting_{event}",
            payload={
                "text": text,
                "buttons": keyboard if buttons else [],
                "parse_mode": None,
                "respect_quiet_hours": person.pupil,
                "timezone": meeting.timezone,
            },
            due_at=due,
            dedupe_key=f"{dedupe_prefix}:{person.person_id}",
        )


async def _propose_to_others(
    conn: AsyncConnection, translator: Translator, meeting: Meeting, actor_id: int, now: datetime
) -> None:
    about = await facts(conn, meeting)
    others = [p for p in await participants(conn, meeting) if p.person_id != actor_id]
    stamp = int(meeting.starts_at.timestamp())
    buttons: tuple[str, ...] = ()
    if meeting.status == "confirmed":  # the all-pairs meeting is announced, not negotiated
        event, buttons = "announced", ()
    else:
        event, buttons = "proposed", ("confirm", "decline", "other_time")
    await notify(
        conn,
        translator,
        others,
        about,
        event=event,
        due_at=now,
        dedupe_prefix=f"meeting:{meeting.id}:{event}:{stamp}",
        buttons=buttons,
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
        await _propose_to_others(conn, translator, meeting, actor.id, now)
    return Outcome(True, meeting_id=meeting_id)


async def _load(
    conn: AsyncConnection, actor: Person | None, meeting_id: int
) -> tuple[Meeting | None, list[Participant], int | None]:
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
) -> Outcome:
    """The other side confirms or declines a proposed meeting; the proposer is told."""
    async with db.begin() as conn:
        meeting, people, _ = await _load(conn, actor, meeting_id)
        if meeting is None or actor is None:
            return Outcome(False, "stale")
        if actor.id not in {p.person_id for p in people} or actor.id == meeting.proposed_by:
            return Outcome(False, "no_rights")
        status = "confirmed" if confirm else "declined"
        if not await store.set_fields(
            conn,
            meeting_id,
            expected_status=("proposed",),
            now=now,
            status=status,
            confirmed_by=actor.id if confirm else None,
        ):
            return Outcome(False, "stale")
        about = await facts(conn, (await store.get(conn, meeting_id)) or meeting)
        proposer = [p for p in people if p.person_id == meeting.proposed_by]
        if not proposer and meeting.proposed_by is not None:
            proposer = await _staff_participant(conn, meeting.proposed_by)
        stamp = int(meeting.starts_at.timestamp())
        await notify(
            conn,
            translator,
            proposer,
            about,
            event=status,
            due_at=now,
            dedupe_prefix=f"meeting-info:{meeting_id}:{status}:{stamp}",
            name=actor.full_name or "",
        )
    return Outcome(True, meeting_id=meeting_id)


async def _staff_participant(conn: AsyncConnection, person_id: int) -> list[Participant]:
    person = await people_store.get(conn, person_id)
    if person is None or person.telegram_id is None:
        return []
    return [Participant(person.id, person.telegram_id, person.locale, "curator", False)]


async def reschedule(
    db: Database,
    translator: Translator,
    actor: Person | None,
    meeting_id: int,
    *,
    starts_at: datetime,
    now: datetime,
) -> Outcome:
    """A new time (перенос), proposed by a participant or the curator; the others answer it."""
    if starts_at <= now:
        return Outcome(False, "past")
    async with db.begin() as conn:
        meeting, people, _ = await _load(conn, actor, meeting_id)
        if meeting is None or actor is None:
            return Outcome(False, "stale")
        if actor.id not in {p.person_id for p in people} and not can_curate(
            actor, meeting.organisation_id
        ):
            return Outcome(False, "no_rights")
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
        await _propose_to_others(conn, translator, moved, actor.id, now)
    return Outcome(True, meeting_id=meeting_id)


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
        meeting, people, mentor = await _load(conn, actor, meeting_id)
        if meeting is None or actor is None:
            return Outcome(False, "stale")
        if not _may_manage(actor, meeting, mentor):
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
    return Outcome(True, meeting_id=meeting_id)


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


async def record_outcome(
    db: Database,
    translator: Translator,
    registry: Registry,
    actor: Person | None,
    meeting_id: int,
    *,
    held: bool,
    now: datetime,
) -> Outcome:
    """Held or not held (состоялась / не состоялась); held → feedback for every participant.

    The feedback questionnaire is due an hour after the meeting's end (or at once, when
    the outcome is recorded later than that).
    """
    async with db.begin() as conn:
        meeting, people, mentor = await _load(conn, actor, meeting_id)
        if meeting is None or actor is None:
            return Outcome(False, "stale")
        if not _may_manage(actor, meeting, mentor):
            return Outcome(False, "no_rights")
        if meeting.starts_at > now:
            return Outcome(False, "not_yet")
        if not await store.set_fields(
            conn,
            meeting_id,
            expected_status=("confirmed", "proposed"),
            now=now,
            status="held" if held else "not_held",
        ):
            return Outcome(False, "stale")
    if held:
        end = meeting.starts_at + timedelta(minutes=meeting.duration_minutes)
        due = max(now, end + FEEDBACK_DELAY)
        for person in people:
            if person.role == "curator":
                continue
            await start_feedback(
                db,
                translator,
                registry,
                person_id=person.person_id,
                meeting_id=meeting_id,
                organisation_id=meeting.organisation_id,
                now=now,
                due_at=due,
            )
    return Outcome(True, meeting_id=meeting_id)
