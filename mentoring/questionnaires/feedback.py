"""Feedback after meetings (обратная связь): the questionnaire about a held meeting to each
participant (`start_feedback`), and one nudge a day later if it is still unanswered."""

from __future__ import annotations

from datetime import datetime, timedelta

from i18n import Translator
from mentoring.questionnaires.invitations import enqueue_survey_invitation
from mentoring.questionnaires.waves import invite
from storage import organisations as org_store
from storage import people as people_store
from storage import surveys
from storage.db import Database
from surveys.definitions import Registry

__all__ = ["FEEDBACK_NUDGE_AFTER", "nudge_feedback", "start_feedback"]

FEEDBACK = "feedback"
FEEDBACK_NUDGE_AFTER = timedelta(days=1)
# Feedback older than this is stale; a nudge then would only annoy.
NUDGE_WINDOW = timedelta(days=2)
DEFAULT_TIMEZONE = "Europe/Moscow"


async def nudge_feedback(
    db: Database, translator: Translator, registry: Registry, now: datetime
) -> int:
    """Queue the nudge for every feedback assignment asked a day ago and not answered."""
    queued = 0
    async with db.begin() as conn:
        asked_before = now - FEEDBACK_NUDGE_AFTER
        for assignment in await surveys.unanswered_between(
            conn, FEEDBACK, asked_before - NUDGE_WINDOW, asked_before
        ):
            person = await people_store.get(conn, assignment.person_id)
            if person is None or not person.registered or person.telegram_id is None:
                continue
            org_id = next(
                (m.organisation_id for m in person.memberships if m.organisation_id), None
            )
            organisation = await org_store.get(conn, org_id) if org_id else None
            queued += await enqueue_survey_invitation(
                conn,
                translator,
                person_id=person.id,
                chat_id=person.telegram_id,
                locale=person.locale,
                title=getattr(
                    registry.get(FEEDBACK).title, "en" if person.locale == "en" else "ru"
                ),
                deadline=None,
                assignment_id=assignment.id,
                due_at=now,
                timezone=organisation.timezone if organisation else DEFAULT_TIMEZONE,
                dedupe_key=f"feedback-nudge:{assignment.id}",
                text_key="questionnaires.feedback_nudge",
            )
    return queued


async def start_feedback(
    db: Database,
    translator: Translator,
    registry: Registry,
    *,
    person_id: int,
    meeting_id: int,
    organisation_id: int,
    now: datetime,
    due_at: datetime | None = None,
) -> bool:
    """Ask person P about meeting M (обратная связь); False when he was asked already.

    `due_at` (default `now`) lets the invitation wait, e.g. until an hour after the meeting.

    The meetings feature calls this after a meeting is marked held; the invitation goes
    through the outbox like any other.
    """
    async with db.begin() as conn:
        organisation = await org_store.get(conn, organisation_id)
        invited = await invite(
            conn,
            translator,
            registry,
            [person_id],
            FEEDBACK,
            now=now,
            deadline=None,
            timezone=organisation.timezone if organisation else DEFAULT_TIMEZONE,
            subject=("meeting", meeting_id),
            due_at=due_at,
        )
    return invited == 1
