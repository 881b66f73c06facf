"""The back office's table of organisations × KPIs for a coordinator: below-target cells
marked, sorted on the server by any column, paged at region scale."""

from __future__ import annotations

import re
import time
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import insert

from i18n import Translator
from mentoring.demo.seed import DemoSize, write_demo
from storage.db import Database
from storage.schema import coordinator_coverage
from tests.admin_web import AdminWeb, Agent, admin_web, make_person
from tests.lagging_figures import FIGURES, FiguresStats, fixture_schools

PAGE = "/admin/stats/organisations"


@pytest.fixture
async def web(db: Database, translator: Translator) -> AsyncIterator[AdminWeb]:
    async with admin_web(db, translator, FiguresStats(db, translator, FIGURES.get)) as env:
        yield env


async def _coordinator(web: AdminWeb, db: Database, **area: str) -> Agent:
    person = await make_person(db, "Координатова Вера", "coordinator", None)
    async with db.begin() as conn:
        await conn.execute(
            insert(coordinator_coverage).values(person_id=person, created_at=web.clock(), **area)
        )
    return await web.signed_in(person)


def _order(html: str) -> list[int]:
    return [int(found) for found in re.findall(r'<tr data-organisation="(\d+)">', html)]


def _cell(html: str, org: int, kpi: str) -> str:
    row = html.split(f'<tr data-organisation="{org}">')[1].split("</tr>")[0]
    found = re.search(rf'<td class="([^"]*)" data-kpi="{kpi}"[^>]*>([^<]*)</td>', row)
    assert found, row
    return f"{found.group(1)}|{found.group(2).strip()}"


async def test_worst_first_with_marked_cells_and_links(web: AdminWeb, db: Database) -> None:
    ids = await fixture_schools(db)
    n = {name.removeprefix("Школа № "): org for name, org in ids.items()}
    agent = await _coordinator(web, db, municipality="г. Тула")

    assert "Ниже цели хотя бы по одному показателю — 3 организации из 5." in agent.last_text
    assert 'href="/admin/stats/organisations?period=2026"' in agent.last_text  # the dashboard

    assert (await agent.get(PAGE)).status == 200
    html = agent.last_text
    assert "Показатели по организациям" in html and "г. Тула, 2026/27" in html
    assert _order(html) == [n["4"], n["3"], n["2"], n["1"], n["5"]]
    assert ids["Алексинская школа"] not in _order(html)
    # Below target: red (the class) and ✗ (readable without colour); no data: «—», not behind.
    assert _cell(html, n["4"], "mentees_10_19") == "num below|35\u00a0% ✗"
    assert _cell(html, n["2"], "mentees_10_19") == "num below|42,5\u00a0% ✗"
    assert _cell(html, n["2"], "mentors_15_19") == "num|20\u00a0%"
    assert _cell(html, n["5"], "mentees_10_19") == "num nodata|—"
    assert 'data-lag="3"' in html and "цель 70\u00a0%" in html
    assert f'<a href="/admin/organisations/{n["4"]}">Школа № 4</a>' in html
    assert (await agent.get(f"/admin/organisations/{n['4']}")).status == 200


async def test_sorted_on_the_server_by_any_column(web: AdminWeb, db: Database) -> None:
    ids = await fixture_schools(db)
    n = {name.removeprefix("Школа № "): org for name, org in ids.items()}
    agent = await _coordinator(web, db, municipality="г. Тула")

    await agent.get(f"{PAGE}?sort=mentees_10_19&order=asc")
    assert _order(agent.last_text) == [n["4"], n["2"], n["3"], n["1"], n["5"]]  # no value last
    assert 'aria-sort="ascending"' in agent.last_text
    assert "sort=mentees_10_19&amp;order=desc" in agent.last_text  # a second click reverses
    await agent.get(f"{PAGE}?sort=mentees_10_19&order=desc")
    assert _order(agent.last_text) == [n["1"], n["3"], n["2"], n["4"], n["5"]]
    await agent.get(f"{PAGE}?sort=name&order=desc")
    assert _order(agent.last_text) == [n["5"], n["4"], n["3"], n["2"], n["1"]]
    await agent.get(f"{PAGE}?sort=lag&order=asc")
    assert _order(agent.last_text) == [n["1"], n["5"], n["2"], n["3"], n["4"]]
    await agent.get(f"{PAGE}?lagging=1")
    assert _order(agent.last_text) == [n["4"], n["3"], n["2"]]
    await agent.get(f"{PAGE}?q=%E2%84%96+3")  # «№ 3»
    assert _order(agent.last_text) == [n["3"]]

    response = await agent.get(f"{PAGE}?sort=<script>&order=sideways&page=x&period=2099-Q9")
    assert response.status == 200 and "<script>" not in agent.last_text
    assert _order(agent.last_text) == [n["4"], n["3"], n["2"], n["1"], n["5"]]


async def test_a_curator_of_one_school_is_sent_to_the_dashboard(
    web: AdminWeb, db: Database
) -> None:
    ids = await fixture_schools(db)
    curator = await make_person(db, "Кураторова Елена", "curator", ids["Школа № 4"])
    agent = await web.signed_in(curator)
    assert "stats/organisations" not in agent.last_text
    await agent.get(PAGE)
    assert "вам видна одна" in agent.last_text and "data-organisation" not in agent.last_text


async def test_a_region_of_a_thousand_organisations_pages(
    db: Database, translator: Translator
) -> None:
    """`mentorbot demo-data --orgs 1000 --people 2000`, counted for real."""
    await write_demo(db, DemoSize(orgs=1000, people=2000, seed=1), force=False)
    async with admin_web(db, translator) as web:
        agent = await _coordinator(web, db, region="Тульская область")
        started = time.perf_counter()
        assert (await agent.get(PAGE)).status == 200
        elapsed = time.perf_counter() - started
        html = agent.last_text
        assert len(_order(html)) == 100 and "Строки 1–100 из 1\u202f000" in html
        assert 'page=10">10</a>' in html and 'page=11"' not in html
        await agent.get(f"{PAGE}?page=10&sort=mentors_15_19")
        last = _order(agent.last_text)
        await agent.get(f"{PAGE}?page=999&sort=mentors_15_19")  # past the end: the last page
        assert _order(agent.last_text) == last and len(last) == 100
        print(f"a region's table: {elapsed * 1000:.0f} ms")  # a figure to read, not a limit
