"""A curator runs questionnaires from the chat: waves, responses, consents, the group meeting."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, timedelta

from sqlalchemy import select

from storage.db import Database
from storage.schema import consents, outbox
from tests.chat import ChatUser
from tests.factories import make_invite, make_school
from tests.outbox_payloads import buttons
from tests.survey_driver import answer_survey

NewUser = Callable[..., ChatUser]
ADULT: dict[str, str] = {}


async def register(user: ChatUser, code: str, name: str) -> None:
    await user.press((await user.send(f"/start {code}"))[-1], "Даю согласие")
    await user.send(name)


async def invitations(db: Database) -> list[dict[str, object]]:
    async with db.connect() as conn:
        rows = (
            await conn.execute(
                select(outbox.c.chat_id, outbox.c.kind, outbox.c.payload).order_by(outbox.c.id)
            )
        ).all()
    return [
        {
            "chat_id": r.chat_id,
            "kind": r.kind,
            "payload": r.payload if isinstance(r.payload, dict) else json.loads(r.payload),
        }
        for r in rows
    ]


def start_data(invitation: dict[str, object]) -> str:
    payload = invitation["payload"]
    assert isinstance(payload, dict)
    return str(buttons(payload)[0][0]["callback_data"])


async def test_wave_launch_invites_and_responses_show_who_answered(
    db: Database, new_user: NewUser
) -> None:
    school = await make_school(db)
    curator = new_user("Куратор")
    await register(curator, await make_invite(db, school, "curator"), "Кураторова Елена")
    mentee_code = await make_invite(db, school, "mentee", max_uses=5)
    anna, boris = new_user("Анна"), new_user("Борис")
    for user, name in ((anna, "Аннова Анна"), (boris, "Борисов Борис")):
        await register(user, mentee_code, name)
        await answer_survey(
            user, db, user.user.id, {"position": "Студент колледжа или вуза"} | ADULT
        )

    await curator.send("/survey_wave")
    await curator.tap("Итоги программы: взгляд наставляемого")
    assert "До какого числа" in curator.last().text
    assert "не раньше сегодняшней" in (await curator.send("вчера"))[-1].text
    deadline = (date.today() + timedelta(days=7)).strftime("%d.%m.%Y")
    assert "отправлена: 2 чел." in (await curator.send(deadline))[-1].text

    sent = [i for i in await invitations(db) if i["kind"] == "survey_invitation"]
    assert {i["chat_id"] for i in sent} == {anna.user.id, boris.user.id}
    anna_invite = next(i for i in sent if i["chat_id"] == anna.user.id)
    assert deadline in str(anna_invite["payload"])

    # Anna presses "Начать" on the delivered invitation and answers; Boris does not.
    invite_message = (await anna.send("/help"))[-1]
    await anna.press_data(invite_message, start_data(anna_invite))
    await answer_survey(anna, db, anna.user.id)

    replies = await curator.send("/responses")
    assert "ответили 1 из 2" in replies[-1].text
    await curator.tap(replies[-1].reply_markup.inline_keyboard[0][0].text)
    detail = curator.last().text
    assert (
        "Ответили (1):\n• Аннова Анна" in detail and "Не начинали (1):\n• Борисов Борис" in detail
    )


async def test_another_schools_curator_cannot_see_or_launch(
    db: Database, new_user: NewUser
) -> None:
    school_a, school_b = await make_school(db, "Школа А"), await make_school(db, "Школа Б")
    curator_a, curator_b = new_user("А"), new_user("Б")
    await register(curator_a, await make_invite(db, school_a, "curator"), "Алексеева Алла")
    await register(curator_b, await make_invite(db, school_b, "curator"), "Борисова Белла")
    await curator_a.send("/survey_wave")
    await curator_a.tap("Анкета наставника")
    await curator_a.send((date.today() + timedelta(days=3)).strftime("%d.%m.%Y"))
    replies = await curator_b.send("/responses")
    assert "ещё не запускали" in replies[-1].text
    await curator_b.press_data(replies[-1], "wdt:1")  # forged: school A's wave
    assert curator_b.callback_answers()[-1].get("text") == "Это действие вам недоступно."
    await curator_b.press_data(replies[-1], "corg:wave:1")  # forged organisation
    assert curator_b.callback_answers()[-1].get("text") == "Это действие вам недоступно."
    mentee = new_user("Пётр")
    await register(mentee, await make_invite(db, school_a, "mentee"), "Петров Пётр")
    assert "для куратора" in (await mentee.send("/survey_wave"))[-1].text


async def test_consents_list_and_paper_consent(db: Database, new_user: NewUser) -> None:
    """The paper consent asks who signed it, stores the signer, and the list drops the child."""
    school = await make_school(db)
    curator = new_user("Куратор")
    await register(curator, await make_invite(db, school, "curator"), "Кураторова Елена")
    for first, name in (("Коля", "Колин Коля"), ("Лиза", "Лизина Лиза")):
        kid = new_user(first)
        await register(kid, await make_invite(db, school, "mentee"), name)
        await answer_survey(
            kid,
            db,
            kid.user.id,
            {
                "position": "Школьник",
                "school_class": "7 класс",
                "birth_date": f"01.01.{date.today().year - 14}",
            },
        )

    replies = await curator.send("/consents")
    assert "• Колин Коля (наставляемый)" in replies[-1].text
    await curator.tap("📝 Бумажное: Колин Коля")
    assert "Кто его подписал" in curator.last().text and "Колин Коля" in curator.last().text
    assert "Напишите фамилию и имя" in (await curator.send("мама"))[-1].text
    replies = await curator.send("Колина Мария Петровна")
    assert "Подпись родителя: Колина Мария Петровна" in replies[0].text
    refreshed = replies[-1].text
    assert "Лизина Лиза" in refreshed and "Колин Коля" not in refreshed, "the list is sent anew"
    async with db.connect() as conn:
        granted_by = (
            await conn.execute(select(consents.c.granted_by).where(consents.c.kind == "parent"))
        ).scalar_one()
    assert granted_by.startswith("paper: Колина Мария Петровна; curator #")


async def test_group_meeting_then_preferences_with_dynamic_lists(
    db: Database, new_user: NewUser
) -> None:
    school = await make_school(db)
    curator = new_user("Куратор")
    await register(curator, await make_invite(db, school, "curator"), "Кураторова Елена")
    mentor_code, mentee_code = (
        await make_invite(db, school, "mentor", max_uses=5),
        await make_invite(db, school, "mentee", max_uses=5),
    )
    olga, ivan, petya = new_user("Ольга"), new_user("Иван"), new_user("Петя")
    for user, code, name in (
        (olga, mentor_code, "Смирнова Ольга"),
        (ivan, mentor_code, "Иванов Иван"),
        (petya, mentee_code, "Петров Пётр"),
    ):
        await register(user, code, name)
        await answer_survey(
            user, db, user.user.id, ADULT | {"position": "Студент колледжа или вуза"}
        )

    await curator.send("/group_meeting")
    await curator.send(date.today().strftime("%d.%m.%Y"))
    await curator.tap("Смирнова Ольга · наставник")
    await curator.tap("Иванов Иван · наставник")
    await curator.tap("Петров Пётр · наставляемый")
    await curator.tap("Готово ✔")
    assert "участников — 3" in curator.last().text and "получили 3 чел." in curator.last().text

    invite = next(
        i
        for i in await invitations(db)
        if i["chat_id"] == petya.user.id and "Выбор наставника" in str(i["payload"])
    )
    await petya.press_data((await petya.send("/help"))[-1], start_data(invite))
    question = petya.last().text
    assert "Смирнова Ольга" in question and "Иванов Иван" in question, (
        "the mentors who attended, with profiles"
    )
    await answer_survey(
        petya, db, petya.user.id, {"ranked_mentors": ["Иванов Иван", "Смирнова Ольга"]}
    )
    from storage.schema import answers

    async with db.connect() as conn:
        ranked = (
            await conn.execute(
                select(answers.c.value).where(answers.c.question_code == "ranked_mentors")
            )
        ).scalar_one()
    assert len(ranked) == 2

    # A mentor marks the mentees he would take (those who attended) and confirms capacity.
    mentor_invite = next(
        i
        for i in await invitations(db)
        if i["chat_id"] == olga.user.id and "Выбор наставляемых" in str(i["payload"])
    )
    await olga.press_data((await olga.send("/help"))[-1], start_data(mentor_invite))
    assert "Петров Пётр" in olga.last().text
    await answer_survey(
        olga, db, olga.user.id, {"chosen_mentees": ["Петров Пётр"], "capacity": "2"}
    )
    async with db.connect() as conn:
        chosen = (
            await conn.execute(
                select(answers.c.value).where(answers.c.question_code == "chosen_mentees")
            )
        ).scalar_one()
    assert len(chosen) == 1
