"""Survey waves (анкетирование): a curator asks a group of his people to answer by a deadline.

Also the group meeting of all candidates, after which every attendee gets the preference
questionnaire about the others who attended.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncConnection

from i18n import Translator
from i18n.wording import school_year_label
from mentoring.people.ages import adult_born_before
from mentoring.questionnaires.invitations import enqueue_survey_invitation, enqueue_wave_reminder
from mentoring.roadmap import service as roadmap
from mentoring.stats.periods import school_year_of
from storage import audit, group_meetings, surveys
from storage import organisations as org_store
from storage import people as people_store
from storage.db import Database
from surveys.definitions import Registry

__all__ = [
    "LAUNCHABLE",
    "GroupMeetingResult",
    "IntakeReport",
    "WaveLaunch",
    "WaveProblem",
    "intake_overview",
    "invite",
    "launch_wave",
    "organisation_today",
    "record_group_meeting",
    "remind_non_responders",
]

log = logging.getLogger(__name__)

# Feedback follows meetings and preferences follow a group meeting: those are not waves.
LAUNCHABLE = ("intake_mentee", "intake_mentor", "satisfaction_mentee", "satisfaction_mentor")
DEFAULT_TIMEZONE = "Europe/Moscow"
FEEDBACK = "feedback"
PREFERENCE_BY_ROLE = {"mentee": "preference_mentee", "mentor": "preference_mentor"}
# Asked once a school year: registration asks it, and a wave only reaches who has not answered.
INTAKE_BY_ROLE = {"mentee": "intake_mentee", "mentor": "intake_mentor"}


class WaveProblem(StrEnum):
    UNKNOWN_SURVEY = "unknown_survey"
    WRONG_ROLE = "wrong_role"
    PAST_DEADLINE = "past_deadline"
    UNKNOWN_ORGANISATION = "unknown_organisation"


@dataclass(frozen=True, slots=True)
class WaveLaunch:
    wave_id: int | None
    invited: int
    problem: WaveProblem | None = None
    answered_before: int = 0  # the intake, already submitted this school year


def school_year_start(now: datetime, timezone: str) -> datetime:
    """The moment the organisation's current school year began (1 September, local midnight)."""
    zone = ZoneInfo(timezone)
    year = school_year_of(now.astimezone(zone).date())
    return datetime.combine(date(year, 9, 1), time(), zone).astimezone(UTC)


@dataclass(frozen=True, slots=True)
class GroupMeetingResult:
    meeting_id: int
    invited: int


def _invitation_key(survey_code: str, deadline: date | None) -> str:
    """A wave's invitation names its deadline; the others have none and say none (no «до —»).
    Feedback is the bot's own follow-up to a meeting, so it does not claim the curator asks."""
    if deadline is not None:
        return "questionnaires.invitation"
    if survey_code == FEEDBACK:
        return "questionnaires.invitation_feedback"
    if survey_code in PREFERENCE_BY_ROLE.values():
        return "questionnaires.invitation_preference"
    return "questionnaires.invitation_open"


async def invite(
    conn: AsyncConnection,
    translator: Translator,
    registry: Registry,
    person_ids: list[int],
    survey_code: str,
    *,
    now: datetime,
    deadline: date | None,
    timezone: str,
    wave_id: int | None = None,
    subject: tuple[str, int] | None = None,
    due_at: datetime | None = None,
) -> int:
    invited = 0
    for person_id in person_ids:
        person = await people_store.get(conn, person_id)
        if person is None or not person.registered or person.telegram_id is None:
            continue
        assignment_id = await surveys.assign(
            conn,
            person_id,
            survey_code,
            wave_id=wave_id,
            subject_type=subject[0] if subject else None,
            subject_id=subject[1] if subject else None,
        )
        if assignment_id is None:
            continue  # already asked
        title = getattr(
            registry.get(survey_code).title, person.locale if person.locale == "en" else "ru"
        )
        await enqueue_survey_invitation(
            conn,
            translator,
            text_key=_invitation_key(survey_code, deadline),
            person_id=person_id,
            chat_id=person.telegram_id,
            locale=person.locale,
            title=title,
            deadline=deadline,
            assignment_id=assignment_id,
            due_at=due_at or now,
            timezone=timezone,
        )
        invited += 1
    return invited


