"""The back office tells the whole story (#12): a second proposal, meetings and
dissolving on the web as in chat, and a coordinator's scope."""

from __future__ import annotations

from sqlalchemy import select

from storage import pairs as pair_store
from storage import people as people_store
from storage.db import Database
from storage.schema import outbox
from tests.admin_web import AdminWeb, make_person
from tests.factories import make_approved_pair, make_school
from tests.test_coordinator_scope import area_invite, school
from tests.test_curator_surveys import register
from tests.test_pairs import NewUser, cohort


def _section(html: str, marker: str) -> str:
    return html.split(marker, 1)[1].split("</section>", 1)[0]


async def test_a_second_proposal_after_approval_reads_consistently(
    web: AdminWeb, db: Database, new_user: NewUser
) -> None:
    school, curator_chat, _ = await cohort(db, new_user)
    async with db.connect() as conn:
        curator = await people_store.get_by_telegram_id(conn, curator_chat.user.id)
    assert curator is not None
    agent = await web.signed_in(curator.id)
    await agent.post(f"/admin/pairs/{school}/propose", {})
    approved = await agent.post(
        f"/admin/pairs/{school}/approve", {"order_number": "№ 12-о", "order_date": "2026-10-01"}
    )
    assert approved.headers["Location"].endswith("done=approved")

    await agent.get(f"/admin/pairs/{school}")
    proposed = await agent.post(f"/admin/pairs/{school}/propose", {})
    await agent.get(proposed.headers["Location"])
    page = agent.last_text
    assert "Предложение готово" not in page
    assert "Новых пар не получилось." in page
    proposal = _section(page, 'id="proposal"')
    assert "Пар нет." not in proposal and "Новых пар нет" in proposal
    assert "Уже в утверждённых парах: 2" in proposal
    assert "уже в паре" not in proposal  # not listed as "without a pair"
    kid_row = next(r for r in proposal.split("<tr ") if "Колин Коля" in r)
    assert "нет согласия родителя" in kid_row and "Сначала нужно согласие родителя" in kid_row
    assert "Назначить" not in proposal
    assert "Аннова Анна" in _section(page, 'id="approved"')


async def test_a_coordinator_reads_his_scope_the_same_in_chat_and_on_the_web(
    web: AdminWeb, db: Database, new_user: NewUser
) -> None:
    await school(db, "Тульская школа № 2", "г. Тула", "Тульская область")
    await school(db, "Тульская школа № 1", "г. Тула", "Тульская область")
    await school(db, "Алексинская школа", "г. Алексин", "Тульская область")
    chat = new_user("Координатор")
    await register(chat, await area_invite(db, municipality="г. Тула"), "Петрова Ольга")
    replies = await chat.send("/stats")
    chat_title = (replies[0].text or "").splitlines()[0]
    assert "г. Тула" in chat_title and "Все организации" not in chat_title

    async with db.connect() as conn:
        coordinator = await people_store.get_by_telegram_id(conn, chat.user.id)
    assert coordinator is not None
    agent = await web.signed_in(coordinator.id)
    await agent.get("/admin/")
    page = agent.last_text
    kpis = _section(page, 'id="kpis"')
    assert "Показатели: г. Тула," in kpis and "Все организации" not in kpis
    assert "г. Тула: все организации (2)" in page
    nav = page.split("<nav>", 1)[1].split("</nav>", 1)[0]
    assert "Импорт списка" not in nav and "Участники" in nav
    await agent.get("/admin/people")
    assert "Импорт списка" not in agent.last_text


async def test_a_region_coordinator_picks_an_organisation_by_municipality(
    db: Database, new_user: NewUser
) -> None:
    await school(db, "Школа № 5", "г. Тула", "Тульская область")
    await school(db, "Гимназия № 1", "г. Алексин", "Тульская область")
    await school(db, "Школа № 2", "г. Тула", "Тульская область")
    chat = new_user("Координатор")
    await register(chat, await area_invite(db, region="Тульская область"), "Сидоров Иван")
    replies = await chat.send("/stats")
    await chat.press(replies[-1], "Выбрать организацию")
    buttons = await chat.buttons()
    assert buttons[:3] == [
        "г. Алексин · Гимназия № 1",
        "г. Тула · Школа № 5",
        "г. Тула · Школа № 2",
    ]


