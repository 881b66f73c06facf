"""The real process end to end: questionnaires through the sandbox, with a SIGKILL mid-intake."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from mentoring.people.organisations import create_organisation
from sandbox import SandboxClient, SandboxServer, SandboxUser
from storage.db import Database
from storage.migrate import upgrade
from storage.schema import answers, consents, people, responses
from tests.factories import make_invite, make_school
from tests.pg import database_url
from tests.process import BotProcess, run_cli
from tests.sandbox_respondent import SandboxRespondent
from tests.survey_driver import answer_survey, current_cursor

pytestmark = pytest.mark.e2e


async def _register(user: SandboxUser, code: str, name: str) -> None:
    await user.send(f"/start {code}")
    consent = await user.wait_for_message(lambda m: "Даю согласие" in m.button_texts(), timeout=15)
    await user.press(consent, "Даю согласие")
    await user.wait_for_message(lambda m: "Как вас зовут" in (m.text or ""), timeout=15)
    await user.send(name)
    await user.wait_for_message(lambda m: "Вопрос 1 из" in (m.text or ""), timeout=15)


async def _answers(db: Database, telegram_id: int) -> dict[str, object]:
    query = (
        select(answers.c.question_code, answers.c.value)
        .select_from(answers.join(responses).join(people, people.c.id == responses.c.person_id))
        .where(people.c.telegram_id == telegram_id)
    )
    async with db.connect() as conn:
        return {code: value for code, value in (await conn.execute(query)).all()}


async def test_intake_resume_after_sigkill_parent_consent_and_forged_buttons(
    tmp_path: Path, sandbox: SandboxServer
) -> None:
    db_url = database_url(tmp_path, "e2e.db")
    db = Database(db_url)
    await upgrade(db)
    school = await make_school(db)
    mentee_code, mentor_code = (
        await make_invite(db, school, "mentee"),
        await make_invite(db, school, "mentor"),
    )
    bot = BotProcess(
        tmp_path,
        {
            "BOT_TOKEN": "123456:E2E-SURVEY",
            "TELEGRAM_API_BASE": sandbox.base_url,
            "DATABASE_URL": db_url,
        },
    )
    try:
        await bot.start()
        async with SandboxClient(sandbox.base_url) as sb:
            petya = await sb.create_user("Петя")
            kid = SandboxRespondent(petya)
            await _register(petya, mentee_code, "Петров Пётр")

            # Three answers, including Back: a changed mind costs nothing.
            await kid.tap("Школьник")
            await kid.tap("7 класс")
            await kid.tap("◀ Назад")
            await petya.wait_for_message(
                lambda m: "В каком вы классе" in (m.text or ""), timeout=15
            )
            await kid.tap("8 класс")
            await kid.type("31.13.2012")  # malformed: a hint and the same question
            hint = (await petya.chat(files=False))[-1]
            assert "ДД.ММ.ГГГГ" in (hint.text or "")
            birth = f"01.01.{date.today().year - 14}"
            await kid.type(birth)
            before = await current_cursor(db, petya.id)

            bot.kill()  # in the middle of the intake
            await bot.start()

            await petya.send("/survey")
            resumed = await petya.wait_for_message(lambda m: "Вопрос" in (m.text or ""), timeout=15)
            assert await current_cursor(db, petya.id) == before, (
                "the same question after the restart"
            )
            saved = await _answers(db, petya.id)
            assert saved["position"] == "pupil" and saved["school_class"] == "8"
            assert "из" in (resumed.text or "")

            await answer_survey(
                kid,
                db,
                petya.id,
                {"subjects": ["Математика"], "interests": ["Спорт"]},
                submit=False,
            )
            summary = await petya.wait_for_message(
                lambda m: "Отправить ✅" in m.button_texts(), timeout=15
            )
            edit = next(label for label in summary.button_texts() if label.startswith("✏️"))
            await kid.tap(edit)  # change an answer from the summary...
            await answer_survey(kid, db, petya.id, {}, submit=True)  # ...and come back to submit
            parent_note = await petya.wait_for_message(
                lambda m: "согласие родителя" in (m.text or ""), timeout=15
            )
            link = (parent_note.text or "").split("?start=")[1].split()[0]

            mentor = await sb.create_user("Ольга")
            await _register(mentor, mentor_code, "Смирнова Ольга")
            async with db.connect() as conn:
                kid_response = (
                    (await conn.execute(select(responses.c.id).order_by(responses.c.id)))
                    .scalars()
                    .first()
                )
                state_before = (
                    await conn.execute(
                        select(responses.c.state).where(responses.c.id == kid_response)
                    )
                ).scalar_one()
            question = (await mentor.chat(files=False))[-1]
            await mentor.forged_press(
                question, f"sv|{kid_response}|1|o:0"
            )  # someone else's questionnaire
            await mentor.forged_press(question, "sv|1|999|nonsense")
            await answer_survey(
                SandboxRespondent(mentor),
                db,
                mentor.id,
                {"position": "Педагог", "experience_years": "15", "capacity": "2"},
            )
            async with db.connect() as conn:
                state_after = (
                    await conn.execute(
                        select(responses.c.state).where(responses.c.id == kid_response)
                    )
                ).scalar_one()
            assert json.loads(state_after)["answers"] == json.loads(state_before)["answers"]

            mother = await sb.create_user("Мама")
            await mother.send(f"/start {link}")
            text = await mother.wait_for_message(
                lambda m: "Даю согласие" in m.button_texts(), timeout=15
            )
            await mother.press(text, "Даю согласие")
            await mother.wait_for_message(lambda m: "фамилию" in (m.text or ""), timeout=15)
            await mother.send("Петрова Мария Ивановна")
            await mother.wait_for_message(
                lambda m: "Согласие записано" in (m.text or ""), timeout=15
            )
            await petya.wait_for_message(
                lambda m: "Согласие родителя" in (m.text or ""), timeout=15
            )
        async with db.connect() as conn:
            parent = (
                await conn.execute(select(consents.c.granted_by).where(consents.c.kind == "parent"))
            ).scalar_one()
            statuses = (await conn.execute(select(responses.c.status))).scalars().all()
        assert parent == "Петрова Мария Ивановна"
        assert list(statuses) == ["submitted", "submitted"]
        assert "Петров" not in bot.log() and "Петрова" not in bot.log(), (
            "no personal data in the logs"
        )
    finally:
        bot.stop()
        await db.close()


def daytime_zone() -> str:
    """A timezone where it is day now, so quiet hours do not hold the invitation back."""
    for zone in (
        "Europe/Moscow",
        "Asia/Vladivostok",
        "America/New_York",
        "Asia/Kolkata",
        "Pacific/Auckland",
    ):
        if 9 <= datetime.now(UTC).astimezone(ZoneInfo(zone)).hour < 20:
            return zone
    return "Europe/Moscow"


async def test_wave_launched_by_cli_reaches_the_running_bot(
    tmp_path: Path, sandbox: SandboxServer
) -> None:
    db_url = database_url(tmp_path, "e2e.db")
    db = Database(db_url)
    await upgrade(db)
    org = await create_organisation(
        db, name="Лицей № 2", kind="school", municipality="", region="", timezone=daytime_zone()
    )
    code = await make_invite(db, org.id, "mentee")
    env = {
        "BOT_TOKEN": "123456:E2E-WAVE",
        "TELEGRAM_API_BASE": sandbox.base_url,
        "DATABASE_URL": db_url,
    }
    bot = BotProcess(tmp_path, env)
    try:
        await bot.start()
        async with SandboxClient(sandbox.base_url) as sb:
            vera = await sb.create_user("Вера")
            await _register(vera, code, "Верова Вера")
            await answer_survey(
                SandboxRespondent(vera), db, vera.id, {"position": "Студент колледжа или вуза"}
            )
            deadline = (date.today() + timedelta(days=10)).isoformat()
            status, out, err = await run_cli(
                bot.env,
                tmp_path,
                "survey",
                "launch",
                "--org",
                str(org.id),
                "--survey",
                "satisfaction_mentee",
                "--role",
                "mentee",
                "--deadline",
                deadline,
            )
            assert status == 0, err
            assert "1 invitations queued" in out
            invitation = await vera.wait_for_message(
                lambda m: "Начать" in m.button_texts(), timeout=20
            )
            assert "Итоги программы" in (invitation.text or "")
            await vera.press(invitation, "Начать")
            first = await vera.wait_for_message(
                lambda m: "Вопрос 1 из" in (m.text or ""), timeout=15
            )
            assert first.buttons, "the first question of the satisfaction survey, with its scale"
    finally:
        bot.stop()
        await db.close()
