"""Wave nudges go only to those who have not submitted, once per nudge."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import update

from i18n import Translator
from scheduler.jobs import plan_deadline_reminders
from storage import surveys
from storage.db import Database
from storage.schema import survey_assignments
from surveys.definitions import load_definitions
from tests.chat import ChatUser
from tests.outbox_payloads import buttons
from tests.test_meetings import rows, setup_pair

NewUser = Callable[..., ChatUser]


async def test_nudges_only_to_non_responders(
    db: Database, new_user: NewUser, translator: Translator
) -> None:
    tz = "Asia/Vladivostok"
    s = await setup_pair(db, new_user, tz)
    ids = s.ids
    deadline = date.today() + timedelta(days=10)
    async with db.begin() as conn:
        wave = await surveys.create_wave(
            conn,
            organisation_id=s.org,
            survey_code="intake_mentee",
            role="mentee",
            deadline=deadline,
            created_by=None,
        )
        statuses = {"mentee": "submitted", "stranger": "in_progress"}
        for who in ("mentee", "stranger"):
            assignment = await surveys.assign(conn, ids[who], "intake_mentee", wave_id=wave.id)
            await conn.execute(
                update(survey_assignments)
                .where(survey_assignments.c.id == assignment)
                .values(status=statuses[who])
            )
    three_days = datetime.combine(
        deadline - timedelta(days=3), time(10, 0), ZoneInfo(tz)
    ).astimezone(UTC)
    assert (
        await plan_deadline_reminders(
            db, translator, load_definitions(), three_days - timedelta(minutes=1)
        )
        == 0
    )
    assert await plan_deadline_reminders(db, translator, load_definitions(), three_days) == 1
    assert (
        await plan_deadline_reminders(
            db, translator, load_definitions(), three_days + timedelta(hours=1)
        )
        == 0
    )
    [(chat, _, key, payload)] = await rows(db, "wave_nudge")
    assert chat == s.stranger.user.id and key == f"wave:{wave.id}:nudge:3:{ids['stranger']}"
    assert deadline.strftime("%d.%m.%Y") in payload["text"]
    # The same reminder as the back office's «Напомнить»: text and a button that starts it.
    assert "ждёт ваших ответов" in payload["text"]
    assert buttons(payload)[0][0]["text"] == "Начать"
    assert payload["respect_quiet_hours"] is True
