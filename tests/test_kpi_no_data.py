"""KPIs without headcounts say so in words, the same in chat, on the web and in the XLSX."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import pytest

from i18n import Translator
from reports.data import KpiValue
from reports.kpi_text import kpi_mark, kpi_value, pct
from storage.db import Database
from tests.admin_web import AdminWeb, admin_web, make_person
from tests.chat import ChatUser
from tests.factories import make_invite, make_school
from tests.test_coordinator_scope import area_invite
from tests.test_curator_surveys import register

NewUser = Callable[..., ChatUser]
NO_HEADCOUNT = "нет данных — внесите численность (/headcount)"


@pytest.fixture
async def web(db: Database, translator: Translator) -> AsyncIterator[AdminWeb]:
    async with admin_web(db, translator) as env:
        yield env


async def test_chat_stats_asks_for_headcounts_instead_of_a_cross(
    db: Database, new_user: NewUser
) -> None:
    school = await make_school(db)
    zoya = new_user("Зоя")
    await zoya.press(
        (await zoya.send(f"/start {await make_invite(db, school, 'curator')}"))[-1], "Даю согласие"
    )
    await zoya.send("Зотова Зоя")
    summary = (await zoya.send("/stats"))[0].text or ""
    kids = next(line for line in summary.splitlines() if "10–19" in line and "наставляем" in line)
    assert NO_HEADCOUNT in kids and not kids.startswith("✗")
    assert "(цель 70\u00a0%)" in kids


async def test_dashboard_says_the_same(web: AdminWeb, db: Database) -> None:
    school = await make_school(db)
    curator = await make_person(db, "Кураторова Вера", "curator", school)
    agent = await web.signed_in(curator)
    # The same words; on the web they lead to the headcounts form, not to a chat command.
    form = (
        f'нет данных — <a href="/admin/organisations/{school}#headcounts">внесите численность</a>'
    )
    assert agent.last_text.count(form) == 3  # the three KPIs over headcounts
    assert "/headcount)" not in agent.last_text
    assert "70\u00a0%" in agent.last_text


def test_one_rounding_with_a_decimal_comma(translator: Translator) -> None:
    t = translator.bind("ru")
    kpi = KpiValue("mentees_10_19", 100 * 5 / 12, 5, 12, 70.0)
    assert kpi_value(kpi, t) == "41,7\u00a0% (5 из 12)"
    assert kpi_mark(kpi, t) == "✗"
    assert pct(70.0, t) == "70\u00a0%"
    assert kpi_value(KpiValue("mentee_satisfaction", None, 0, 0, 85.0), t) == "нет данных"
    assert kpi_value(kpi, translator.bind("en")) == "41.7% (5 of 12)"


async def test_a_coordinator_is_told_who_owes_the_headcounts(
    db: Database, new_user: NewUser
) -> None:
    # /headcount is a curator's command: the coordinator reads that the schools owe the figures.
    await make_school(db)
    inna = new_user("Инна")
    await register(inna, await area_invite(db, municipality="г. Тула"), "Иннова Инна")
    summary = (await inna.send("/stats"))[0].text or ""
    kids = next(line for line in summary.splitlines() if "10–19" in line and "наставляем" in line)
    assert "нет данных — организации ещё не внесли численность" in kids
    assert "/headcount" not in summary
