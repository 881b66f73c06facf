"""Joining by invite through the real Dispatcher: consent, name, /me, bad input."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import func, select

from storage import people as people_store
from storage.db import Database
from storage.schema import audit_log, consents, people
from tests.chat import ChatUser
from tests.conftest import ADMIN_ID
from tests.factories import expire_invite, make_invite, make_school

NewUser = Callable[..., ChatUser]


async def _count(db: Database, table) -> int:  # type: ignore[no-untyped-def]
    async with db.connect() as conn:
        return int((await conn.execute(select(func.count()).select_from(table))).scalar_one())


async def test_invite_consent_name_registers_and_me_shows_it(
    db: Database, new_user: NewUser
) -> None:
    school = await make_school(db)
    code = await make_invite(db, school, "mentee")
    anna = new_user("Анна")

    replies = await anna.send(f"/start {code}")
    assert "МБОУ СОШ № 1" in replies[0].text
    assert "наставляемый" in replies[0].text
    consent = replies[-1]
    assert "Согласие на обработку персональных данных" in consent.text
    assert await _count(db, people) == 0, "nothing is stored before consent"

    replies = await anna.press(consent, "Даю согласие")
    assert "Как вас зовут" in replies[-1].text
    replies = await anna.send("Иванова Анна Сергеевна")
    assert "Вы зарегистрированы" in replies[0].text
    assert "Вопрос 1 из" in replies[-1].text, "the intake questionnaire starts right away"

    commands = anna.session.of("SetMyCommands")
    assert commands and commands[-1]["scope"]["chat_id"] == anna.user.id
    assert {"help", "me", "forget"} <= {c["command"] for c in commands[-1]["commands"]}

    await anna.send("/me")
    profile = anna.last().text
    assert "Иванова Анна Сергеевна" in profile
    assert "наставляемый — МБОУ СОШ № 1" in profile
    assert "на обработку персональных данных, дано" in profile
    assert "pd-2026-09" not in profile  # the text version is a code, not for people

    async with db.connect() as conn:
        person = await people_store.get_by_telegram_id(conn, anna.user.id)
    assert person is not None and person.registered and person.roles == {"mentee"}


async def test_start_without_code_or_with_bad_codes_explains_invites(
    db: Database, new_user: NewUser
) -> None:
    school = await make_school(db)
    expired = await make_invite(db, school, expires_days=1)
    await expire_invite(db, expired)
    used_up = await make_invite(db, school, max_uses=1)
    first, second = new_user("Первый"), new_user("Второй")
    await first.send(f"/start {used_up}")
    await first.press(first.last(), "Даю согласие")

    user = new_user()
    assert "ссылка-приглашение от куратора" in (await user.send("/start"))[-1].text
    assert "не найдена" in (await user.send("/start nosuchcode"))[-1].text
    assert "истёк" in (await user.send(f"/start {expired}"))[-1].text
    assert "уже зарегистрировались все" in (await second.send(f"/start {used_up}"))[-1].text
    assert await _count(db, people) == 1


async def test_refusal_stores_only_the_time_and_allows_coming_back(
    db: Database, new_user: NewUser
) -> None:
    code = await make_invite(db, await make_school(db))
    boris = new_user("Борис")
    consent = (await boris.send(f"/start {code}"))[-1]
    await boris.press(consent, "Не даю согласия")
    assert "ничего о вас не сохранили" in boris.last().text
    assert await _count(db, people) == 0
    async with db.connect() as conn:
        rows = (await conn.execute(select(audit_log.c.action, audit_log.c.actor_person_id))).all()
    assert ("consent.refused", None) in rows

    consent = (await boris.send(f"/start {code}"))[-1]
    await boris.press(consent, "Даю согласие")
    assert "Вы зарегистрированы" in (await boris.send("Борисов Борис"))[0].text


async def test_double_tap_on_consent_is_handled_once(db: Database, new_user: NewUser) -> None:
    code = await make_invite(db, await make_school(db), max_uses=5)
    vera = new_user("Вера")
    consent = (await vera.send(f"/start {code}"))[-1]
    await vera.press_data(consent, "consent:1")
    await vera.press_data(consent, "consent:1")
    assert await _count(db, people) == 1
    assert await _count(db, consents) == 1
    answers = vera.callback_answers()
    assert answers[-1].get("text") == "Этот вопрос уже неактуален."


async def test_forged_consent_data_changes_nothing(db: Database, new_user: NewUser) -> None:
    code = await make_invite(db, await make_school(db))
    gleb = new_user("Глеб")
    consent = (await gleb.send(f"/start {code}"))[-1]
    await gleb.press_data(consent, "consent:maybe")  # not a valid bool: no handler matches it
    await gleb.press_data(consent, "lang:xx")  # a language that does not exist
    assert await _count(db, people) == 0
    await gleb.press(consent, "Даю согласие")
    assert await _count(db, people) == 1


async def test_text_instead_of_button_and_wrong_types_get_hints(
    db: Database, new_user: NewUser
) -> None:
    code = await make_invite(db, await make_school(db))
    dana = new_user("Дана")
    await dana.send(f"/start {code}")
    replies = await dana.send("да")
    assert "выберите вариант кнопкой" in replies[0].text
    assert replies[-1].reply_markup is not None, "the consent question is asked again"
    await dana.press(replies[-1], "Даю согласие")

    replies = await dana.send_sticker()
    assert "Напишите ответ текстом" in replies[0].text
    assert "Как вас зовут" in replies[-1].text
    assert "буквы" not in replies[0].text
    replies = await dana.send("R2-D2")
    assert "от 2 до 100 символов" in replies[-1].text
    replies = await dana.send("x" * 101)
    assert "от 2 до 100 символов" in replies[-1].text
    assert "Вы зарегистрированы" in (await dana.send("Данилова Дана"))[0].text

    assert "уже зарегистрированы" in (await dana.send(f"/start {code}"))[-1].text
    assert "Такой команды нет" in (await dana.send("/nonsense"))[-1].text
    assert "Вопрос 1 из" in (await dana.send_sticker())[-1].text, (
        "in a survey: hint and the question again"
    )


async def test_admin_gets_admin_role_without_code(db: Database, new_user: NewUser) -> None:
    admin = new_user("Админ", user_id=ADMIN_ID)
    consent = (await admin.send("/start"))[-1]
    await admin.press(consent, "Даю согласие")
    await admin.send("Петров Пётр")
    async with db.connect() as conn:
        person = await people_store.get_by_telegram_id(conn, ADMIN_ID)
    assert person is not None and person.roles == {"admin"}


async def test_language_switch_changes_texts(db: Database, new_user: NewUser) -> None:
    code = await make_invite(db, await make_school(db))
    eve = new_user("Eve", language_code="en")
    consent = (await eve.send(f"/start {code}"))[-1]
    assert "Consent to the processing" in consent.text
    await eve.press(consent, "I agree")
    assert "You are registered" in (await eve.send("Eve Adams"))[0].text
    chooser = (await eve.send("/language"))[-1]
    await eve.press(chooser, "Русский")
    assert "Язык переключён" in eve.session.sent[(chooser.chat.id, chooser.message_id)].text
    assert "Мой профиль" in str(eve.session.of("SetMyCommands")[-1]["commands"])
    assert "Роли" in (await eve.send("/me"))[-1].text


async def test_help_lists_what_the_role_can_do(db: Database, new_user: NewUser) -> None:
    code = await make_invite(db, await make_school(db), "curator")
    zoya = new_user("Зоя")
    assert "ссылку-приглашение" in (await zoya.send("/help"))[-1].text
    await zoya.press((await zoya.send(f"/start {code}"))[-1], "Даю согласие")
    await zoya.send("Зотова Зоя")
    assert "Куратору" in (await zoya.send("/help"))[-1].text
