"""Invitations to a questionnaire say its real deadline, or no deadline at all, and only a
curator's wave says that the curator asks."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

from sqlalchemy import select

from i18n import Translator
from mentoring.questionnaires.feedback import start_feedback
from mentoring.questionnaires.waves import record_group_meeting
from storage.db import Database
from storage.schema import outbox
from surveys.definitions import load_definitions
from tests.chat import ChatUser
from tests.factories import make_school, register_student_mentee

NOW = datetime(2026, 10, 5, 9, 0, tzinfo=UTC)


async def _invitation_texts(db: Database) -> list[str]:
    async with db.connect() as conn:
        rows = await conn.execute(
            select(outbox.c.payload).where(outbox.c.kind == "survey_invitation")
        )
        return [payload["text"] for payload in rows.scalars()]


async def test_feedback_invitation_has_no_deadline_and_no_curator(
    db: Database, translator: Translator, new_user: Callable[..., ChatUser]
) -> None:
    school = await make_school(db)
    person_id = await register_student_mentee(db, new_user("Нина"), school, "Нинова Нина")
    await start_feedback(
        db,
        translator,
        load_definitions(),
        person_id=person_id,
        meeting_id=7,
        organisation_id=school,
        now=NOW,
    )
    (text,) = await _invitation_texts(db)
    assert "до —" not in text and "Куратор просит" not in text, text
    assert "Как прошла встреча?" in text


async def test_preference_invitation_has_no_empty_deadline(
    db: Database, translator: Translator, new_user: Callable[..., ChatUser]
) -> None:
    school = await make_school(db)
    person_id = await register_student_mentee(db, new_user("Нина"), school, "Нинова Нина")
    await record_group_meeting(
        db,
        translator,
        load_definitions(),
        organisation_id=school,
        held_on=date(2026, 10, 2),
        attendee_ids=[person_id],
        actor_person_id=None,
        now=NOW,
    )
    texts = await _invitation_texts(db)
    assert texts and all("до —" not in text for text in texts), texts
    assert any("После общей встречи" in text for text in texts)
