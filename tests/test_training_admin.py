"""The back office's training pages: the year's schedule and its XLSX, attendance marks,
and a mentor's status on his page."""

from __future__ import annotations

from datetime import date, time

from i18n import Translator
from mentoring.roadmap.service import import_roadmap
from mentoring.training import service
from storage import people as people_store
from storage.db import Database
from tests.admin_web import AdminWeb, make_person
from tests.factories import make_school


async def test_schedule_xlsx_attendance_and_status(
    web: AdminWeb, db: Database, translator: Translator
) -> None:
    school = await make_school(db)
    other = await make_school(db, "Колледж связи")
    curator_id = await make_person(db, "Кураторова Вера", "curator", school)
    mentor_id = await make_person(db, "Наставникова Ирина", "mentor", school)
    stranger_id = await make_person(db, "Чужова Нина", "curator", other)
    await import_roadmap(db, [school], 2026)
    async with db.connect() as conn:
        curator = await people_store.get(conn, curator_id)
    draft = service.Draft(
        title="Вебинар «Роль наставника»",
        day=date(2026, 9, 3),
        at=time(15, 0),
        audience="mentors",
        place="Актовый зал",
    )
    scheduled = await service.schedule(db, translator, curator, draft, web.clock())
    assert scheduled.session_id is not None and scheduled.invited == 1

    agent = await web.signed_in(curator_id)
    await agent.get(f"/admin/people/{mentor_id}")
    assert "не прошли обучение в этом учебном году" in agent.last_text
    response = await agent.get("/admin/training")
    assert response.status == 200
    assert "Вебинар «Роль наставника»" in agent.last_text
    assert "придут: 0, не смогут: 0, приглашено: 1" in agent.last_text
    xlsx = await agent.get("/admin/training.xlsx")
    assert xlsx.status == 200 and (await xlsx.read())[:2] == b"PK"

    page = f"/admin/training/{scheduled.session_id}"
    await agent.get(page)
    assert "Посещаемость можно отметить после начала" in agent.last_text
    early = await agent.post(f"{page}/attendance", {"person": str(mentor_id), "present": "1"})
    assert early.status == 400, "not before it starts"

    web.clock.advance(days=3)
    agent = await web.signed_in(curator_id)  # a new day, a new sign-in
    await agent.get(page)
    marked = await agent.post(f"{page}/attendance", {"person": str(mentor_id), "present": "1"})
    assert marked.status == 303 and marked.headers["Location"].endswith("done=trained")
    await agent.get(marked.headers["Location"])
    assert "Все наставники прошли обучение" in agent.last_text
    await agent.get(f"/admin/people/{mentor_id}")
    assert "прошли обучение в этом учебном году" in agent.last_text
    assert "не прошли обучение" not in agent.last_text

    stranger = await web.signed_in(stranger_id)
    assert (await stranger.get(page)).status == 404
    await stranger.get("/admin/training")
    assert "Роль наставника" not in stranger.last_text
