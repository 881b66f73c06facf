"""/headcount in chat: the curator enters his organisation's headcounts one figure at a time."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from bot.callbacks import HeadcountCallback
from mentoring.stats.headcounts import headcounts_of, set_headcounts
from mentoring.stats.kpis import school_year_of
from storage.db import Database
from tests.chat import ChatUser
from tests.factories import make_invite, make_school
from tests.test_curator_surveys import register

NewUser = Callable[..., ChatUser]


def _year() -> int:
    return school_year_of(datetime.now(UTC).date())


async def _curator(db: Database, new_user: NewUser, school: int) -> ChatUser:
    curator = new_user("Куратор")
    await register(curator, await make_invite(db, school, "curator"), "Кураторова Елена")
    return curator


async def test_curator_enters_headcounts_and_bad_input_is_asked_again(
    db: Database, new_user: NewUser
) -> None:
    school = await make_school(db)
    curator = await _curator(db, new_user, school)

    replies = await curator.send("/headcount")
    assert "Численность — МБОУ СОШ № 1" in (replies[0].text or "")
    assert "1/5. Обучающиеся 10–19 лет" in (replies[-1].text or "")
    assert replies[-1].reply_markup is None, "nothing to keep when nothing is on record"

    assert "2/5" in ((await curator.send("120"))[-1].text or "")
    for bad in ("тридцать", "-5", "12345678", "3.5"):
        replies = await curator.send(bad)
        assert "целое неотрицательное число" in (replies[0].text or "")
        assert "2/5. Обучающиеся 15–19 лет" in (replies[-1].text or "")
    replies = await curator.send_sticker()
    assert "целое неотрицательное число" in (replies[0].text or "")
    await curator.send("30")
    await curator.send("7")
    await curator.send("25")
    summary = (await curator.send("2"))[-1]
    assert "Проверьте численность" in (summary.text or "") and "120" in (summary.text or "")
    assert await headcounts_of(db, school) == [], "nothing is stored before «Сохранить»"

    saved = await curator.press(summary, "Сохранить")
    assert "сохранена" in (saved[-1].text or "")
    [stored] = await headcounts_of(db, school)
    assert stored.year == _year()
    assert (stored.pupils_10_19, stored.pupils_15_19, stored.young_teachers) == (120, 30, 7)
    assert (stored.teachers_under_35, stored.partners_on_record) == (25, 2)


async def test_keep_current_and_a_rule_of_the_service_is_asked_again(
    db: Database, new_user: NewUser
) -> None:
    school = await make_school(db)
    now = datetime.now(UTC)
    await set_headcounts(db, school, _year(), now=now, pupils_10_19=100, pupils_15_19=20)
    curator = await _curator(db, new_user, school)

    replies = await curator.send("/headcount")
    assert "Обучающиеся 10–19 лет: 100" in (replies[0].text or "")
    replies = await curator.press(replies[-1], "Оставить 100")
    assert "2/5" in (replies[-1].text or "")
    await curator.send("500")  # more pupils aged 15–19 than 10–19: the service refuses
    for value in ("5", "10", "1"):
        replies = await curator.send(value)
    replies = await curator.press(replies[-1], "Сохранить")
    assert "не может быть больше" in (replies[0].text or "")
    assert "2/5. Обучающиеся 15–19 лет" in (replies[-1].text or "")
    summary = (await curator.send("50"))[-1]
    assert "Проверьте численность" in (summary.text or ""), "back to the summary at once"
    await curator.press(summary, "Сохранить")
    [stored] = await headcounts_of(db, school)
    assert (stored.pupils_10_19, stored.pupils_15_19, stored.young_teachers) == (100, 50, 5)
    assert (stored.teachers_under_35, stored.partners_on_record) == (10, 1)


async def test_mentee_is_refused(db: Database, new_user: NewUser) -> None:
    school = await make_school(db)
    mentee = new_user("Анна")
    await register(mentee, await make_invite(db, school, "mentee"), "Аннова Анна")
    assert "для куратора" in ((await mentee.send("/headcount"))[-1].text or "")
    await mentee.send("120")
    assert await headcounts_of(db, school) == []


async def test_forged_callbacks_for_another_organisation_are_refused(
    db: Database, new_user: NewUser
) -> None:
    school = await make_school(db)
    other = await make_school(db, "МБОУ СОШ № 2")
    curator = await _curator(db, new_user, school)

    replies = await curator.send("/headcount")
    await curator.press_data(replies[-1], HeadcountCallback(action="org", org=other).pack())
    assert "недоступна" in str(curator.callback_answers()[-1].get("text"))

    for value in ("40", "10", "3", "8"):
        await curator.send(value)
    summary = (await curator.send("1"))[-1]
    await curator.press_data(summary, HeadcountCallback(action="save", org=other).pack())
    assert "недоступна" in str(curator.callback_answers()[-1].get("text"))
    assert await headcounts_of(db, other) == [] and await headcounts_of(db, school) == []

    await curator.press(summary, "Сохранить")
    assert [h.pupils_10_19 for h in await headcounts_of(db, school)] == [40]
    assert await headcounts_of(db, other) == []


async def test_text_at_the_summary_gets_a_hint_and_cancel_ends_the_form(
    db: Database, new_user: NewUser
) -> None:
    school = await make_school(db)
    curator = await _curator(db, new_user, school)

    await curator.send("/headcount")
    for value in ("40", "10", "3", "8"):
        await curator.send(value)
    summary = (await curator.send("1"))[-1]
    assert "кнопкой" in ((await curator.send("сохрани"))[-1].text or "")

    replies = await curator.press(summary, "Отмена")
    assert "ничего не меняем" in (replies[-1].text or "")
    assert await headcounts_of(db, school) == []
    await curator.press_data(summary, HeadcountCallback(action="save", org=school).pack())
    assert "недоступна" in str(curator.callback_answers()[-1].get("text")), "the form is over"
    assert await headcounts_of(db, school) == []
