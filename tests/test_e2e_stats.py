"""The real process end to end: /stats through the sandbox for a coordinator, a curator and a
mentee, with the XLSX report read back and a forged button for another scope refused."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import insert

from bot.callbacks import StatsCallback
from mentoring.people.invites import create_invite
from mentoring.people.organisations import create_organisation
from mentoring.stats.kpis import school_year_of
from sandbox import ChatMessage, SandboxClient, SandboxServer, SandboxUser
from storage import headcounts as headcount_store
from storage import pairs as pair_store
from storage.db import Database
from storage.headcounts import Headcount
from storage.migrate import upgrade
from storage.schema import memberships, people
from tests.factories import make_invite
from tests.pg import database_url
from tests.process import BotProcess

pytestmark = pytest.mark.e2e

KPI = "Дети 15–19 лет в роли наставников, %"


async def _school(db: Database, name: str, municipality: str) -> int:
    created = await create_organisation(
        db,
        name=name,
        kind="school",
        municipality=municipality,
        region="Тульская область",
        timezone="Europe/Moscow",
    )
    return created.id


async def _programme(db: Database, org_id: int, pupils_15_19: int, telegram_id: int) -> None:
    """A headcount and one approved pair whose mentor is a 16-year-old pupil."""
    now = datetime.now(UTC)
    today = now.date()
    async with db.begin() as conn:
        await headcount_store.set_headcount(
            conn,
            Headcount(org_id, school_year_of(today), 50, pupils_15_19, 5, 10, None),
            now,
        )
        ids = []
        for offset, age in ((0, 16), (1, 12)):
            result = await conn.execute(
                insert(people).values(
                    telegram_id=-(telegram_id + offset),
                    full_name=f"Ученик {age}",
                    birth_date=date(today.year - age, 1, 1),
                    status="active",
                    created_at=now,
                    updated_at=now,
                )
            )
            ids.append(int(result.inserted_primary_key[0]))  # type: ignore[index]
        await conn.execute(
            insert(memberships),
            [
                {
                    "person_id": ids[0],
                    "organisation_id": org_id,
                    "role": "mentor",
                    "created_at": now,
                },
                {
                    "person_id": ids[1],
                    "organisation_id": org_id,
                    "role": "mentee",
                    "created_at": now,
                },
            ],
        )
        await pair_store.create_pair(
            conn,
            organisation_id=org_id,
            mentor_id=ids[0],
            mentee_ids=[ids[1]],
            form="pupil_pupil",
            order_number="12-н",
            order_date=today,
            approved_by=None,
            fit_flag=True,
            now=now,
        )


async def _register(user: SandboxUser, code: str, name: str) -> None:
    await user.send(f"/start {code}")
    consent = await user.wait_for_message(lambda m: "Даю согласие" in m.button_texts(), timeout=15)
    await user.press(consent, "Даю согласие")
    await user.wait_for_message(lambda m: "Как вас зовут" in (m.text or ""), timeout=15)
    await user.send(name)
    await user.wait_for_message(timeout=15)


async def _stats(user: SandboxUser) -> tuple[ChatMessage, ChatMessage]:
    await user.send("/stats")
    summary = await user.wait_for_message(lambda m: KPI in (m.text or ""), timeout=15)
    # A coordinator gets the KPI chart, then satisfaction by organisation; the buttons sit
    # under the last photo.
    chart = await user.wait_for_message(
        lambda m: m.kind == "photo" and bool(m.keyboard), timeout=30
    )
    return summary, chart


async def _xlsx(user: SandboxUser, chart: ChatMessage, data: str | None = None) -> ChatMessage:
    if data is None:
        await user.press(chart, "Отчёт XLSX")
    else:
        await user.forged_press(chart, data)
    return await user.wait_for_message(lambda m: m.kind == "document", timeout=30)


def _kpi_rows(document: ChatMessage) -> dict[str, tuple[object, ...]]:
    assert document.file is not None and document.file.data is not None
    workbook = load_workbook(io.BytesIO(document.file.data))
    assert {"KPI", "Удовлетворённость", "Анкеты"} <= set(workbook.sheetnames)
    return {
        str(row[0]): tuple(row)
        for row in workbook["KPI"].iter_rows(min_row=2, values_only=True)
        if row[1] == KPI
    }


async def test_stats_for_coordinator_curator_and_mentee(
    tmp_path: Path, sandbox: SandboxServer
) -> None:
    db_url = database_url(tmp_path, "e2e.db")
    db = Database(db_url)
    await upgrade(db)
    tula_1 = await _school(db, "Тульская школа № 1", "г. Тула")
    tula_2 = await _school(db, "Тульская школа № 2", "г. Тула")
    aleksin = await _school(db, "Алексинская школа", "г. Алексин")
    await _programme(db, tula_1, pupils_15_19=10, telegram_id=100)
    await _programme(db, tula_2, pupils_15_19=30, telegram_id=200)
    await _programme(db, aleksin, pupils_15_19=1000, telegram_id=300)
    coordinator_code = (
        await create_invite(
            db,
            organisation_id=None,
            role="coordinator",
            max_uses=1,
            expires_days=None,
            now=datetime.now(UTC),
            municipality="г. Тула",
        )
    ).code
    curator_code = await make_invite(db, tula_2, "curator")
    mentee_code = await make_invite(db, tula_1, "mentee")
    bot = BotProcess(
        tmp_path,
        {
            "BOT_TOKEN": "123456:E2E-STATS",
            "TELEGRAM_API_BASE": sandbox.base_url,
            "DATABASE_URL": db_url,
        },
    )
    try:
        await bot.start()
        async with SandboxClient(sandbox.base_url) as sb:
            olga = await sb.create_user("Ольга")
            await _register(olga, coordinator_code, "Петрова Ольга")
            summary, chart = await _stats(olga)
            assert "г. Тула" in (summary.text or "")
            assert chart.file is not None and (chart.file.data or b"").startswith(b"\x89PNG")
            photos = [m for m in await olga.chat(files=False) if m.kind == "photo"]
            # The KPI chart; satisfaction by organisation has no answers to draw yet, so the
            # chart's caption says so instead of a second, empty picture.
            assert len(photos) == 1
            assert "удовлетворённости по организациям нет" in (chart.caption or "")
            rows = _kpi_rows(await _xlsx(olga, chart))
            # Two mentors of 15–19 over 10 + 30 pupils: Алексин's 1000 stay out.
            assert rows["Итого"][3:5] == (2, 40)
            assert set(rows) == {"Итого", "Тульская школа № 1", "Тульская школа № 2"}

            forged = StatsCallback(action="xlsx", org=aleksin).pack()
            pressed = await olga.forged_press(chart, forged)
            answer = await olga.wait_for_answer(pressed, timeout=15)
            assert answer.show_alert and "недоступна" in (answer.text or "")
            own = _kpi_rows(
                await _xlsx(olga, chart, StatsCallback(action="xlsx", org=tula_1).pack())
            )
            assert set(own) == {"Итого"} and own["Итого"][3:5] == (1, 10)

            elena = await sb.create_user("Елена")
            await _register(elena, curator_code, "Кураторова Елена")
            summary, chart = await _stats(elena)
            assert "Тульская школа № 2" in (summary.text or "")
            assert len([m for m in await elena.chat(files=False) if m.kind == "photo"]) == 1
            rows = _kpi_rows(await _xlsx(elena, chart))
            assert rows["Итого"][3:5] == (1, 30)
            pressed = await elena.forged_press(
                chart, StatsCallback(action="xlsx", org=tula_1).pack()
            )
            assert "недоступна" in ((await elena.wait_for_answer(pressed, timeout=15)).text or "")

            anna = await sb.create_user("Анна")
            await anna.send(f"/start {mentee_code}")
            consent = await anna.wait_for_message(
                lambda m: "Даю согласие" in m.button_texts(), timeout=15
            )
            await anna.press(consent, "Даю согласие")
            await anna.wait_for_message(lambda m: "Как вас зовут" in (m.text or ""), timeout=15)
            await anna.send("Аннова Анна")
            await anna.wait_for_message(timeout=15)
            await anna.send("/stats")
            refusal = await anna.wait_for_message(
                lambda m: "доступна куратору" in (m.text or ""), timeout=15
            )
            assert refusal.kind == "text"
            assert not [m for m in await anna.chat(files=False) if m.kind in {"photo", "document"}]
    finally:
        bot.stop()
        await db.close()