async def launch_wave(
    db: Database,
    translator: Translator,
    registry: Registry,
    *,
    organisation_id: int,
    survey_code: str,
    role: str,
    deadline: date,
    actor_person_id: int | None,
    now: datetime,
) -> WaveLaunch:
    if survey_code not in registry or survey_code not in LAUNCHABLE:
        return WaveLaunch(None, 0, WaveProblem.UNKNOWN_SURVEY)
    if role not in registry.get(survey_code).audience:
        return WaveLaunch(None, 0, WaveProblem.WRONG_ROLE)
    async with db.begin() as conn:
        organisation = await org_store.get(conn, organisation_id)
        if organisation is None:
            return WaveLaunch(None, 0, WaveProblem.UNKNOWN_ORGANISATION)
        if deadline < now.astimezone(ZoneInfo(organisation.timezone)).date():
            return WaveLaunch(None, 0, WaveProblem.PAST_DEADLINE)
        wave = await surveys.create_wave(
            conn,
            organisation_id=organisation_id,
            survey_code=survey_code,
            role=role,
            deadline=deadline,
            created_by=actor_person_id,
        )
        targets = await surveys.active_people_with_role(conn, organisation_id, role)
        answered_before: set[int] = set()
        if survey_code in INTAKE_BY_ROLE.values():
            since = school_year_start(now, organisation.timezone)
            answered_before = await surveys.submitted_since(conn, targets, survey_code, since)
            for person_id in sorted(answered_before):
                await surveys.assign(
                    conn, person_id, survey_code, wave_id=wave.id, status="submitted"
                )
            targets = [pid for pid in targets if pid not in answered_before]
        invited = await invite(
            conn,
            translator,
            registry,
            targets,
            survey_code,
            now=now,
            deadline=deadline,
            timezone=organisation.timezone,
            wave_id=wave.id,
        )
        await audit.record(
            conn,
            "survey_wave.launched",
            actor_person_id=actor_person_id,
            object_type="survey_wave",
            object_id=wave.id,
            details={
                "survey": survey_code,
                "role": role,
                "invited": invited,
                "answered_before": len(answered_before),
            },
        )
        await roadmap.record_event(conn, organisation_id, f"wave:{survey_code}", actor_person_id=actor_person_id, now=now, link=f"/surveys/{wave.id}")  # fmt: skip
    log.info("survey_wave.launched wave=%s org=%s invited=%s", wave.id, organisation_id, invited)
    return WaveLaunch(wave.id, invited, answered_before=len(answered_before))


async def record_group_meeting(
    db: Database,
    translator: Translator,
    registry: Registry,
    *,
    organisation_id: int,
    held_on: date,
    attendee_ids: list[int],
    actor_person_id: int | None,
    now: datetime,
) -> GroupMeetingResult:
    """Record who attended and send each attendee the preference questionnaire of his role."""
    async with db.begin() as conn:
        organisation = await org_store.get(conn, organisation_id)
        timezone = organisation.timezone if organisation else DEFAULT_TIMEZONE
        members = {
            row.id: row.role
            for row in await people_store.list_in_organisation(conn, organisation_id)
        }
        attendees = sorted({pid for pid in attendee_ids if members.get(pid) in PREFERENCE_BY_ROLE})
        meeting = await group_meetings.create(
            conn, organisation_id, held_on, attendees, actor_person_id
        )
        invited = 0
        for role, survey_code in PREFERENCE_BY_ROLE.items():
            ids = [pid for pid in attendees if members[pid] == role]
            invited += await invite(
                conn,
                translator,
                registry,
                ids,
                survey_code,
                now=now,
                deadline=None,
                timezone=timezone,
                subject=("group_meeting", meeting.id),
            )
        await audit.record(
            conn,
            "group_meeting.recorded",
            actor_person_id=actor_person_id,
            object_type="group_meeting",
            object_id=meeting.id,
            details={"attendees": len(attendees)},
        )
        await roadmap.record_event(conn, organisation_id, "group_meeting", actor_person_id=actor_person_id, now=now, link="/surveys")  # fmt: skip
    return GroupMeetingResult(meeting.id, invited)


@dataclass(frozen=True, slots=True)
class WaveReport:
    wave: surveys.Wave
    people: list[surveys.WaveProgress]

    def count(self, status: str) -> int:
        return sum(1 for p in self.people if p.status == status)


