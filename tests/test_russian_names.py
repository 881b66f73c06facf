"""Names declined where Russian grammar needs it: «Программа для Беловой Анны», not «… Белова Анна»."""

from __future__ import annotations

import pytest

from i18n.names import dative, genitive
from storage import people as people_store
from storage.db import Database
from tests.test_pairs import NewUser
from tests.test_plans import approved_cohort


@pytest.mark.parametrize(
    ("name", "of", "to"),
    [
        ("Белова Анна", "Беловой Анны", "Беловой Анне"),
        ("Белов Иван Петрович", "Белова Ивана Петровича", "Белову Ивану Петровичу"),
        ("Смирнова Ольга Сергеевна", "Смирновой Ольги Сергеевны", "Смирновой Ольге Сергеевне"),
        ("Аннова Анна", "Анновой Анны", "Анновой Анне"),  # a surname no dictionary knows
        ("Достоевский Фёдор", "Достоевского Фёдора", "Достоевскому Фёдору"),
        ("Толстая Татьяна", "Толстой Татьяны", "Толстой Татьяне"),
        ("Черных Мария", "Черных Марии", "Черных Марии"),  # not declined
        ("Шевчук Ирина", "Шевчук Ирины", "Шевчук Ирине"),  # a woman's -ук stays
        ("Шевчук Игорь", "Шевчука Игоря", "Шевчуку Игорю"),
        ("Петров-Водкин Кузьма", "Петрова-Водкина Кузьмы", "Петрову-Водкину Кузьме"),
        ("Анна", "Анны", "Анне"),
        ("Smith John", "Smith John", "Smith John"),  # unknown: left as typed
    ],
)
def test_full_names_decline(name: str, of: str, to: str) -> None:
    assert genitive(name) == of
    assert dative(name) == to


async def test_the_mentors_plan_form_names_the_mentee_in_the_genitive(
    db: Database, new_user: NewUser
) -> None:
    _, _, mentor, mentee, _ = await approved_cohort(db, new_user)
    async with db.connect() as conn:
        person = await people_store.get_by_telegram_id(conn, mentee.user.id)
    assert person is not None and person.full_name
    await mentor.send("/plan")
    if "Для кого" in mentor.last().text:
        await mentor.tap(person.full_name)
    text = mentor.last().text
    assert f"Программа для {genitive(person.full_name)}." in text
    assert f"Программа для {person.full_name}." not in text
