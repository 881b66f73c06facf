"""The planning job: read what is coming up, ask the pure planners, enqueue idempotently.

Runs every minute as the APScheduler job "meetings-plan". It keeps no state: the outbox
is the schedule and dedupe keys make every run after the first a no-op.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from apscheduler.schedulers.base import BaseScheduler
from sqlalchemy.ext.asyncio import AsyncConnection

from i18n import Translator
from mentoring.cases.requests import plan_case_requests
from mentoring.meetings import participants as meeting_participants
from mentoring.notices import Action, MeetingStep, Notice
from mentoring.questionnaires.feedback import nudge_feedback
from mentoring.questionnaires.invitations import enqueue_wave_reminder
from mentoring.roadmap import digests
from mentoring.timing.planners import (
    OutboxItem,
    Participant,
    plan_meeting,
    plan_roadmap_reminders,
    plan_wave_nudges,
)
from mentoring.training.planning import plan_training
from scheduler.clock import Clock
from storage import meetings as meeting_store
from storage import organisations as org_store
from storage import outbox
from storage import people as people_store
from storage import roadmap as roadmap_store
from storage import surveys as survey_store
from storage.db import Database
from surveys.definitions import Registry, load_definitions

__all__ = ["JOB_ID", "MeetingPlanner", "plan_deadline_reminders"]

log = logging.getLogger(__name__)

JOB_ID = "meetings-plan"
LOOK_BACK = timedelta(days=1)  # meetings that began lately still get "did it take place?"
LOOK_AHEAD = timedelta(days=2)  # enough for the 24-hour reminder
HELD_ACTIONS = ("held", "not_held", "moved")


def _payload(
    translator: Translator, item: OutboxItem, kind: str, meeting_id: int
) -> dict[str, Any]:
    t = translator.bind(item.locale)
    text = t(
        f"meetings.notice.{'reminder' if item.kind == 'meeting_reminder' else 'held_question'}",
        kind=t(f"meetings.kind.{kind}"),
        **item.params,
    )
    steps = HELD_ACTIONS if item.kind == "meeting_held_question" else ()
    row = [
        Action(t(f"meetings.button.{step}"), intent=MeetingStep(meeting_id, step)) for step in steps
    ]
    return Notice.of(text, row, marked=False).to_payload(
        respect_quiet_hours=item.respect_quiet_hours, timezone=item.timezone
    )


NUDGE_LOOK_AHEAD = timedelta(days=4)  # waves whose deadline is near enough for a nudge
ROADMAP_LOOK_AHEAD = timedelta(days=8)


async def _participant(conn: AsyncConnection, person_id: int, role: str) -> Participant | None:
    person = await people_store.get(conn, person_id)
    if person is None or person.telegram_id is None or not person.registered:
        return None
    return Participant(person_id, person.telegram_id, person.locale, role, role == "mentee")


def _notice(item: OutboxItem, text: str) -> dict[str, Any]:
    return Notice.of(text, marked=False).to_payload(
        respect_quiet_hours=item.respect_quiet_hours, timezone=item.timezone
    )


async def _enqueue(conn: AsyncConnection, item: OutboxItem, text: str) -> bool:
    return await outbox.enqueue(
        conn,
        person_id=item.person_id,
        chat_id=item.chat_id,
        kind=item.kind,
        payload=_notice(item, text),
        due_at=item.due_at,
        dedupe_key=item.dedupe_key,
    )


async def plan_deadline_reminders(
    db: Database, translator: Translator, registry: Registry, now: datetime
) -> int:
    """Nudge wave non-responders and remind curators of roadmap dates; returns rows added."""
    added = 0
    async with db.begin() as conn:
        for organisation in await org_store.list_all(conn):
            for wave in await survey_store.waves_for_organisation(conn, organisation.id):
                if (
                    not now.date() - timedelta(days=1)
                    <= wave.deadline
                    <= (now + NUDGE_LOOK_AHEAD).date()
                ):
                    continue
                open_assignments = {
                    person_id: assignment_id
                    for assignment_id, person_id in await survey_store.wave_open_assignments(
                        conn, wave.id
                    )
                }
                silent = [
                    p
                    for person_id in open_assignments
                    if (p := await _participant(conn, person_id, wave.role)) is not None
                ]
                for item in plan_wave_nudges(
                    wave.id, wave.deadline, organisation.timezone, silent, now
                ):
                    added += await enqueue_wave_reminder(
                        conn,
                        translator,
                        person_id=item.person_id,
                        chat_id=item.chat_id,
                        locale=item.locale,
                        title=registry.title(wave.survey_code, item.locale),
                        deadline=wave.deadline,
                        assignment_id=open_assignments[item.person_id],
                        due_at=item.due_at,
                        timezone=item.timezone,
                        dedupe_key=item.dedupe_key,
                    )
        organisations = {org.id: org for org in await org_store.list_all(conn)}
        for road_item in await roadmap_store.open_items(conn, (now + ROADMAP_LOOK_AHEAD).date()):
            org = organisations.get(road_item.organisation_id)
            if org is None:
                continue
            curators = [
                p
                for c in await survey_store.active_people_with_role(conn, org.id, "curator")
                if (p := await _participant(conn, c, "curator")) is not None
            ]
            for item in plan_roadmap_reminders(
                road_item.id, road_item.due_on, org.timezone, curators, now
            ):
                t = translator.bind(item.locale)
                text = t(
                    f"roadmap.reminder.{item.params['label']}",
                    title=road_item.title(item.locale),
                    date=item.params["date"],
                    organisation=org.name,
                )
                added += await _enqueue(conn, item, text)
    return added


class MeetingPlanner:
    def __init__(
        self,
        db: Database,
        translator: Translator,
        clock: Clock,
        registry: Registry | None = None,
        *,
        weekly_digest: bool = False,
    ) -> None:
        self.weekly_digest = weekly_digest
        self.db = db
        self.translator = translator
        self.clock = clock
        self.registry = registry or load_definitions()

    async def run_once(self) -> int:
        """Plan reminders, questions and digests due around now; returns rows added."""
        now = self.clock.now()
        added = 0
        async with self.db.begin() as conn:
            upcoming = await meeting_store.in_window(
                conn, ("confirmed",), now - LOOK_BACK, now + LOOK_AHEAD
            )
            for meeting in upcoming:
                facts = await meeting_participants.facts(conn, meeting)
                people = await meeting_participants.participants(conn, meeting)
                for item in plan_meeting(facts, people, now):
                    added += await outbox.enqueue(
                        conn,
                        person_id=item.person_id,
                        chat_id=item.chat_id,
                        kind=item.kind,
                        payload=_payload(self.translator, item, meeting.kind, meeting.id),
                        due_at=item.due_at,
                        dedupe_key=item.dedupe_key,
                    )
        added += await digests.plan_digests(
            self.db, self.translator, now, weekly=self.weekly_digest
        )
        added += await plan_deadline_reminders(self.db, self.translator, self.registry, now)
        added += await digests.plan_coordinator_digests(self.db, self.translator, now)
        added += await nudge_feedback(self.db, self.translator, self.registry, now)
        added += await plan_case_requests(self.db, self.translator, now)
        added += await plan_training(self.db, self.translator, now)
        return added

    async def _tick(self) -> None:
        try:
            await self.run_once()
        except Exception:  # a bad run must not stop the next one
            log.exception("meetings.plan_failed")

    def start(self, scheduler: BaseScheduler, *, interval_seconds: float = 60.0) -> None:
        scheduler.add_job(
            self._tick,
            "interval",
            seconds=interval_seconds,
            id=JOB_ID,
            replace_existing=True,
            max_instances=1,
            coalesce=True,
            next_run_time=self.clock.now(),
        )