async def test_a_curator_still_sees_the_import(web: AdminWeb, db: Database) -> None:
    school_id = await make_school(db)
    curator = await make_person(db, "Кураторова Вера", "curator", school_id)
    agent = await web.signed_in(curator)
    await agent.get("/admin/people")
    nav = agent.last_text.split("<nav>", 1)[1].split("</nav>", 1)[0]
    assert "Импорт списка" in nav


async def _messages(db: Database) -> list[tuple[int, str, str]]:
    """(person, kind, text) of everything queued for the members."""
    async with db.connect() as conn:
        rows = await conn.execute(select(outbox.c.person_id, outbox.c.kind, outbox.c.payload))
        return [(pid, kind, str(payload.get("text", ""))) for pid, kind, payload in rows]


async def test_a_curator_schedules_a_meeting_on_the_web_as_in_chat(
    web: AdminWeb, db: Database
) -> None:
    school_id = await make_school(db)
    curator = await make_person(db, "Кураторова Вера", "curator", school_id)
    mentor = await make_person(db, "Смирнова Ольга", "mentor", school_id)
    mentee = await make_person(db, "Аннова Анна", "mentee", school_id)
    pair = await make_approved_pair(db, school_id, mentor, mentee)
    agent = await web.signed_in(curator)

    await agent.get(f"/admin/meetings/{school_id}")
    schedule = _section(agent.last_text, 'id="schedule"')
    assert f'<option value="{pair}">Смирнова Ольга — Аннова Анна</option>' in schedule
    form = {"pair": str(pair), "kind": "intro", "time": "15:30", "place": "каб. 12"}
    past = await agent.post(f"/admin/meetings/{school_id}/schedule", {**form, "date": "2026-08-31"})
    await agent.get(past.headers["Location"])
    assert "Это время уже прошло" in agent.last_text
    empty = await agent.post(
        f"/admin/meetings/{school_id}/schedule", {**form, "date": "2026-09-03", "place": " "}
    )
    await agent.get(empty.headers["Location"])
    assert "Укажите место или ссылку" in agent.last_text

    done = await agent.post(f"/admin/meetings/{school_id}/schedule", {**form, "date": "2026-09-03"})
    await agent.get(done.headers["Location"])
    page = agent.last_text
    assert "Встреча назначена" in page
    upcoming = _section(page, 'id="upcoming"')
    assert "03.09.2026 15:30" in upcoming and "встреча-знакомство" in upcoming
    assert "Смирнова Ольга — Аннова Анна" in upcoming
    told = {pid for pid, _, text in await _messages(db) if "Кураторова Вера" in text}
    assert told == {mentor, mentee}  # the invitation names who proposes it, to both


async def test_a_curator_dissolves_a_pair_on_the_web_as_in_chat(
    web: AdminWeb, db: Database
) -> None:
    school_id = await make_school(db)
    other = await make_school(db, "Колледж связи")
    curator = await make_person(db, "Кураторова Вера", "curator", school_id)
    mentor = await make_person(db, "Смирнова Ольга", "mentor", school_id)
    mentee = await make_person(db, "Аннова Анна", "mentee", school_id)
    pair = await make_approved_pair(db, school_id, mentor, mentee)
    foreign = await make_approved_pair(
        db,
        other,
        await make_person(db, "Чужой Наставник", "mentor", other),
        await make_person(db, "Чужая Ученица", "mentee", other),
    )
    agent = await web.signed_in(curator)
    await agent.get(f"/admin/pairs/{school_id}")
    assert "Расформировать пару" in _section(agent.last_text, 'id="approved"')

    blank = await agent.post(f"/admin/pairs/{school_id}/dissolve", {"pair": str(pair)})
    await agent.get(blank.headers["Location"])
    assert "Напишите причину" in agent.last_text
    stolen = await agent.post(
        f"/admin/pairs/{school_id}/dissolve", {"pair": str(foreign), "reason": "не сложилось"}
    )
    assert stolen.status == 404

    done = await agent.post(
        f"/admin/pairs/{school_id}/dissolve", {"pair": str(pair), "reason": "не сложилось"}
    )
    await agent.get(done.headers["Location"])
    page = agent.last_text
    assert "Пара расформирована" in page
    assert "Утверждённые пары (0)" in page and "Смирнова Ольга" not in _section(
        page, 'id="approved"'
    )
    async with db.connect() as conn:
        ended, kept = [await pair_store.get_pair(conn, p) for p in (pair, foreign)]
    assert ended is not None and ended.status == "dissolved"
    assert kept is not None and kept.status == "active"
    await agent.get("/admin/audit")
    assert "Пара расформирована" in agent.last_text  # the service's own audit entry
