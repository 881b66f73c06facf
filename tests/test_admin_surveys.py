"""A curator launches a questionnaire wave on the web, sees who has not answered, reminds them."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import func, select

from i18n import Translator
from storage.db import Database
from storage.schema import outbox
from tests.admin_web import AdminWeb, admin_web, make_person
from tests.factories import make_school
from tests.school import add_members, born_years_ago

STUDENT = {"position": "student"}


@pytest.fixture
async def web(db: Database, translator: Translator) -> AsyncIterator[AdminWeb]:
    async with admin_web(db, translator) as env:
        yield env


async def _queued(db: Database) -> int:
    """Invitations and reminders (the same reminder the scheduler sends) in the outbox."""
    async with db.connect() as conn:
        count = await conn.scalar(
            select(func.count())
            .select_from(outbox)
            .where(outbox.c.kind.in_(("survey_invitation", "wave_nudge")))
        )
    return int(count or 0)


def _wave_id(location: str) -> int:
    found = re.search(r"/admin/surveys/(\d+)\?", location)
    assert found, location
    return int(found.group(1))


async def test_launch_a_wave_see_non_responders_and_remind_once_a_day(
    web: AdminWeb, db: Database
) -> None:
    school = await make_school(db)
    curator = await make_person(db, "Кураторова Вера", "curator", school)
    await make_person(db, "Ученикова Аня", "mentee", school)
    await make_person(db, "Учеников Боря", "mentee", school)
    await make_person(db, "Наставников Иван", "mentor", school)
    agent = await web.signed_in(curator)

    await agent.get("/admin/surveys")
    assert "Запустить анкетирование" in agent.last_text
    past = {"organisation": str(school), "survey": "intake_mentee", "role": "mentee"}
    assert (await agent.post("/admin/surveys", {**past, "deadline": "2026-08-01"})).status == 400
    assert "Срок уже прошёл." in agent.last_text
    wrong = {**past, "role": "mentor", "deadline": "2026-09-20"}
    assert (await agent.post("/admin/surveys", wrong)).status == 400
    assert "Эта анкета не для выбранной роли." in agent.last_text

    launched = await agent.post("/admin/surveys", {**past, "deadline": "2026-09-20"})
    assert launched.status == 303
    wave = _wave_id(launched.headers["Location"])
    assert await _queued(db) == 2, "the two mentees are invited, the mentor is not"

    await agent.get("/admin/surveys")
    assert "0 из 2 (0 %)" in agent.last_text
    await agent.get(f"/admin/surveys/{wave}")
    assert "Не ответили (2)" in agent.last_text
    assert "Ученикова Аня" in agent.last_text and "Наставников Иван" not in agent.last_text

    reminded = await agent.post(f"/admin/surveys/{wave}/remind", {})
    assert reminded.status == 303 and reminded.headers["Location"].endswith("reminded=2")
    assert await _queued(db) == 4
    async with db.connect() as conn:
        payloads = (
            await conn.execute(select(outbox.c.payload).where(outbox.c.kind == "wave_nudge"))
        ).scalars()
        texts = [payload["text"] for payload in payloads]
    # The scheduler's reminder, word for word (tests/test_nudges.py).
    assert len(texts) == 2 and all("ждёт ваших ответов" in text for text in texts)
    again = await agent.post(f"/admin/surveys/{wave}/remind", {})
    assert again.headers["Location"].endswith("reminded=0"), "a double click sends nothing more"
    assert await _queued(db) == 4
    web.clock.advance(days=1)
    agent = await web.signed_in(curator)  # yesterday's session has expired
    next_day = await agent.post(f"/admin/surveys/{wave}/remind", {})
    assert next_day.headers["Location"].endswith("reminded=2")


async def test_another_schools_waves_do_not_exist_and_posts_need_csrf(
    web: AdminWeb, db: Database
) -> None:
    school_a = await make_school(db, "МБОУ СОШ № 1")
    school_b = await make_school(db, "МБОУ СОШ № 2")
    await make_person(db, "Ученикова Аня", "mentee", school_b)
    curator_a = await make_person(db, "Кураторова Вера", "curator", school_a)
    curator_b = await make_person(db, "Кураторов Борис", "curator", school_b)
    fields = {"survey": "intake_mentee", "role": "mentee", "deadline": "2026-09-20"}

    agent_b = await web.signed_in(curator_b)
    await agent_b.get("/admin/surveys")
    no_token = await agent_b.post(
        "/admin/surveys", {**fields, "organisation": str(school_b)}, csrf=False
    )
    assert no_token.status == 403
    assert await _queued(db) == 0
    launched = await agent_b.post("/admin/surveys", {**fields, "organisation": str(school_b)})
    wave_b = _wave_id(launched.headers["Location"])
    assert (await agent_b.post(f"/admin/surveys/{wave_b}/remind", {}, csrf=False)).status == 403

    agent_a = await web.signed_in(curator_a)
    await agent_a.get("/admin/surveys")
    assert "МБОУ СОШ № 2" not in agent_a.last_text
    assert (await agent_a.get(f"/admin/surveys/{wave_b}")).status == 404
    assert (await agent_a.post(f"/admin/surveys/{wave_b}/remind", {})).status == 404
    foreign = await agent_a.post("/admin/surveys", {**fields, "organisation": str(school_b)})
    assert foreign.status == 404
    assert await _queued(db) == 1

    coordinator = await make_person(db, "Координаторов Олег", "coordinator", school_b)
    watcher = await web.signed_in(coordinator)
    assert (await watcher.get(f"/admin/surveys/{wave_b}")).status == 200
    assert "Напомнить сейчас" not in watcher.last_text
    assert (await watcher.post(f"/admin/surveys/{wave_b}/remind", {})).status == 403


async def test_an_intake_wave_on_the_web_says_who_has_filled_it_in_already(
    web: AdminWeb, db: Database
) -> None:
    # Two pupils filled in the intake at registration, one did not: the wave asks only him,
    # and the page says why the others were not asked, as the chat does.
    school = await make_school(db)
    curator = await make_person(db, "Кураторова Вера", "curator", school)
    await add_members(db, school, "mentee", 2, born=born_years_ago(14), intake=STUDENT)
    await make_person(db, "Учеников Боря", "mentee", school)
    agent = await web.signed_in(curator)
    fields = {"organisation": str(school), "survey": "intake_mentee", "role": "mentee"}
    launched = await agent.post("/admin/surveys", {**fields, "deadline": "2026-09-20"})
    assert launched.status == 303 and await _queued(db) == 1
    await agent.get(launched.headers["Location"])
    assert "приглашений: 1." in agent.last_text
    assert "Уже заполнили анкету в этом учебном году (в том числе при регистрации): 2" in (
        agent.last_text
    )
