"""The intake is asked once a school year: registration intakes count for a wave and for
/responses, and nobody who has filled it in is sent it again."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from storage.db import Database
from tests.chat import ChatUser
from tests.factories import make_invite, make_school
from tests.survey_driver import answer_survey
from tests.test_curator_surveys import invitations, register

NewUser = Callable[..., ChatUser]
STUDENT = {"position": "Студент колледжа или вуза"}


async def _school_with_pupils(
    db: Database, new_user: NewUser, answered: int
) -> tuple[ChatUser, list[ChatUser]]:
    school = await make_school(db)
    curator = new_user("Куратор")
    await register(curator, await make_invite(db, school, "curator"), "Кураторова Елена")
    code = await make_invite(db, school, "mentee", max_uses=5)
    pupils = []
    for index, name in enumerate(("Аннова Анна", "Борисов Борис", "Вовина Вера")):
        pupil = new_user(name.split()[1])
        pupils.append(pupil)
        await register(pupil, code, name)
        if index < answered:
            await answer_survey(pupil, db, pupil.user.id, STUDENT)
    return curator, pupils


async def test_responses_show_registration_intakes_before_any_wave(
    db: Database, new_user: NewUser
) -> None:
    curator, _ = await _school_with_pupils(db, new_user, answered=2)
    text = (await curator.send("/responses"))[-1].text
    assert "ещё не запускали" not in text.split("\n")[0]
    assert "«Анкета наставляемого»: заполнили 2 из 3, начали 1" in text, text


async def test_intake_wave_skips_who_filled_it_at_registration(
    db: Database, new_user: NewUser
) -> None:
    curator, _ = await _school_with_pupils(db, new_user, answered=3)
    before = len(await invitations(db))
    await curator.send("/survey_wave")
    await curator.tap("Анкета наставляемого")
    deadline = (date.today() + timedelta(days=7)).strftime("%d.%m.%Y")
    reply = (await curator.send(deadline))[-1].text
    assert "Все участники этой роли уже заполнили её" in reply, reply
    new = [i for i in (await invitations(db))[before:] if i["kind"] == "survey_invitation"]
    assert new == [], "nobody is asked the intake a second time"
    text = (await curator.send("/responses"))[-1].text
    assert "ответили 3 из 3" in text, text


async def test_intake_wave_invites_only_the_rest(db: Database, new_user: NewUser) -> None:
    curator, pupils = await _school_with_pupils(db, new_user, answered=2)
    before = len(await invitations(db))
    await curator.send("/survey_wave")
    await curator.tap("Анкета наставляемого")
    deadline = (date.today() + timedelta(days=7)).strftime("%d.%m.%Y")
    reply = (await curator.send(deadline))[-1].text
    assert "отправлена: 1 чел." in reply and "при регистрации): 2 чел." in reply, reply
    new = [i for i in (await invitations(db))[before:] if i["kind"] == "survey_invitation"]
    assert len(new) == 1
    text = (await curator.send("/responses"))[-1].text
    assert "ответили 2 из 3" in text, text

    # Vera finishes the intake she began at registration: that answers the wave too.
    await answer_survey(pupils[2], db, pupils[2].user.id, STUDENT)
    assert "ответили 3 из 3" in (await curator.send("/responses"))[-1].text
    text = (await pupils[2].send("/survey"))[-1].text
    assert "нет анкет" in text, "the wave copy is answered by the same intake"


async def test_last_school_years_intake_is_asked_again(db: Database, new_user: NewUser) -> None:
    from sqlalchemy import update

    from storage.schema import responses

    curator, _ = await _school_with_pupils(db, new_user, answered=3)
    last_year = datetime.now(UTC) - timedelta(days=400)
    async with db.begin() as conn:
        await conn.execute(update(responses).values(submitted_at=last_year))
    assert "заполнили 0 из 3" in (await curator.send("/responses"))[-1].text
    await curator.send("/survey_wave")
    await curator.tap("Анкета наставляемого")
    deadline = (date.today() + timedelta(days=7)).strftime("%d.%m.%Y")
    assert "отправлена: 3 чел." in (await curator.send(deadline))[-1].text
