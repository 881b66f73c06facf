"""A parent's consent is given from the parent's own account: not the child's, not any account
already in the programme; the row keeps that account; the text says whose data, for whom,
what for and how to withdraw."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import select

from mentoring.people.parental import ParentCodeProblem, grant_parent_consent
from storage.db import Database
from storage.schema import consents
from tests.chat import ChatUser
from tests.factories import make_invite, make_member, make_school
from tests.survey_driver import answer_survey
from tests.test_survey_chat import PUPIL_PLAN, birth_date_for_age, register

NewUser = Callable[..., ChatUser]
CHILD = "Журавлёва Ульяна Тимуровна"
SCHOOL = "Гимназия № 7 «Созвездие»"


async def minor_with_link(db: Database, new_user: NewUser) -> tuple[int, ChatUser, str]:
    """A registered 14-year-old mentee, held for a parent's consent; her parent link."""
    school = await make_school(db, SCHOOL)
    child = new_user("Уля")
    await register(child, await make_invite(db, school, "mentee"), CHILD)
    await answer_survey(
        child, db, child.user.id, PUPIL_PLAN | {"birth_date": birth_date_for_age(14)}
    )
    held = next(m.text for m in child.replies if m.text and "согласие родителя" in m.text)
    return school, child, held.split("?start=")[1].split()[0]


async def parent_rows(db: Database) -> list[tuple[str, int | None]]:
    async with db.connect() as conn:
        rows = await conn.execute(
            select(consents.c.granted_by, consents.c.granted_by_telegram_id).where(
                consents.c.kind == "parent"
            )
        )
        return [(r.granted_by, r.granted_by_telegram_id) for r in rows]


async def test_the_child_cannot_consent_from_her_own_account(
    db: Database, new_user: NewUser
) -> None:
    _, child, link = await minor_with_link(db, new_user)
    replies = await child.send(f"/start {link}")
    assert "аккаунте самого участника" in replies[-1].text
    assert replies[-1].reply_markup is None, "no «Согласен» to press"
    assert not any("Согласие на обработку" in (m.text or "") for m in replies)
    # Even past the link, the last step refuses her account (the check is in the service).
    result = await grant_parent_consent(
        db,
        code=link,
        parent_name="Журавлёва Ольга Петровна",
        telegram_id=child.user.id,
        text_version="parent-test",
        now=datetime.now(UTC),
    )
    assert result.problem is ParentCodeProblem.OWN_ACCOUNT
    assert await parent_rows(db) == []


async def test_a_registered_participant_cannot_consent(db: Database, new_user: NewUser) -> None:
    school, _, link = await minor_with_link(db, new_user)
    classmate = new_user("Одноклассник")
    await register(classmate, await make_invite(db, school, "mentee"), "Соколов Артём")
    replies = await classmate.send(f"/start {link}")
    assert "уже участвует в программе" in replies[-1].text
    assert "бумажное согласие" in replies[-1].text
    assert await parent_rows(db) == []


async def test_the_account_is_checked_again_when_the_name_is_typed(
    db: Database, new_user: NewUser
) -> None:
    """An account that joins the programme between opening the link and typing the name is
    refused at the last step."""
    school, _, link = await minor_with_link(db, new_user)
    teacher = new_user("Учитель")
    replies = await teacher.send(f"/start {link}")
    await teacher.press(replies[-1], "Даю согласие")
    await make_member(db, teacher.user.id, "Петрова Анна Ивановна", school, "mentor")
    replies = await teacher.send("Петрова Анна Ивановна")
    assert "уже участвует в программе" in replies[-1].text
    assert await parent_rows(db) == []


async def test_a_new_account_consents_and_the_row_keeps_it(db: Database, new_user: NewUser) -> None:
    _, child, link = await minor_with_link(db, new_user)
    mother = new_user("Мама")
    replies = await mother.send(f"/start {link}")
    text = replies[-1].text
    assert CHILD in text, "the parent reads whose consent this is"
    assert SCHOOL in text, "and for which organisation"
    assert "подобрать наставника" in text and "обезличенном виде" in text, "what it is for"
    assert "дата рождения" in text and "ответы на анкеты" in text, "which data"
    assert "Как отозвать" in text and "куратору" in text and "/forget" in text
    await mother.press(replies[-1], "Даю согласие")
    assert "Напишите фамилию и имя" in (await mother.send("мама"))[-1].text
    await mother.send("Журавлёва Ольга Петровна")
    assert "Согласие записано" in mother.last().text
    assert await parent_rows(db) == [("Журавлёва Ольга Петровна", mother.user.id)]
    assert child.user.id != mother.user.id
