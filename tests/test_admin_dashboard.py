"""The dashboard shows the /stats KPIs of the actor's scope, its chart and the XLSX report."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook

from i18n import Translator
from storage import practices as practice_store
from storage.db import Database
from tests.admin_web import AdminWeb, admin_web, make_person
from tests.factories import make_school


@pytest.fixture
async def web(db: Database, translator: Translator) -> AsyncIterator[AdminWeb]:
    async with admin_web(db, translator) as env:
        yield env


def _all_text(data: bytes) -> str:
    book = load_workbook(io.BytesIO(data), read_only=True)
    return "\n".join(
        str(cell)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for cell in row
        if cell is not None
    )


async def test_kpis_chart_and_report_for_the_curators_school_only(
    web: AdminWeb, db: Database
) -> None:
    school_a = await make_school(db, "МБОУ СОШ № 1")
    college = await make_school(db, "Колледж связи")
    curator = await make_person(db, "Кураторова Вера", "curator", school_a)
    async with db.begin() as conn:
        for org, title in ((school_a, "Клуб наставников"), (college, "Чужая практика")):
            await practice_store.add(
                conn,
                organisation_id=org,
                person_id=None,
                title=title,
                form="student_student",
                link="https://example.org/practice",
                quarter="2026-Q3",
                now=datetime.now(UTC),
            )
    agent = await web.signed_in(curator)

    assert "Показатели: МБОУ СОШ № 1, 2026/27" in agent.last_text
    assert agent.last_text.count("data-kpi=") >= 5
    assert "✗" in agent.last_text, "nothing is met in an empty school"
    assert "ответили 0 из 0" in agent.last_text
    assert "Скачать отчёт XLSX" in agent.last_text

    chart = await agent.get("/admin/stats/kpi.png")
    assert chart.status == 200 and chart.content_type == "image/png"
    assert (await chart.read()).startswith(b"\x89PNG")

    report = await agent.get("/admin/stats/report.xlsx?period=2026-Q3")
    assert report.status == 200
    assert report.headers["Content-Disposition"].startswith("attachment;")
    text = _all_text(await report.read())
    assert "МБОУ СОШ № 1" in text and "Колледж связи" not in text
    assert "Клуб наставников" in text and "Чужая практика" not in text  # the detailed report

    await agent.get("/admin/?period=2026-H2")
    assert "Показатели: МБОУ СОШ № 1, 2-е полугодие 2026" in agent.last_text  # not «2026-H2»
    await agent.get("/admin/?period=nonsense")
    assert "2026/27" in agent.last_text, "an unknown period falls back to the school year"


async def test_no_report_without_a_session_or_a_scope(web: AdminWeb, db: Database) -> None:
    stranger = await web.agent()
    assert (await stranger.get("/admin/stats/report.xlsx")).status in (302, 303, 401)
    coordinator = await make_person(db, "Координаторов Олег", "coordinator", None)
    agent = await web.signed_in(coordinator)
    assert "data-kpi=" not in agent.last_text
    assert (await agent.get("/admin/stats/report.xlsx")).status == 404
