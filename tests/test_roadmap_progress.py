"""The roadmap follows the work: events mark their items done; a mid-year import skips the past."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from i18n import Translator
from mentoring.pairs.notices import approve
from mentoring.pairs.service import propose
from mentoring.questionnaires import waves
from mentoring.roadmap import service as roadmap
from storage import people as people_store
from storage.db import Database
from surveys.definitions import load_definitions
from tests.admin_web import AdminWeb, admin_web, make_person
from tests.factories import make_school
from tests.test_cli import _add_school, _ok, runner
from tests.test_pairs import NewUser, cohort

__all__ = ["runner"]


@pytest.fixture
async def web(db: Database, translator: Translator) -> AsyncIterator[AdminWeb]:
    async with admin_web(db, translator) as env:
        yield env


def _row(page: str, title: str) -> str:
    """The table row of the roadmap page whose title cell is `title`."""
    for row in re.findall(r"<tr data-item=.*?</tr>", page, re.S):
        if f"<td>{title}</td>" in row:
            return row
    raise AssertionError(f"no row {title!r}")


async def test_a_mid_year_import_skips_what_is_past_on_the_web(web: AdminWeb, db: Database) -> None:
    school = await make_school(db)
    curator = await make_person(db, "Кураторова Елена", "curator", school)
    web.clock.advance(days=80)  # 20 November 2026
    agent = await web.signed_in(curator)
    await agent.post(f"/admin/roadmap/{school}/import", {"year": "2026"})
    await agent.get(f"/admin/roadmap/{school}")
    page = agent.last_text
    assert 'class="overdue"' not in page and "просрочено" not in page
    assert "пропущено" in _row(page, "Групповая встреча наставников и наставляемых")
    later = _row(page, "Встречи-планирования, персонализированные программы")  # 30 November
    assert "пропущено" not in later and "/done" in later
    # a skipped item can still be marked done by hand
    skipped = await roadmap.items_of(db, school)
    first = next(i for i in skipped if i.skipped)
    assert await roadmap.mark_done(db, first.id, None, web.clock(), check_rights=False) == "done"
    assert not next(i for i in await roadmap.items_of(db, school) if i.id == first.id).skipped


async def test_events_of_the_year_mark_their_items_done_with_a_link(
    web: AdminWeb, db: Database, new_user: NewUser, translator: Translator
) -> None:
    school, curator_chat, _ = await cohort(db, new_user)
    async with db.connect() as conn:
        curator = await people_store.get_by_telegram_id(conn, curator_chat.user.id)
    assert curator is not None
    await roadmap.import_roadmap(db, [school], 2026)
    web.clock.advance(days=60)  # 31 October: before, these items were all overdue
    agent = await web.signed_in(curator.id)
    await agent.get(f"/admin/roadmap/{school}")
    for title in ("Групповая встреча наставников и наставляемых", "Формирование базы наставников"):
        assert "просрочено" in _row(agent.last_text, title)
    now = web.clock()

    launched = await agent.post(
        "/admin/surveys",
        {
            "organisation": str(school),
            "survey": "intake_mentor",
            "role": "mentor",
            "deadline": "2026-11-20",
        },
    )
    wave_path = launched.headers["Location"].split("?")[0]
    await waves.record_group_meeting(
        db,
        translator,
        load_definitions(),
        organisation_id=school,
        held_on=date(2026, 10, 30),
        attendee_ids=[],
        actor_person_id=curator.id,
        now=now,
    )
    await propose(db, school, now)
    approval = await approve(
        db,
        translator,
        load_definitions(),
        school,
        order_number="12-н",
        order_date=date(2026, 10, 31),
        actor_person_id=curator.id,
        now=now,
    )
    assert approval.problem is None

    await agent.get(f"/admin/roadmap/{school}")
    page = agent.last_text
    intake = _row(page, "Входное анкетирование наставников и наставляемых")
    assert "выполнено 31.10.2026" in intake and f'href="{wave_path}"' in intake
    assert f'href="{wave_path}"' in _row(page, "Формирование базы наставников")
    for title in (
        "Групповая встреча наставников и наставляемых",
        "Анкетирование предпочтений после групповой встречи",
    ):
        assert "выполнено" in _row(page, title) and "просрочено" not in _row(page, title)
    pairs = _row(page, "Формирование пар и групп, приказ о закреплении")
    assert "выполнено" in pairs and f'href="/admin/pairs/{school}"' in pairs
    # the spring intake (April 2027) stays open: only the intake nearest the launch is done
    assert "выполнено" not in _row(page, "Входное анкетирование (весенний набор)")
    # items no event does stay as they were
    assert "просрочено" in _row(page, "Сбор согласий на обработку персональных данных")


def test_the_cli_import_skips_the_past_too(runner: CliRunner) -> None:
    org = _add_school(runner)
    today = datetime.now(UTC).astimezone(ZoneInfo("Europe/Moscow")).date()
    year = today.year if today.month >= roadmap.FIRST_MONTH else today.year - 1
    _ok(runner, "roadmap", "import", "--org", org, "--year", str(year))
    lines = [line.split("\t") for line in _ok(runner, "roadmap", "list", "--org", org).splitlines()]
    assert len(lines) == len(roadmap.load_template())
    for _, due, state, *_ in lines:
        assert state == ("skipped" if date.fromisoformat(due) < today else "open"), (due, state)
