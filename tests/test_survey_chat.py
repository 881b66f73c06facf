"""Questionnaires in the chat through the real Dispatcher: intake, parent consent, resume, bad input."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlalchemy import select

from storage.db import Database
from storage.schema import answers, consents, people, responses
from tests.chat import ChatUser
from tests.factories import make_invite, make_school
from tests.survey_driver import answer_survey

NewUser = Callable[..., ChatUser]


async def register(user: ChatUser, code: str, name: str) -> None:
    await user.press((await user.send(f"/start {code}"))[-1], "Даю согласие")
    await user.send(name)


def birth_date_for_age(age: int) -> str:
    today = date.today()
    return f"01.01.{today.year - age - 1}"


PUPIL_PLAN = {
    "position": "Школьник",
    "school_class": "8 класс",
    "subjects": ["Математика", "Физика"],
    "interests": ["Наука и исследования"],
}


async def test_minor_fills_intake_and_is_held_until_the_parent_consents(
    db: Database, new_user: NewUser
) -> None:
    code = await make_invite(db, await make_school(db), "mentee")
    petya = new_user("Петя")
    await register(petya, code, "Петров Пётр")
    asked = await answer_survey(
        petya, db, petya.user.id, PUPIL_PLAN | {"birth_date": birth_date_for_age(14)}
    )
    assert {"position", "school_class", "birth_date", "subjects"} <= set(asked)
    assert "experience_years" not in asked, "a pupil is not asked about teaching experience"

    held = [m.text for m in petya.replies if m.text and "согласие родителя" in m.text]
    assert held, "the child is told once that a parent's consent is needed"
    link = held[0].split("https://t.me/mentor_test_bot?start=")[1].split()[0]
    async with db.connect() as conn:
        row = (
            await conn.execute(
                select(people.c.birth_date).where(people.c.telegram_id == petya.user.id)
            )
        ).one()
    assert row.birth_date is not None

    mother = new_user("Мама")
    replies = await mother.send(f"/start {link}")
    assert "просит вашего согласия" in replies[0].text
    await mother.press(replies[-1], "Даю согласие")
    await mother.send("Петрова Мария Ивановна")
    assert "Согласие записано" in mother.last().text
    assert any(
        "Согласие родителя (законного представителя) получено" in (m.text or "")
        for m in petya.session.sent.values()
        if m.chat.id == petya.user.id
    )
    async with db.connect() as conn:
        kinds = (await conn.execute(select(consents.c.kind, consents.c.granted_by))).all()
    assert ("parent", "Петрова Мария Ивановна") in kinds

    again = await new_user("Папа").send(f"/start {link}")
    assert "уже дано" in again[-1].text, "the parent link is single-use"


async def test_adult_mentor_completes_intake_without_parent_link(
    db: Database, new_user: NewUser
) -> None:
    code = await make_invite(db, await make_school(db), "mentor")
    olga = new_user("Ольга")
    await register(olga, code, "Смирнова Ольга Петровна")
    asked = await answer_survey(
        olga, db, olga.user.id, {"position": "Педагог", "experience_years": "12", "capacity": "3"}
    )
    assert {"experience_years", "capacity", "offer_tags"} <= set(asked)
    assert not any("согласие родителя" in (m.text or "") for m in olga.replies)
    async with db.connect() as conn:
        status, score = (
            await conn.execute(select(responses.c.status, responses.c.satisfaction_score))
        ).one()
        saved = dict((await conn.execute(select(answers.c.question_code, answers.c.value))).all())
    assert status == "submitted" and score is None
    assert saved["experience_years"] == 12 and saved["capacity"] == 3


async def test_survey_resumes_and_handles_wrong_input(db: Database, new_user: NewUser) -> None:
    code = await make_invite(db, await make_school(db), "mentee")
    ira = new_user("Ира")
    await register(ira, code, "Иванова Ирина")
    await ira.tap("Школьник")
    replies = await ira.send_sticker()
    assert "Стикер не подойдёт" in replies[-1].text and "8 класс" in str(replies[-1].reply_markup)
    replies = await ira.send("/survey")
    assert "Вопрос 2 из" in replies[-1].text, "/survey brings the current question back"
    await ira.tap("8 класс")
    replies = await ira.send("31.02.2011")
    assert "ДД.ММ.ГГГГ" in replies[-1].text
    replies = await ira.send("01.01.1950")
    assert "возраст" in replies[-1].text.lower()


async def test_forged_and_stale_survey_buttons_change_nothing(
    db: Database, new_user: NewUser
) -> None:
    code = await make_invite(db, await make_school(db), "mentee", max_uses=5)
    kira, lev = new_user("Кира"), new_user("Лев")
    await register(kira, code, "Кирова Кира")
    await register(lev, code, "Львов Лев")
    first = kira.keyboard_message("Школьник")
    await kira.tap("Школьник")
    async with db.connect() as conn:
        before = (
            await conn.execute(select(responses.c.id, responses.c.state).order_by(responses.c.id))
        ).all()
    lev_response = before[1].id
    await kira.press_data(
        first, first.reply_markup.inline_keyboard[0][0].callback_data
    )  # a stale tap
    await kira.press_data(first, f"sv|{lev_response}|1|o:0")  # someone else's questionnaire
    await kira.press_data(first, "sv|999999|0|o:0")  # no such response
    async with db.connect() as conn:
        after = (
            await conn.execute(select(responses.c.id, responses.c.state).order_by(responses.c.id))
        ).all()
    assert after == before
    notices = [a.get("text") for a in kira.callback_answers()[-3:]]
    assert len(notices) == 3 and all(notices)
