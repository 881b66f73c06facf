"""Questionnaire invitations and reminders through the outbox, in the recipient's language.

The outbox keeps the notice (text and the «Начать» intent), so what was planned is exactly
what is sent, even after a restart.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncConnection

from i18n import Translator
from mentoring.notices import Action, Notice, StartQuestionnaire
from mentoring.timing.quiet_hours import shift_out_of_quiet_hours
from storage import outbox

__all__ = ["enqueue_survey_invitation", "enqueue_wave_reminder"]


def _date(value: date) -> str:
    return value.strftime("%d.%m.%Y")


async def enqueue_survey_invitation(
    conn: AsyncConnection,
    translator: Translator,
    *,
    person_id: int,
    chat_id: int,
    locale: str,
    title: str,
    deadline: date | None,
    assignment_id: int,
    due_at: datetime,
    timezone: str,
    dedupe_key: str | None = None,
    text_key: str = "questionnaires.invitation",
    kind: str = "survey_invitation",
) -> bool:
    """Queue the invitation (or a reminder, by `text_key`); never during quiet hours."""
    text = translator.get(
        locale,
        text_key,
        title=title,
        deadline=_date(deadline) if deadline else "—",
    )
    start = Action(
        translator.get(locale, "questionnaires.start_button"),
        intent=StartQuestionnaire(assignment_id),
    )
    return await outbox.enqueue(
        conn,
        person_id=person_id,
        chat_id=chat_id,
        kind=kind,
        payload=Notice.of(text, [start], marked=False).to_payload(
            respect_quiet_hours=True, timezone=timezone
        ),
        due_at=shift_out_of_quiet_hours(due_at, timezone),
        dedupe_key=dedupe_key or f"survey-invitation:{assignment_id}",
    )


async def enqueue_wave_reminder(
    conn: AsyncConnection,
    translator: Translator,
    *,
    person_id: int,
    chat_id: int,
    locale: str,
    title: str,
    deadline: date,
    assignment_id: int,
    due_at: datetime,
    timezone: str,
    dedupe_key: str,
) -> bool:
    """The one reminder to a wave's non-responder, whether the scheduler plans it (3 days
    and 1 day before the deadline) or a curator presses «Напомнить»: the same text, with
    the «Начать» button; only the dedupe key says which."""
    return await enqueue_survey_invitation(
        conn,
        translator,
        person_id=person_id,
        chat_id=chat_id,
        locale=locale,
        title=title,
        deadline=deadline,
        assignment_id=assignment_id,
        due_at=due_at,
        timezone=timezone,
        dedupe_key=dedupe_key,
        text_key="questionnaires.reminder",
        kind="wave_nudge",
    )
