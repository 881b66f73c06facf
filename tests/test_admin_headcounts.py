"""Headcounts per school year on the organisation page: who may save them, and the rules."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from click.testing import CliRunner

from bot.cli.base import cli
from i18n import Translator
from mentoring.stats.headcounts import headcounts_of
from storage.db import Database
from storage.headcounts import Headcount
from tests.admin_web import AdminWeb, admin_web, make_person
from tests.factories import make_school
from tests.test_cli import _add_school, runner

__all__ = ["runner"]

GOOD = {
    "year": "2026",
    "pupils_10_19": "400",
    "pupils_15_19": "150",
    "young_teachers": "7",
    "teachers_under_35": "12",
}


@pytest.fixture
async def web(db: Database, translator: Translator) -> AsyncIterator[AdminWeb]:
    async with admin_web(db, translator) as env:
        yield env


async def test_a_curator_saves_headcounts_and_sees_them(web: AdminWeb, db: Database) -> None:
    school = await make_school(db)
    curator = await web.signed_in(await make_person(db, "Кураторова Вера", "curator", school))
    page = f"/admin/organisations/{school}"
    await curator.get(page)
    assert "Численность ещё не введена." in curator.last_text

    response = await curator.post(f"{page}/headcounts", GOOD)
    assert response.status == 303, curator.last_text
    await curator.get(response.headers["Location"].split("#")[0])
    assert "Численность сохранена." in curator.last_text
    assert '<tr data-year="2026">' in curator.last_text and "2026/27" in curator.last_text
    row = curator.last_text.split('<tr data-year="2026">', 1)[1].split("</tr>", 1)[0]
    assert row.count('<td class="num">') == 4
    for value in ("400", "150", "7", "12"):
        assert f'<td class="num">{value}</td>' in row
    assert await headcounts_of(db, school) == [Headcount(school, 2026, 400, 150, 7, 12, None)]

    # an empty field keeps the saved value
    partial = {**GOOD, "pupils_10_19": "", "pupils_15_19": "160"}
    assert (await curator.post(f"{page}/headcounts", partial)).status == 303
    assert (await headcounts_of(db, school))[0].pupils_15_19 == 160
    assert (await headcounts_of(db, school))[0].pupils_10_19 == 400


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"pupils_15_19": "500"}, "Учеников 15–19 лет не может быть больше"),
        ({"young_teachers": "-3"}, "Педагоги со стажем 0–3 года: введите целое число"),
        ({"teachers_under_35": "много"}, "Педагоги до 35 лет: введите целое число"),
        ({"year": "1812"}, "Учебный год должен быть от 2000 до 2100."),
        ({"year": ""}, "Учебный год должен быть от 2000 до 2100."),
    ],
)
async def test_bad_values_are_rejected_with_the_reason(
    web: AdminWeb, db: Database, change: dict[str, str], reason: str
) -> None:
    school = await make_school(db)
    curator = await web.signed_in(await make_person(db, "Кураторова Вера", "curator", school))
    await curator.get(f"/admin/organisations/{school}")
    response = await curator.post(f"/admin/organisations/{school}/headcounts", {**GOOD, **change})
    assert response.status == 400
    assert reason in curator.last_text
    assert 'role="alert"' in curator.last_text
    assert await headcounts_of(db, school) == []


async def test_the_merged_row_is_checked_too(web: AdminWeb, db: Database) -> None:
    school = await make_school(db)
    curator = await web.signed_in(await make_person(db, "Кураторова Вера", "curator", school))
    await curator.get(f"/admin/organisations/{school}")
    assert (await curator.post(f"/admin/organisations/{school}/headcounts", GOOD)).status == 303
    over = {"year": "2026", "pupils_15_19": "401"}  # 10–19 kept at 400
    assert (await curator.post(f"/admin/organisations/{school}/headcounts", over)).status == 400
    assert (await headcounts_of(db, school))[0].pupils_15_19 == 150


async def test_a_coordinator_reads_but_may_not_save(web: AdminWeb, db: Database) -> None:
    school = await make_school(db)
    coordinator = await web.signed_in(
        await make_person(db, "Координаторов Олег", "coordinator", school)
    )
    await coordinator.get(f"/admin/organisations/{school}")
    assert "Численность по учебным годам" in coordinator.last_text
    assert f"/organisations/{school}/headcounts" not in coordinator.last_text  # no form
    response = await coordinator.post(f"/admin/organisations/{school}/headcounts", GOOD)
    assert response.status == 403
    assert await headcounts_of(db, school) == []


async def test_another_schools_curator_gets_404(web: AdminWeb, db: Database) -> None:
    school = await make_school(db)
    other = await make_school(db, "Колледж связи")
    stranger = await web.signed_in(await make_person(db, "Чужой Куратор", "curator", other))
    await stranger.get(f"/admin/organisations/{other}")  # a CSRF token of his own session
    assert (await stranger.get(f"/admin/organisations/{school}")).status == 404
    response = await stranger.post(f"/admin/organisations/{school}/headcounts", GOOD)
    assert response.status == 404
    assert await headcounts_of(db, school) == []


async def test_a_post_without_csrf_is_forbidden(web: AdminWeb, db: Database) -> None:
    school = await make_school(db)
    curator = await web.signed_in(await make_person(db, "Кураторова Вера", "curator", school))
    await curator.get(f"/admin/organisations/{school}")
    response = await curator.post(f"/admin/organisations/{school}/headcounts", GOOD, csrf=False)
    assert response.status == 403
    assert await headcounts_of(db, school) == []


async def test_english_texts(web: AdminWeb, db: Database) -> None:
    school = await make_school(db)
    curator = await web.signed_in(
        await make_person(db, "Smith John", "curator", school, locale="en")
    )
    await curator.get(f"/admin/organisations/{school}")
    bad = {**GOOD, "pupils_15_19": "401"}
    assert (await curator.post(f"/admin/organisations/{school}/headcounts", bad)).status == 400
    assert "There cannot be more pupils aged 15–19 than pupils aged 10–19." in curator.last_text


def test_the_cli_applies_the_same_rules(runner: CliRunner) -> None:
    org = _add_school(runner).split()[0]
    args = ["headcount", "set", "--org", org, "--year", "2026"]
    bad = runner.invoke(cli, [*args, "--pupils-10-19", "10", "--pupils-15-19", "11"])
    assert bad.exit_code != 0 and "cannot outnumber" in bad.output
    bad_year = runner.invoke(cli, ["headcount", "set", "--org", org, "--year", "26"])
    assert bad_year.exit_code != 0 and "between 2000 and 2100" in bad_year.output
    missing = runner.invoke(cli, ["headcount", "set", "--org", "99999", "--year", "2026"])
    assert missing.exit_code != 0 and "no organisation 99999" in missing.output
