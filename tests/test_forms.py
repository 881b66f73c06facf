"""The steps every guided form shares (handlers/forms.py, handlers/curator_forms.py): which
organisation a curator's command is for, a typed answer read or re-asked with the step's
hint, an impossible date named as such, a command never taken for an answer."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace

from bot.callbacks import HeadcountCallback
from handlers.curator_forms import save_or_cancel
from handlers.forms import TYPED_ANSWER, text_up_to
from storage import people as people_store
from storage.db import Database
from tests.chat import ChatUser
from tests.factories import make_approved_pair, make_member, make_school

NewUser = Callable[..., ChatUser]


async def curator_of(db: Database, user: ChatUser, schools: list[int]) -> int:
    person = await make_member(db, user.user.id, "Кураторова Елена", schools[0], "curator")
    async with db.begin() as conn:
        for school in schools[1:]:
            await people_store.add_membership(conn, person, school, "curator")
    return person


async def curator_of_one_school(db: Database, new_user: NewUser) -> tuple[ChatUser, int]:
    school = await make_school(db)
    curator = new_user("Елена")
    await curator_of(db, curator, [school])
    return curator, school


def labels(message: object) -> list[str]:
    markup = getattr(message, "reply_markup", None)
    return [b.text for row in (markup.inline_keyboard if markup else []) for b in row]


def test_a_free_text_step_takes_trimmed_text_that_fits() -> None:
    parse = text_up_to(5)
    assert parse("  № 12 ") == "№ 12"
    assert parse("     ") is None
    assert parse("123456") is None


def test_a_typed_answer_is_text_but_not_a_command() -> None:
    assert TYPED_ANSWER.resolve(SimpleNamespace(text="12.05.2030"))
    assert not TYPED_ANSWER.resolve(SimpleNamespace(text="/cancel"))
    assert not TYPED_ANSWER.resolve(SimpleNamespace(text=None))


def test_the_last_step_offers_save_and_cancel_for_the_same_organisation() -> None:
    keyboard = save_or_cancel("Сохранить", "Отменить", lambda a: HeadcountCallback(action=a, org=7))
    [row] = keyboard.inline_keyboard
    assert [(b.text, b.callback_data) for b in row] == [
        ("Сохранить", HeadcountCallback(action="save", org=7).pack()),
        ("Отменить", HeadcountCallback(action="cancel", org=7).pack()),
    ]


async def test_a_curator_of_several_schools_picks_one_for_each_command(
    db: Database, new_user: NewUser
) -> None:
    first = await make_school(db, "МБОУ СОШ № 1")
    second = await make_school(db, "МБОУ СОШ № 2")
    curator = new_user("Елена")
    await curator_of(db, curator, [first, second])
    for command, question in [
        ("/pairs", "Выберите организацию:"),
        ("/consents", "Выберите организацию:"),
        ("/headcount", "Для какой организации ввести численность?"),
        ("/practice", "Для какой организации добавить практику?"),
    ]:
        picker = (await curator.send(command))[-1]
        assert picker.text == question, command
        assert labels(picker) == ["МБОУ СОШ № 1", "МБОУ СОШ № 2"], command

    picker = (await curator.send("/pairs"))[-1]
    menu = await curator.press(picker, "МБОУ СОШ № 2")
    assert "Пары и группы — МБОУ СОШ № 2" in (menu[-1].text or "")

    picker = (await curator.send("/consents"))[-1]
    reply = await curator.press(picker, "МБОУ СОШ № 2")
    assert "МБОУ СОШ № 2" in (reply[-1].text or "")
    assert labels(curator.session.sent[(picker.chat.id, picker.message_id)]) == [], "closed"


async def test_a_command_is_for_curators_only(db: Database, new_user: NewUser) -> None:
    school = await make_school(db)
    pupil = new_user("Петя")
    await make_member(db, pupil.user.id, "Петров Пётр", school, "mentee")
    for command in ("/pairs", "/survey_wave", "/group_meeting", "/headcount", "/practice"):
        reply = (await pupil.send(command))[-1].text or ""
        assert reply == "Эта команда — для куратора организации.", command


async def test_a_typed_step_re_asks_with_its_own_hint_and_then_goes_on(
    db: Database, new_user: NewUser
) -> None:
    curator, school = await curator_of_one_school(db, new_user)
    mentor = await make_member(db, 92001, "Смирнова Ольга", school, "mentor")
    mentee = await make_member(db, 92002, "Аннова Анна", school, "mentee")
    await make_approved_pair(db, school, mentor, mentee)

    await curator.send("/pairs")
    await curator.tap("Расформировать №1")
    assert "Напишите причину" in (curator.last().text or "")
    hint = "Нужна причина — текст до 300 символов."
    assert [m.text for m in await curator.send("   ")] == [hint]
    assert [m.text for m in await curator.send("п" * 301)] == [hint]
    assert "расформирована" in ((await curator.send("Наставник уехал"))[-1].text or "").lower()


async def test_every_date_step_names_an_impossible_date(db: Database, new_user: NewUser) -> None:
    curator, _school = await curator_of_one_school(db, new_user)
    await curator.send("/group_meeting")
    assert "Такой даты нет" in ((await curator.send("31.02.2026"))[-1].text or "")
    assert "не позже сегодняшней" in ((await curator.send("вчера"))[-1].text or "")


async def test_a_command_in_the_middle_of_a_form_is_a_command(
    db: Database, new_user: NewUser
) -> None:
    curator, _school = await curator_of_one_school(db, new_user)
    await curator.send("/practice")
    reply = (await curator.send("/practices"))[-1].text or ""
    assert "Лучшие практики за" in reply, reply
