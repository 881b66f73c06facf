"""Reminder planning (планирование напоминаний): data and `now` in, outbox items out.

Pure: no database, no clock, no translator. An item names its text by locale key; the
job that enqueues it renders the text. Dedupe keys carry the meeting id and its start
time, so planning the same meeting again never duplicates a message, and a meeting moved
to a new time gets new reminders (the job withdraws the old ones).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from scheduler.quiet_hours import shift_out_of_quiet_hours

__all__ = [
    "DIGEST_TIME",
    "REMINDER_LEADS",
    "MeetingFacts",
    "OutboxItem",
    "Participant",
    "digest_day",
    "plan_meeting",
]

REMINDER_LEADS: tuple[timedelta, ...] = (timedelta(hours=24), timedelta(hours=1))
DIGEST_TIME = time(9, 0)


@dataclass(frozen=True, slots=True)
class Participant:
    person_id: int
    chat_id: int
    locale: str
    role: str  # mentor / mentee / curator
    pupil: bool  # a school pupil: never messaged during quiet hours


@dataclass(frozen=True, slots=True)
class MeetingFacts:
    id: int
    kind: str
    status: str
    starts_at: datetime  # UTC
    duration_minutes: int
    place: str
    timezone: str
    asker_id: int  # who is asked "did it take place?" (the mentor, or the curator)


@dataclass(frozen=True, slots=True)
class OutboxItem:
    person_id: int
    chat_id: int
    locale: str
    kind: str  # meeting_reminder / meeting_held_question
    due_at: datetime
    dedupe_key: str
    respect_quiet_hours: bool
    timezone: str
    lead_minutes: int = 0
    params: dict[str, str] = field(default_factory=dict)


def _stamp(moment: datetime) -> int:
    return int(moment.timestamp())


def plan_meeting(
    meeting: MeetingFacts,
    participants: Sequence[Participant],
    now: datetime,
    leads: Sequence[timedelta] = REMINDER_LEADS,
) -> list[OutboxItem]:
    """Reminders before a confirmed meeting and the "did it take place?" question after it.

    A reminder is planned only while at least half its lead time is left (a "tomorrow"
    reminder that arrives an hour before would mislead), and a pupil's reminder that quiet
    hours would push past the start is dropped.
    """
    if meeting.status != "confirmed":
        return []
    items: list[OutboxItem] = []
    local = meeting.starts_at.astimezone(ZoneInfo(meeting.timezone))
    params = {
        "date": local.strftime("%d.%m.%Y"),
        "time": local.strftime("%H:%M"),
        "place": meeting.place,
    }
    for lead in leads:
        if now >= meeting.starts_at - lead / 2:
            continue
        for person in participants:
            due = meeting.starts_at - lead
            if person.pupil:
                due = shift_out_of_quiet_hours(due, meeting.timezone)
                if due >= meeting.starts_at:
                    continue
            minutes = int(lead.total_seconds() // 60)
            items.append(
                OutboxItem(
                    person_id=person.person_id,
                    chat_id=person.chat_id,
                    locale=person.locale,
                    kind="meeting_reminder",
                    due_at=due,
                    dedupe_key=(
                        f"meeting:{meeting.id}:remind:{minutes}:{person.person_id}"
                        f":{_stamp(meeting.starts_at)}"
                    ),
                    respect_quiet_hours=person.pupil,
                    timezone=meeting.timezone,
                    lead_minutes=minutes,
                    params=params,
                )
            )
    asker = next((p for p in participants if p.person_id == meeting.asker_id), None)
    if asker is not None:
        items.append(
            OutboxItem(
                person_id=asker.person_id,
                chat_id=asker.chat_id,
                locale=asker.locale,
                kind="meeting_held_question",
                due_at=meeting.starts_at + timedelta(minutes=meeting.duration_minutes),
                dedupe_key=f"meeting:{meeting.id}:held-ask:{_stamp(meeting.starts_at)}",
                respect_quiet_hours=False,
                timezone=meeting.timezone,
                params=params,
            )
        )
    return items


def digest_day(now: datetime, timezone: str, at: time = DIGEST_TIME) -> date | None:
    """The local day whose digest is due by `now` (at or after `at` local), else None."""
    local = now.astimezone(ZoneInfo(timezone))
    return local.date() if local.time() >= at else None
