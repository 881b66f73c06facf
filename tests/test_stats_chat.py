"""/stats in the chat: a curator gets the summary, the KPI chart and the XLSX report."""

from __future__ import annotations

import io
from collections.abc import Callable

from openpyxl import load_workbook

from bot.callbacks import StatsCallback
from storage.db import Database
from tests.chat import ChatUser
from tests.factories import make_invite, make_school
from tests.test_curator_surveys import register

NewUser = Callable[..., ChatUser]


async def test_curator_gets_summary_chart_and_xlsx(db: Database, new_user: NewUser) -> None:
    school = await make_school(db)
    curator = new_user("Куратор")
    await register(curator, await make_invite(db, school, "curator"), "Кураторова Елена")

    replies = await curator.send("/stats")
    assert "Дети 10–19 лет в роли наставляемых" in (replies[0].text or "")
    assert "✗" in (replies[0].text or "")  # no headcount yet: no value, target not met
    photos = curator.session.of("SendPhoto")
    assert len(photos) == 1
    assert photos[0]["photo"].data.startswith(b"\x89PNG")

    await curator.press(replies[-1], "Отчёт XLSX")
    documents = curator.session.of("SendDocument")
    assert len(documents) == 1
    workbook = load_workbook(io.BytesIO(documents[0]["document"].data))
    assert "KPI" in workbook.sheetnames

    # No satisfaction answers and no impact answers yet: sentences, not empty pictures.
    charts = await curator.press(replies[-1], "Диаграммы")
    assert len(curator.session.of("SendPhoto")) == 1
    said = charts[-1].text or ""
    assert "Распределения оценок нет" in said and "Динамики нет" in said


async def test_mentee_is_refused(db: Database, new_user: NewUser) -> None:
    school = await make_school(db)
    mentee = new_user("Анна")
    await register(mentee, await make_invite(db, school, "mentee"), "Аннова Анна")
    replies = await mentee.send("/stats")
    assert "доступна куратору" in (replies[-1].text or "")
    assert mentee.session.of("SendPhoto") == []


async def test_forged_scope_is_refused(db: Database, new_user: NewUser) -> None:
    school = await make_school(db)
    other = await make_school(db, "МБОУ СОШ № 2")
    curator = new_user("Куратор")
    await register(curator, await make_invite(db, school, "curator"), "Кураторова Елена")
    replies = await curator.send("/stats")
    forged = StatsCallback(action="xlsx", org=other).pack()
    await curator.press_data(replies[-1], forged)
    assert curator.session.of("SendDocument") == []
    assert any("недоступна" in str(a.get("text")) for a in curator.callback_answers())
    own = StatsCallback(action="xlsx", org=school).pack()
    await curator.press_data(replies[-1], own)
    assert len(curator.session.of("SendDocument")) == 1
