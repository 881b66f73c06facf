"""The planning job: read what is coming up, ask the pure planners, enqueue idempotently.

Runs every minute as the APScheduler job "meetings-plan". It keeps no state: the outbox
is the schedule and dedupe keys make every run after the first a no-op.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from apscheduler.schedulers.base import BaseScheduler

from bot.callbacks import MeetingActionCallback
from bot.i18n import Translator
from mentoring import digests
from mentoring import meetings as meeting_service
from scheduler.clock import Clock
from scheduler.planners import OutboxItem, plan_meeting
from storage import meetings as meeting_store
from storage import outbox
from storage.db import Database

__all__ = ["JOB_ID", "MeetingPlanner"]

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
    buttons = []
    if item.kind == "meeting_held_question":
        buttons = [
            [
                {
                    "text": t(f"meetings.button.{action}"),
                    "callback_data": MeetingActionCallback(
                        action=action, meeting=meeting_id
                    ).pack(),
                }
                for action in HELD_ACTIONS
            ]
        ]
    return {
        "text": text,
        "buttons": buttons,
        "parse_mode": None,
        "respect_quiet_hours": item.respect_quiet_hours,
        "timezone": item.timezone,
    }


class MeetingPlanner:
    def __init__(self, db: Database, translator: Translator, clock: Clock) -> None:
        self.db = db
        self.translator = translator
        self.clock = clock

    async def run_once(self) -> int:
        """Plan reminders, questions and digests due around now; returns rows added."""
        now = self.clock.now()
        added = 0
        async with self.db.begin() as conn:
            upcoming = await meeting_store.in_window(
                conn, ("confirmed",), now - LOOK_BACK, now + LOOK_AHEAD
            )
            for meeting in upcoming:
                facts = await meeting_service.facts(conn, meeting)
                people = await meeting_service.participants(conn, meeting)
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
        added += await digests.plan_digests(self.db, self.translator, now)
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
