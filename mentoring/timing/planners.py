"""Reminder planning (планирование напоминаний): data and `now` in, outbox items out.

Pure: no database, no clock, no translator. An item names its text by locale key; the
job that enqueues it renders the text. Dedupe keys carry the meeting id and its start
time, so planning the same meeting again never duplicates a message, and a meeting moved
to a new time gets new reminders (the job withdraws the old ones).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

from mentoring.timing.quiet_hours import shift_out_of_quiet_hours

__all__ = [
    "DIGEST_TIME",
    "NUDGE_DAYS_BEFORE",
    "NUDGE_TIME",
    "REMINDER_LEADS",
    "ROADMAP_DAYS_BEFORE",
    "WEEKLY_DIGEST_TIME",
    "MeetingFacts",
    "OutboxItem",
    "Participant",
    "addressed",
    "digest_day",
    "plan_meeting",
    "plan_roadmap_reminders",
    "plan_wave_nudges",
    "reminders_for",
    "weekly_digest_monday",
]

_Label = TypeVar("_Label")

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


def addressed(
    person: Participant,
    *,
    kind: str,
    due: datetime,
    dedupe_key: str,
    timezone: str,
    params: dict[str, str],
    quiet_hours: bool,
    lead_minutes: int = 0,
) -> OutboxItem:
    """An item for `person`; with `quiet_hours`, a pupil's is shifted out of them (тихие часы)."""
    respect = quiet_hours and person.pupil
    return OutboxItem(
        person_id=person.person_id,
        chat_id=person.chat_id,
        locale=person.locale,
        kind=kind,
        due_at=shift_out_of_quiet_hours(due, timezone) if respect else due,
        dedupe_key=dedupe_key,
        respect_quiet_hours=respect,
        timezone=timezone,
        lead_minutes=lead_minutes,
        params=params,
    )


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
        minutes = int(lead.total_seconds() // 60)
        for person in participants:
            item = addressed(
                person,
                kind="meeting_reminder",
                due=meeting.starts_at - lead,
                dedupe_key=(
                    f"meeting:{meeting.id}:remind:{minutes}:{person.person_id}"
                    f":{_stamp(meeting.starts_at)}"
                ),
                timezone=meeting.timezone,
                params=params,
                quiet_hours=True,
                lead_minutes=minutes,
            )
            if item.respect_quiet_hours and item.due_at >= meeting.starts_at:
                continue
            items.append(item)
    asker = next((p for p in participants if p.person_id == meeting.asker_id), None)
    if asker is not None:
        items.append(
            addressed(
                asker,
                kind="meeting_held_question",
                due=meeting.starts_at + timedelta(minutes=meeting.duration_minutes),
                dedupe_key=f"meeting:{meeting.id}:held-ask:{_stamp(meeting.starts_at)}",
                timezone=meeting.timezone,
                params=params,
                quiet_hours=False,
            )
        )
    return items


def reminders_for(
    meeting: MeetingFacts,
    person: Participant,
    now: datetime,
    leads: Sequence[timedelta] = REMINDER_LEADS,
) -> tuple[int, ...]:
    """The lead times (minutes) of the reminders `person` will get once the meeting is
    confirmed: what a confirmation may promise («напомню за сутки и за час»)."""
    confirmed = replace(meeting, status="confirmed", asker_id=0)
    return tuple(
        item.lead_minutes
        for item in plan_meeting(confirmed, [person], now, leads)
        if item.kind == "meeting_reminder"
    )


def digest_day(now: datetime, timezone: str, at: time = DIGEST_TIME) -> date | None:
    """The local day whose digest is due by `now` (at or after `at` local), else None."""
    local = now.astimezone(ZoneInfo(timezone))
    return local.date() if local.time() >= at else None


# --- survey-wave nudges, roadmap reminders, the coordinator's week ---------------------------
NUDGE_TIME = time(10, 0)
NUDGE_DAYS_BEFORE: tuple[int, ...] = (3, 1)
ROADMAP_DAYS_BEFORE: tuple[int, ...] = (7, 1)
WEEKLY_DIGEST_TIME = time(9, 0)


def _local_at(day: date, at: time, timezone: str) -> datetime:
    return datetime.combine(day, at, tzinfo=ZoneInfo(timezone)).astimezone(ZoneInfo("UTC"))


def _current(
    moments: Sequence[tuple[_Label, datetime]], now: datetime, last_until: datetime | None
) -> list[tuple[_Label, datetime]]:
    """The moments due by `now`: each from its time until the next one supersedes it (the
    last until `last_until`, or for good when None).

    Planning only what is due keeps a nudge from reaching someone who has answered since.
    """
    untils = [due for _, due in moments[1:]] + [last_until]
    return [
        (label, due)
        for (label, due), until in zip(moments, untils, strict=True)
        if due <= now and (until is None or now < until)
    ]


def plan_wave_nudges(
    wave_id: int,
    deadline: date,
    timezone: str,
    non_responders: Sequence[Participant],
    now: datetime,
) -> list[OutboxItem]:
    """Nudges (напоминания не ответившим) 3 days and 1 day before the wave's deadline, 10:00.

    Each nudge is planned from its time until the next one's (the last: until the deadline
    day ends); pass only people whose assignment is still pending or in progress.
    """
    moments = [
        (days, _local_at(deadline - timedelta(days=days), NUDGE_TIME, timezone))
        for days in NUDGE_DAYS_BEFORE
    ]
    day_after = _local_at(deadline + timedelta(days=1), time(0, 0), timezone)
    return [
        addressed(
            person,
            kind="wave_nudge",
            due=due,
            dedupe_key=f"wave:{wave_id}:nudge:{days}:{person.person_id}",
            timezone=timezone,
            params={"deadline": deadline.strftime("%d.%m.%Y"), "days": str(days)},
            quiet_hours=True,
        )
        for days, due in _current(moments, now, day_after)
        for person in non_responders
    ]


def plan_roadmap_reminders(
    item_id: int,
    due_on: date,
    timezone: str,
    curators: Sequence[Participant],
    now: datetime,
) -> list[OutboxItem]:
    """Reminders to curators 7 days and 1 day before an open item's date, and once overdue.

    The keys hold the due date, so an item moved to another date is reminded afresh.
    """
    moments: list[tuple[str, datetime]] = [
        (f"before{days}", _local_at(due_on - timedelta(days=days), NUDGE_TIME, timezone))
        for days in ROADMAP_DAYS_BEFORE
    ]
    moments.append(("overdue", _local_at(due_on + timedelta(days=1), NUDGE_TIME, timezone)))
    return [
        addressed(
            person,
            kind="roadmap_reminder",
            due=due,
            dedupe_key=f"roadmap:{item_id}:{label}:{person.person_id}:{due_on.isoformat()}",
            timezone=timezone,
            params={"label": label, "date": due_on.strftime("%d.%m.%Y")},
            quiet_hours=False,
        )
        for label, due in _current(moments, now, None)
        for person in curators
    ]


def weekly_digest_monday(
    now: datetime, timezone: str, at: time = WEEKLY_DIGEST_TIME
) -> date | None:
    """The Monday whose weekly digest is due by `now`: Monday `at` local or later that day."""
    local = now.astimezone(ZoneInfo(timezone))
    if local.weekday() != 0 or local.time().replace(tzinfo=None) < at:
        return None
    return local.date()