def organisation_today(timezone: str, now: datetime) -> date:
    """The date on the organisation's own calendar (a curator in Vladivostok is a day ahead)."""
    return now.astimezone(ZoneInfo(timezone)).date()


async def local_today(db: Database, organisation_id: int, now: datetime) -> date:
    async with db.connect() as conn:
        organisation = await org_store.get(conn, organisation_id)
    return organisation_today(organisation.timezone if organisation else DEFAULT_TIMEZONE, now)


@dataclass(frozen=True, slots=True)
class IntakeReport:
    """Where everyone of a role stands with the intake this school year, waves or not."""

    role: str
    survey_code: str
    people: list[surveys.WaveProgress]
    school_year: str  # «2026/27»

    def count(self, status: str) -> int:
        return sum(1 for p in self.people if p.status == status)


async def intake_overview(db: Database, organisation_id: int, now: datetime) -> list[IntakeReport]:
    """The intake status of the organisation's mentees and mentors (roles with nobody left out)."""
    async with db.connect() as conn:
        organisation = await org_store.get(conn, organisation_id)
        since = school_year_start(now, organisation.timezone if organisation else DEFAULT_TIMEZONE)
        year = school_year_label(school_year_of(since.astimezone(UTC).date() + timedelta(days=1)))
        reports = []
        for role, code in INTAKE_BY_ROLE.items():
            people = await surveys.intake_progress(conn, organisation_id, role, code, since)
            if people:
                reports.append(IntakeReport(role, code, people, year))
    return reports


async def wave_report(db: Database, wave_id: int) -> WaveReport | None:
    async with db.connect() as conn:
        wave = await surveys.get_wave(conn, wave_id)
        if wave is None:
            return None
        return WaveReport(wave, await surveys.wave_progress(conn, wave_id))


async def waves_overview(db: Database, organisation_id: int, limit: int = 8) -> list[WaveReport]:
    async with db.connect() as conn:
        waves = (await surveys.waves_for_organisation(conn, organisation_id))[:limit]
        return [WaveReport(w, await surveys.wave_progress(conn, w.id)) for w in waves]


async def minors_lacking_parent_consent(
    db: Database, organisation_id: int, today: date
) -> list[people_store.PersonRow]:
    async with db.connect() as conn:
        return await people_store.minors_without_parent_consent(
            conn, organisation_id, adult_born_before(today)
        )


async def group_meeting_candidates(
    db: Database, organisation_id: int
) -> list[people_store.PersonRow]:
    async with db.connect() as conn:
        rows = await people_store.list_in_organisation(conn, organisation_id)
    return [r for r in rows if r.role in PREFERENCE_BY_ROLE and r.status == "active"]


async def remind_non_responders(
    db: Database,
    translator: Translator,
    registry: Registry,
    wave_id: int,
    *,
    actor_person_id: int | None,
    now: datetime,
) -> int | None:
    """Queue the invitation again for everyone who has not answered; None for no such wave.

    The dedupe key holds the wave, the person and the organisation's day, so a second
    press on the same day queues nothing more.
    """
    async with db.begin() as conn:
        wave = await surveys.get_wave(conn, wave_id)
        if wave is None:
            return None
        organisation = await org_store.get(conn, wave.organisation_id)
        timezone = organisation.timezone if organisation else DEFAULT_TIMEZONE
        day = now.astimezone(ZoneInfo(timezone)).date()
        queued = 0
        for assignment_id, person_id in await surveys.wave_open_assignments(conn, wave_id):
            person = await people_store.get(conn, person_id)
            if person is None or not person.registered or person.telegram_id is None:
                continue
            title = registry.title(wave.survey_code, person.locale)
            queued += await enqueue_wave_reminder(
                conn,
                translator,
                person_id=person_id,
                chat_id=person.telegram_id,
                locale=person.locale,
                title=title,
                deadline=wave.deadline,
                assignment_id=assignment_id,
                due_at=now,
                timezone=timezone,
                dedupe_key=f"survey-reminder:{wave_id}:{person_id}:{day.isoformat()}",
            )
        await audit.record(
            conn,
            "survey_wave.reminded",
            actor_person_id=actor_person_id,
            object_type="survey_wave",
            object_id=wave_id,
            details={"queued": queued},
        )
    return queued
