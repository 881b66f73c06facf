"""The back office beyond pairs: a coordinator's area, meetings, the roadmap, a person's answers."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import date, timedelta

import pytest
from sqlalchemy import insert

from i18n import Translator
from mentoring.meetings import service as meeting_service
from mentoring.pairs.notices import approve
from mentoring.pairs.service import propose
from mentoring.people.organisations import create_organisation
from storage import consents
from storage import meetings as meeting_store
from storage import pairs as pair_store
from storage import people as people_store
from storage import roadmap as roadmap_store
from storage.db import Database
from storage.schema import coordinator_coverage
from surveys.definitions import load_definitions
from tests.admin_web import AdminWeb, admin_web, make_person
from tests.factories import make_invite, make_school
from tests.survey_driver import answer_survey
from tests.test_pairs import NewUser, cohort, register


@pytest.fixture
async def web(db: Database, translator: Translator) -> AsyncIterator[AdminWeb]:
    async with admin_web(db, translator) as env:
        yield env


async def _other_school(db: Database, name: str, municipality: str) -> int:
    organisation = await create_organisation(
        db,
        name=name,
        kind="school",
        municipality=municipality,
        region="Тульская область",
        timezone="Europe/Moscow",
    )
    return organisation.id


# --- 1. scope ---------------------------------------------------------------------------------


async def test_a_municipal_coordinator_sees_the_area_read_only(web: AdminWeb, db: Database) -> None:
    tula = await make_school(db, "МБОУ СОШ № 1")
    elsewhere = await _other_school(db, "Лицей № 2", "г. Новомосковск")
    coordinator = await make_person(db, "Координатова Вера", "coordinator", None)
    async with db.begin() as conn:
        await conn.execute(
            insert(coordinator_coverage).values(
                person_id=coordinator, municipality="г. Тула", created_at=web.clock()
            )
        )
    agent = await web.signed_in(coordinator)

    await agent.get("/admin/organisations")
    assert "МБОУ СОШ № 1" in agent.last_text and "Лицей № 2" not in agent.last_text
    assert (await agent.get(f"/admin/pairs/{tula}")).status == 200
    assert (await agent.get(f"/admin/roadmap/{tula}")).status == 200
    assert (await agent.get(f"/admin/pairs/{elsewhere}")).status == 404
    # Read-only: seeing is not managing.
    assert (await agent.post(f"/admin/roadmap/{tula}/import", {"year": "2026"})).status == 403
    # A new school in the area is in scope at once.
    third = await _other_school(db, "Гимназия № 3", "г. Тула")
    assert (await agent.get(f"/admin/meetings/{third}")).status == 200


# --- 2. meetings ------------------------------------------------------------------------------


async def test_meetings_listed_in_local_time_and_marked_held(
    web: AdminWeb, db: Database, new_user: NewUser, translator: Translator
) -> None:
    school, curator_chat, _ = await cohort(db, new_user)
    async with db.connect() as conn:
        curator = await people_store.get_by_telegram_id(conn, curator_chat.user.id)
    assert curator is not None
    now = web.clock()
    await propose(db, school, now)
    approval = await approve(
        db,
        translator,
        load_definitions(),
        school,
        order_number="1",
        order_date=date(2026, 9, 1),
        actor_person_id=curator.id,
        now=now,
    )
    assert approval.problem is None
    async with db.connect() as conn:
        pair = (await pair_store.active_pairs(conn, school))[0]
    created = []
    for days, kind in ((1, "intro"), (5, "planning")):
        outcome = await meeting_service.create(
            db,
            translator,
            curator,
            organisation_id=school,
            pair_id=pair.id,
            kind=kind,
            starts_at=now + timedelta(days=days),
            place="каб. 12",
            now=now,
        )
        assert outcome.ok and outcome.meeting_id
        created.append(outcome.meeting_id)
    web.clock.advance(days=2)

    agent = await web.signed_in(curator.id)
    assert (await agent.get("/admin/meetings")).headers["Location"] == f"/admin/meetings/{school}"
    await agent.get(f"/admin/meetings/{school}")
    page = agent.last_text
    upcoming, past = page.split('id="past"')
    assert "встреча-планирование" in upcoming and "встреча-знакомство" in past
    assert "02.09.2026 12:00" in past  # 09:00 UTC is noon in Moscow
    assert "ждёт ответа" in past and f"/{created[0]}/outcome" in past
    assert f"/{created[1]}/outcome" not in page  # not started yet: no outcome buttons

    without_csrf = await agent.post(
        f"/admin/meetings/{school}/{created[0]}/outcome", {"held": "1"}, csrf=False
    )
    assert without_csrf.status == 403
    held = await agent.post(f"/admin/meetings/{school}/{created[0]}/outcome", {"held": "1"})
    assert held.headers["Location"].endswith("done=held")
    async with db.connect() as conn:
        meeting = await meeting_store.get(conn, created[0])
    assert meeting is not None and meeting.status == "held"
    await agent.get(f"/admin/meetings/{school}")
    assert "состоялась" in agent.last_text and f"/{created[0]}/outcome" not in agent.last_text

    # Another school: its curator cannot reach this school's meeting, by either id.
    other = await _other_school(db, "Лицей № 2", "г. Тула")
    stranger = await web.signed_in(await make_person(db, "Чужой Пётр", "curator", other))
    await stranger.get(f"/admin/meetings/{other}")
    assert (await stranger.get(f"/admin/meetings/{school}")).status == 404
    assert (
        await stranger.post(f"/admin/meetings/{other}/{created[1]}/outcome", {"held": "0"})
    ).status == 404
    assert (
        await stranger.post(f"/admin/meetings/{school}/{created[1]}/outcome", {"held": "0"})
    ).status == 404
    # A coordinator of the school sees it but does not record outcomes.
    watcher = await web.signed_in(await make_person(db, "Наблюдаев Иван", "coordinator", school))
    await watcher.get(f"/admin/meetings/{school}")
    assert "встреча-знакомство" in watcher.last_text and "/outcome" not in watcher.last_text
    assert (
        await watcher.post(f"/admin/meetings/{school}/{created[1]}/outcome", {"held": "0"})
    ).status == 403


# --- 3. roadmap -------------------------------------------------------------------------------


async def test_roadmap_import_overdue_and_mark_done(web: AdminWeb, db: Database) -> None:
    school = await make_school(db)
    curator = await make_person(db, "Кураторова Елена", "curator", school)
    agent = await web.signed_in(curator)
    await agent.get(f"/admin/roadmap/{school}")
    assert "Загрузить типовую" in agent.last_text and 'class="overdue"' not in agent.last_text

    imported = await agent.post(f"/admin/roadmap/{school}/import", {"year": "2026"})
    assert "done=imported" in imported.headers["Location"]
    async with db.connect() as conn:
        items = await roadmap_store.of_organisation(conn, school)
    assert items and all(i.year == 2026 for i in items)
    again = await agent.post(f"/admin/roadmap/{school}/import", {"year": "2026"})
    assert again.headers["Location"].endswith("added=0")  # idempotent
    assert (await agent.post(f"/admin/roadmap/{school}/import", {"year": "1999"})).status == 400

    web.clock.advance(days=60)  # 31 October: the early items are overdue now
    agent = await web.signed_in(curator)  # the old session has timed out meanwhile
    await agent.get(f"/admin/roadmap/{school}")
    overdue = re.findall(r'<tr data-item="(\d+)" class="overdue">', agent.last_text)
    today = web.clock().date()
    assert sorted(int(i) for i in overdue) == sorted(i.id for i in items if i.due_on < today)
    first = overdue[0]
    done = await agent.post(f"/admin/roadmap/{school}/items/{first}/done", {})
    assert done.headers["Location"].endswith("done=done")
    await agent.get(f"/admin/roadmap/{school}")
    assert f'<tr data-item="{first}" class="overdue">' not in agent.last_text
    assert "выполнено" in agent.last_text

    other = await _other_school(db, "Лицей № 2", "г. Тула")
    stranger = await web.signed_in(await make_person(db, "Чужой Пётр", "curator", other))
    assert (await stranger.get(f"/admin/roadmap/{school}")).status == 404
    await stranger.get(f"/admin/roadmap/{other}")
    assert (
        await stranger.post(f"/admin/roadmap/{other}/items/{overdue[1]}/done", {})
    ).status == 404


# --- 4. a person's answers and a paper consent -------------------------------------------------


async def test_answers_labelled_free_text_for_managers_and_paper_consent(
    web: AdminWeb, db: Database, new_user: NewUser
) -> None:
    school = await make_school(db)
    curator = await make_person(db, "Smith John", "curator", school, locale="en")
    coordinator = await make_person(db, "Координатова Вера", "coordinator", school)
    kid = new_user("Коля")
    await register(kid, await make_invite(db, school, "mentee"), "Колин Коля")
    await answer_survey(
        kid,
        db,
        kid.user.id,
        {
            "position": "Школьник",
            "school_class": "7 класс",
            "birth_date": f"01.01.{date.today().year - 14}",
            "request_text": "Хочу подтянуть алгебру",
        },
    )
    async with db.connect() as conn:
        child = await people_store.get_by_telegram_id(conn, kid.user.id)
    assert child is not None

    manager = await web.signed_in(curator)
    await manager.get(f"/admin/people/{child.id}")
    page = manager.last_text
    assert "Year 7" in page and "7 класс" not in page  # labels in the viewer's language
    assert "Хочу подтянуть алгебру" in page
    assert 'id="parent-consent"' in page

    watcher = await web.signed_in(coordinator)
    await watcher.get(f"/admin/people/{child.id}")
    assert "7 класс" in watcher.last_text
    assert "Хочу подтянуть алгебру" not in watcher.last_text  # free text: managers only
    assert 'id="parent-consent"' not in watcher.last_text
    refused = await watcher.post(f"/admin/people/{child.id}/parent-consent", {"signed_by": "X"})
    assert refused.status == 403

    recorded = await manager.post(
        f"/admin/people/{child.id}/parent-consent", {"signed_by": "Колина Мария"}
    )
    assert recorded.headers["Location"].endswith("done=consent")
    async with db.connect() as conn:
        assert await consents.has_active(conn, child.id, "parent")
    await manager.get(f"/admin/people/{child.id}?done=consent")
    assert 'id="parent-consent"' not in manager.last_text
    twice = await manager.post(f"/admin/people/{child.id}/parent-consent", {"signed_by": "Y"})
    assert twice.status == 400
