"""What the planning job sends about training sessions: reminders a day and an hour before
to those who did not decline, the attendance check at the start, the materials after the end.

`plan_session` is pure (the same rules as meeting reminders: leads, quiet hours for pupils,
dedupe keys with the start time); `plan_training` reads the sessions and enqueues.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncConnection

from i18n import Translator
from mentoring.notices import Action, Notice, TrainingAnswer, TrainingFile
from mentoring.people.ages import is_minor
from mentoring.timing.planners import REMINDER_LEADS, OutboxItem, Participant, addressed
from mentoring.training.wording import when, where
from storage import outbox
from storage import people as people_store
from storage import training as store
from storage.db import Database
from storage.training import TrainingSession

__all__ = ["Invitee", "plan_session", "plan_training"]

LOOK_BACK = timedelta(days=2)  # sessions that ended lately still get their materials sent
LOOK_AHEAD = timedelta(days=2)
MATERIALS_LATE = timedelta(days=1)  # after that, a session's materials are not sent any more


@dataclass(frozen=True, slots=True)
class Invitee:
    participant: Participant
    answer: str  # pending / yes / no


def _item(
    person: Participant, kind: str, due: datetime, key: str, zone: str, lead_minutes: int = 0
) -> OutboxItem:
    """A pupil's is shifted out of quiet hours, as the meetings' are."""
    return addressed(
        person,
        kind=kind,
        due=due,
        dedupe_key=key,
        timezone=zone,
        params={},
        quiet_hours=True,
        lead_minutes=lead_minutes,
    )


def plan_session(
    session: TrainingSession,
    invitees: Sequence[Invitee],
    now: datetime,
    *,
    has_materials: bool,
    leads: Sequence[timedelta] = REMINDER_LEADS,
) -> list[OutboxItem]:
    if session.status != "scheduled":
        return []
    start, zone = session.starts_at, session.timezone
    end = start + timedelta(minutes=session.duration_minutes)
    stamp = int(start.timestamp())
    coming = [i.participant for i in invitees if i.answer != "no"]
    items: list[OutboxItem] = []
    for lead in leads:
        if now >= start - lead / 2:
            continue
        minutes = int(lead.total_seconds() // 60)
        for person in coming:
            key = f"training:{session.id}:remind:{minutes}:{person.person_id}:{stamp}"
            item = _item(person, "training_reminder", start - lead, key, zone, minutes)
            if item.due_at < start:  # a pupil's reminder held past the start is dropped
                items.append(item)
    if now < end:
        for person in coming:
            key = f"training:{session.id}:start:{person.person_id}:{stamp}"
            items.append(_item(person, "training_start", start, key, zone))
    if has_materials and now < end + MATERIALS_LATE:
        for invitee in invitees:
            key = f"training:{session.id}:materials:{invitee.participant.person_id}"
            items.append(_item(invitee.participant, "training_materials", end, key, zone))
    return items


def _notice(
    translator: Translator,
    item: OutboxItem,
    session: TrainingSession,
    files: list[str],
    links: list[str],
) -> Notice:
    t = translator.bind(item.locale)
    facts = {"title": session.title, "when": when(session, item.locale), "where": where(session, t)}
    if item.kind == "training_reminder":
        lead = "hour" if item.lead_minutes <= 60 else "day"
        return Notice.of(t(f"training.notice.reminder_{lead}", **facts), marked=False)
    if item.kind == "training_start":
        button = Action(
            t("training.button.attended"), intent=TrainingAnswer(session.id, "attended")
        )
        return Notice.of(t("training.notice.start", **facts), [button], marked=False)
    lines = [t("training.notice.materials", title=session.title), *links]
    rows = [
        [Action(t("training.button.file", name=name), intent=TrainingFile(session.id, n))]
        for n, name in enumerate(files)
    ]
    return Notice.of("\n".join(lines), *rows, marked=False)


async def _invitees(conn: AsyncConnection, session: TrainingSession, today: date) -> list[Invitee]:
    found = []
    for invitation in await store.invitations(conn, session.id):
        person = await people_store.get(conn, invitation.person_id)
        if person is None or person.telegram_id is None or not person.registered:
            continue
        pupil = invitation.role == "mentee" or is_minor(person.birth_date, today)
        participant = Participant(
            person.id, person.telegram_id, person.locale, invitation.role, pupil
        )
        found.append(Invitee(participant, invitation.answer))
    return found


async def plan_training(db: Database, translator: Translator, now: datetime) -> int:
    """Enqueue what is due about sessions around `now`; returns rows added (dedupe: re-runs add 0)."""
    added = 0
    async with db.begin() as conn:
        for session in await store.sessions_between(conn, now - LOOK_BACK, now + LOOK_AHEAD):
            materials = await store.materials(conn, session.id)
            files = [m.file_name or "—" for m in materials if m.file_id]
            links = [m.url for m in materials if m.url]
            invitees = await _invitees(conn, session, now.date())
            for item in plan_session(session, invitees, now, has_materials=bool(materials)):
                notice = _notice(translator, item, session, files, links)
                added += await outbox.enqueue(
                    conn,
                    person_id=item.person_id,
                    chat_id=item.chat_id,
                    kind=item.kind,
                    payload=notice.to_payload(
                        respect_quiet_hours=item.respect_quiet_hours, timezone=item.timezone
                    ),
                    due_at=item.due_at,
                    dedupe_key=item.dedupe_key,
                )
    return added
