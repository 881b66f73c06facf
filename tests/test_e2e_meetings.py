"""The real process: "did it take place?" → held → feedback questionnaire; the 09:00 digest."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.callbacks import MeetingActionCallback, PairMeetingCallback
from i18n import Translator, load_translator
from sandbox import SandboxClient, SandboxServer
from scheduler.clock import FakeClock
from scheduler.jobs import MeetingPlanner
from storage import meetings as meeting_store
from storage.db import Database
from storage.schema import people, responses
from tests.sandbox_respondent import SandboxRespondent
from tests.survey_driver import answer_survey
from tests.test_e2e_reminders import (
    bot_process,
    confirmed_meeting,
    make_world,
    outbox_rows,
    utc,
    wait_rows,
)
from tests.test_meetings import NewUser, rows, setup_pair

pytestmark = pytest.mark.e2e


async def test_held_meeting_gets_feedback_and_the_digest_lists_meetings(
    tmp_path: Path, sandbox: SandboxServer
) -> None:
    async with SandboxClient(sandbox.base_url) as sb:
        w = await make_world(tmp_path, sb)
        mentor, mentee, curator = w.users["mentor"], w.users["mentee"], w.users["curator"]
        zone = ZoneInfo(w.timezone)
        now = datetime.now(UTC).replace(microsecond=0)
        # it began 3 h ago and ended 2 h ago: the question and the feedback are due at once
        past = await confirmed_meeting(w, now - timedelta(hours=3))
        upcoming_at = now + timedelta(days=2)
        await confirmed_meeting(w, upcoming_at, kind="trial")
        bot = bot_process(tmp_path, w, sandbox)
        try:
            await bot.start()
            question = await mentor.wait_for_message(
                lambda m: "Состоялась" in m.button_texts(), timeout=15
            )
            assert "Встреча состоялась?" in (question.text or "")
            pressed = await mentor.press(question, "Состоялась")
            await mentor.wait_for_answer(pressed, timeout=10)
            async with w.db.connect() as conn:
                held = await meeting_store.get(conn, past)
            assert held is not None and held.status == "held"

            invitation = await mentee.wait_for_message(
                lambda m: "Начать" in m.button_texts(), timeout=15
            )
            assert "Как прошла встреча" in (invitation.text or "")
            await mentee.press(invitation, "Начать")
            await mentee.wait_for_message(lambda m: "Вопрос 1 из" in (m.text or ""), timeout=15)
            await answer_survey(SandboxRespondent(mentee), w.db, mentee.id, {})
            async with w.db.connect() as conn:
                statuses = (
                    await conn.execute(
                        select(responses.c.status)
                        .select_from(responses.join(people, people.c.id == responses.c.person_id))
                        .where(people.c.telegram_id == mentee.id)
                    )
                ).scalars()
                assert list(statuses) == ["submitted"], "the feedback questionnaire, answered"
            await mentor.wait_for_message(  # his own
                lambda m: "Как прошла встреча" in (m.text or ""), timeout=15
            )

            # the curator's digest of today: planned from 09:00 local, lists the trial meeting
            await wait_rows(w.db, "curator_digest", 1)
            [(chat, _, due, key, _)] = await outbox_rows(w.db, "curator_digest")
            today = now.astimezone(zone).date()
            assert chat == curator.id and key.endswith(today.isoformat())
            assert utc(due).astimezone(zone).date() == today
            assert utc(due).astimezone(zone).time() >= time(9, 0)
            digest = await curator.wait_for_message(
                lambda m: "Сводка куратора" in (m.text or ""), timeout=15
            )
            local = upcoming_at.astimezone(zone)
            assert "Встречи в ближайшие 7 дней: 1" in (digest.text or "")
            assert f"{local:%d.%m} {local:%H:%M} — пробная встреча" in (digest.text or "")
        finally:
            bot.stop()
        # the next day's digest: the per-minute job at 09:00 local stores it due at 09:00
        tomorrow_nine = datetime.combine(today + timedelta(days=1), time(9, 0), zone)
        planner = MeetingPlanner(w.db, load_translator(), FakeClock(tomorrow_nine.astimezone(UTC)))
        await planner.run_once()
        await planner.run_once()  # once a day, however often the job runs
        rows = await outbox_rows(w.db, "curator_digest")
        assert len(rows) == 2
        _, status, due, key, payload = rows[-1]
        assert status == "pending" and utc(due) == tomorrow_nine
        assert key.endswith((today + timedelta(days=1)).isoformat())
        assert "пробная встреча" in payload["text"]
        await w.db.close()


async def test_cancel_button_in_meetings_asks_a_reason_and_cancels(
    db: Database, new_user: NewUser, translator: Translator
) -> None:
    s = await setup_pair(db, new_user, "Europe/Moscow")
    mentor, mentee = s.mentor, s.mentee
    now = datetime.now(UTC)
    starts = now + timedelta(days=2)
    made = await s.propose(db, translator, starts_at=starts, now=now)
    assert made.meeting_id
    local = starts.astimezone(ZoneInfo("Europe/Moscow"))
    label = f"Отменить встречу {local:%d.%m %H:%M}"

    # the mentee sees no button; a forged one is refused by the service after the reason
    listing = (await mentee.send("/meetings"))[-1]
    assert listing.reply_markup is None, "the service would refuse a mentee"
    forged = MeetingActionCallback(action="cancel", meeting=made.meeting_id).pack()
    await mentee.press_data(listing, forged)
    await mentee.send("не хочу")
    assert mentee.last().text == "Это действие вам недоступно."

    await mentor.send("/meetings")
    await mentor.tap(label)
    assert "Почему встреча отменяется" in (mentor.last().text or "")
    await mentor.send("Заболела")
    assert mentor.last().text == "Встреча отменена."
    async with db.connect() as conn:
        meeting = await meeting_store.get(conn, made.meeting_id)
    assert meeting is not None and meeting.status == "cancelled"
    assert meeting.cancel_reason == "Заболела"
    [(chat, _, _, payload)] = await rows(db, "meeting_cancelled")
    assert chat == mentee.user.id and "Причина: Заболела" in payload["text"]
    await mentor.send("/meetings")
    assert "отменена" in (mentor.last().text or "")
    assert mentor.last().reply_markup is None, "nothing left to cancel"


async def test_first_meeting_button_opens_the_meeting_form_with_intro_chosen(
    db: Database, new_user: NewUser, translator: Translator
) -> None:
    s = await setup_pair(db, new_user, "Europe/Moscow")
    mentor, mentee = s.mentor, s.mentee
    button = PairMeetingCallback(pair=s.pair).pack()
    # the mentee cannot schedule: the old hint, and no form
    await mentee.press_data((await mentee.send("/meetings"))[-1], button)
    assert "предлагает наставник" in (mentee.last().text or "")

    await mentor.press_data((await mentor.send("/meetings"))[-1], button)
    assert mentor.last().text == "встреча-знакомство. Дата встречи (ДД.ММ.ГГГГ):"
    day = date.today() + timedelta(days=3)
    await mentor.send(day.strftime("%d.%m.%Y"))
    await mentor.send("15:00")
    await mentor.send("Кабинет 3")
    assert "Встреча назначена" in (mentor.last().text or "")
    async with db.connect() as conn:
        [meeting] = await meeting_store.of_organisation(conn, s.org)
    assert meeting.kind == "intro" and meeting.pair_id == s.pair
    assert meeting.starts_at == datetime.combine(day, time(15), ZoneInfo("Europe/Moscow"))
