"""One nudge a day after the feedback questionnaire about a meeting, if still unanswered."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.i18n import Translator
from mentoring.notifications import enqueue_survey_invitation
from storage import organisations as org_store
from storage import people as people_store
from storage import surveys
from storage.db import Database
from surveys.definitions import Registry

__all__ = ["FEEDBACK_NUDGE_AFTER", "nudge_feedback"]

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
