"""The feedback questionnaire about a meeting: queued once, answered in the chat."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import select

from i18n import Translator
from mentoring.questionnaires.feedback import start_feedback
from storage.db import Database
from storage.schema import outbox, responses, survey_assignments
from surveys.definitions import load_definitions
from tests.chat import ChatUser
from tests.factories import make_school, register_student_mentee
from tests.outbox_payloads import buttons
from tests.survey_driver import answer_survey


async def test_feedback_for_a_meeting_is_queued_once_and_answered(
    db: Database, translator: Translator, new_user: Callable[..., ChatUser]
) -> None:
    school = await make_school(db)
    nina = new_user("Нина")
    person_id = await register_student_mentee(db, nina, school, "Нинова Нина")
    registry = load_definitions()
    first = await start_feedback(
        db,
        translator,
        registry,
        person_id=person_id,
        meeting_id=42,
        organisation_id=school,
        now=datetime.now(UTC),
    )
    again = await start_feedback(
        db,
        translator,
        registry,
        person_id=person_id,
        meeting_id=42,
        organisation_id=school,
        now=datetime.now(UTC),
    )
    assert (first, again) == (True, False), "one questionnaire per person and meeting"
    async with db.connect() as conn:
        payload = (
            await conn.execute(select(outbox.c.payload).where(outbox.c.kind == "survey_invitation"))
        ).scalar_one()
        subject = (
            await conn.execute(
                select(survey_assignments.c.subject_type, survey_assignments.c.subject_id).where(
                    survey_assignments.c.survey_code == "feedback"
                )
            )
        ).one()
    assert "Как прошла встреча" in payload["text"]
    assert tuple(subject) == ("meeting", 42)

    await nina.press_data((await nina.send("/help"))[-1], buttons(payload)[0][0]["callback_data"])
    asked = await answer_survey(nina, db, nina.user.id, {"usefulness": "9", "fit": "8"})
    assert {"usefulness", "as_planned", "fit"} <= set(asked)
    async with db.connect() as conn:
        statuses = (await conn.execute(select(responses.c.survey_code, responses.c.status))).all()
    assert ("feedback", "submitted") in [tuple(r) for r in statuses]


async def test_one_nudge_a_day_later_only_if_unanswered(
    db: Database, translator: Translator, new_user: Callable[..., ChatUser]
) -> None:
    from datetime import timedelta

    from mentoring.questionnaires.feedback import nudge_feedback

    school = await make_school(db)
    oleg = new_user("Олег")
    person_id = await register_student_mentee(db, oleg, school, "Олегов Олег")
    registry = load_definitions()
    now = datetime.now(UTC)
    await start_feedback(
        db, translator, registry, person_id=person_id, meeting_id=7, organisation_id=school, now=now
    )

    assert await nudge_feedback(db, translator, registry, now + timedelta(hours=2)) == 0, (
        "too early"
    )
    assert await nudge_feedback(db, translator, registry, now + timedelta(hours=25)) == 1
    assert await nudge_feedback(db, translator, registry, now + timedelta(hours=30)) == 0, (
        "only one nudge"
    )
    async with db.connect() as conn:
        nudge = (
            await conn.execute(
                select(outbox.c.payload).where(outbox.c.dedupe_key.like("feedback-nudge:%"))
            )
        ).scalar_one()
    assert "Напоминаем" in nudge["text"]
