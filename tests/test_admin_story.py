"""The back office tells the whole story (#12): names instead of codes, who chose whom."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from bot.i18n import Translator
from storage import audit
from storage import consents as consent_store
from storage import demo as demo_store
from storage import pairs as pair_store
from storage import people as people_store
from storage.db import Database
from storage.schema import outbox
from tests.admin_web import AdminWeb, admin_web, make_person
from tests.factories import make_approved_pair, make_school
from tests.test_coordinator_scope import area_invite, school
from tests.test_curator_surveys import register
from tests.test_pairs import NewUser, cohort

NOW = datetime(2026, 9, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
async def web(db: Database, translator: Translator) -> AsyncIterator[AdminWeb]:
    async with admin_web(db, translator) as env:
        yield env


async def submit(db: Database, person_id: int, survey_code: str, answers: dict[str, Any]) -> None:
    """A submitted questionnaire with these answers, as the chat leaves it."""
    async with db.begin() as conn:
        ids = await demo_store.next_ids(conn)
        response_id = ids["responses"]
        await demo_store.insert_rows(
            conn,
            "responses",
            [
                {
                    "id": response_id,
                    "assignment_id": None,
                    "person_id": person_id,
                    "survey_code": survey_code,
                    "survey_version": 1,
                    "state": "{}",
                    "status": "submitted",
                    "started_at": NOW,
                    "updated_at": NOW,
                    "submitted_at": NOW,
                    "satisfaction_score": None,
                }
            ],
        )
        await demo_store.insert_rows(
            conn,
            "answers",
            [
                {
                    "id": ids["answers"] + n,
                    "response_id": response_id,
                    "question_code": code,
                    "value": value,
                    "free_text": False,
                    "answered_at": NOW,
                }
                for n, (code, value) in enumerate(answers.items())
            ],
        )


async def test_preferences_read_by_name_and_a_mentor_sees_who_chose_him(
    web: AdminWeb, db: Database
) -> None:
    school = await make_school(db)
    curator = await make_person(db, "Кураторова Вера", "curator", school)
    olga = await make_person(db, "Смирнова Ольга", "mentor", school)
    ivan = await make_person(db, "Иванов Иван", "mentor", school)
    anna = await make_person(db, "Аннова Анна", "mentee", school)
    boris = await make_person(db, "Борисов Борис", "mentee", school)
    await submit(
        db,
        anna,
        "preference_mentee",
        {"ranked_mentors": [str(ivan), str(olga)], "accept_other": True},
    )
    await submit(db, boris, "preference_mentee", {"ranked_mentors": [str(olga)]})
    await submit(db, olga, "preference_mentor", {"chosen_mentees": [str(anna)], "capacity": 2})
    agent = await web.signed_in(curator)

    await agent.get(f"/admin/people/{anna}")
    page = agent.last_text
    assert "1. Иванов Иван; 2. Смирнова Ольга" in page
    assert "нет в списке" not in page
    chosen = page.split('id="chosen-by"', 1)[1].split("</section>", 1)[0]
    assert "Смирнова Ольга" in chosen  # the mentor who marked her

    await agent.get(f"/admin/people/{olga}")
    page = agent.last_text
    assert "Аннова Анна" in page.split('id="answers"', 1)[1]  # her own choice, by name
    chosen = page.split('id="chosen-by"', 1)[1].split("</section>", 1)[0]
    assert "Борисов Борис</a> — 1-й выбор" in chosen
    assert "Аннова Анна</a> — 2-й выбор" in chosen
    assert chosen.index("Борисов") < chosen.index("Аннова")  # first choices first

    await agent.get(f"/admin/people/{ivan}")
    chosen = agent.last_text.split('id="chosen-by"', 1)[1].split("</section>", 1)[0]
    assert "Аннова Анна</a> — 1-й выбор" in chosen and "Борисов" not in chosen


async def test_the_audit_log_reads_in_russian(web: AdminWeb, db: Database) -> None:
    school = await make_school(db)
    curator = await make_person(db, "Кураторова Вера", "curator", school)
    anna = await make_person(db, "Аннова Анна", "mentee", school)
    async with db.begin() as conn:
        await audit.record(
            conn,
            "survey_wave.launched",
            actor_person_id=curator,
            object_type="survey_wave",
            object_id=7,
            details={
                "survey": "intake_mentee",
                "role": "mentee",
                "invited": 3,
                "answered_before": 1,
            },
        )
        await audit.record(
            conn,
            "survey_wave.reminded",
            actor_person_id=curator,
            object_type="survey_wave",
            object_id=7,
            details={"queued": 0},
        )
        await audit.record(
            conn, "person.registered", actor_person_id=anna, object_type="person", object_id=anna
        )
        await audit.record(
            conn,
            "organisation.updated",
            actor_person_id=curator,
            object_type="organisation",
            object_id=school,
        )
    agent = await web.signed_in(curator)

    await agent.get("/admin/audit")
    page = agent.last_text
    assert "Отправлено напоминание не ответившим" in page
    assert "напоминаний поставлено в очередь: 0" in page
    assert "анкетирование № 7" in page
    assert "Запущено анкетирование" in page and "приглашено 3, ответили раньше 1" in page
    assert "Регистрация в боте" in page and "участник: Аннова Анна" in page
    assert "организация «МБОУ СОШ № 1»" in page
    assert ">Вход в кабинет</option>" in page  # the filter names actions too
    for code in ("survey_wave.reminded", "queued=0", "person #", "survey_wave #"):
        assert code not in page.replace('value="survey_wave.reminded"', "")


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


def _row(html: str, person_id: int) -> str:
    return html.split(f'data-person="{person_id}"', 1)[1].split("</tr>", 1)[0]


async def test_the_people_list_shows_class_consents_and_the_intake(
    web: AdminWeb, db: Database
) -> None:
    school = await make_school(db)
    curator = await make_person(db, "Кураторова Вера", "curator", school)
    pupil = await make_person(db, "Ученикова Аня", "mentee", school)
    teacher = await make_person(db, "Учителева Ольга", "mentor", school)
    newcomer = await make_person(db, "Новикова Нина", "mentee", school)
    async with db.begin() as conn:
        await people_store.set_birth_date(conn, pupil, date(2013, 3, 14))
        await consent_store.grant(
            conn, pupil, kind="personal_data", text_version="v1", granted_by="self"
        )
        await consent_store.grant(
            conn, teacher, kind="personal_data", text_version="v1", granted_by="self"
        )
    await submit(db, pupil, "intake_mentee", {"position": "pupil", "school_class": 7})
    await submit(db, teacher, "intake_mentor", {"position": "teacher"})
    agent = await web.signed_in(curator)

    await agent.get(f"/admin/people?organisation={school}")
    page = agent.last_text
    assert "<th>Согласия</th>" in page and "<th>Анкета</th>" in page
    row = _row(page, pupil)
    assert "7 класс" in row and "своё: есть" in row and "родителя: нужно" in row
    assert "заполнена" in row
    row = _row(page, teacher)
    assert "Педагог" in row and "своё: есть" in row and "родителя" not in row
    row = _row(page, newcomer)
    assert "своё: нет" in row and "не начата" in row


async def test_a_wave_exports_its_non_responders(web: AdminWeb, db: Database) -> None:
    school = await make_school(db)
    curator = await make_person(db, "Кураторова Вера", "curator", school)
    await make_person(db, "Ученикова Аня", "mentee", school)
    await make_person(db, "Учеников Боря", "mentee", school)
    agent = await web.signed_in(curator)
    launched = await agent.post(
        "/admin/surveys",
        {
            "organisation": str(school),
            "survey": "intake_mentee",
            "role": "mentee",
            "deadline": "2026-09-20",
        },
    )
    wave = launched.headers["Location"].split("/surveys/", 1)[1].split("?", 1)[0]
    await agent.get(f"/admin/surveys/{wave}")
    assert "Скачать не ответивших (XLSX)" in agent.last_text
    assert "<td>не приступали</td>" in agent.last_text

    download = await agent.get(f"/admin/surveys/{wave}/non-responders.xlsx")
    assert download.status == 200
    assert download.headers["Content-Disposition"].startswith("attachment;")
    sheet = load_workbook(io.BytesIO(await download.read()), read_only=True).active
    assert sheet is not None
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == ["ФИО", "Организация", "Роль", "Состояние"]
    assert {r[0] for r in rows[1:]} == {"Ученикова Аня", "Учеников Боря"}
    assert all(r[1] == "МБОУ СОШ № 1" and r[3] == "не приступали" for r in rows[1:])


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


async def test_the_people_export_carries_consents_and_the_intake(
    web: AdminWeb, db: Database
) -> None:
    school_id = await make_school(db)
    curator = await make_person(db, "Кураторова Вера", "curator", school_id)
    pupil = await make_person(db, "Ученикова Аня", "mentee", school_id)
    async with db.begin() as conn:
        await people_store.set_birth_date(conn, pupil, date(2013, 3, 14))
    await submit(db, pupil, "intake_mentee", {"position": "pupil", "school_class": 7})
    agent = await web.signed_in(curator)
    download = await agent.get(f"/admin/people/export.xlsx?organisation={school_id}&role=mentee")
    sheet = load_workbook(io.BytesIO(await download.read()), read_only=True).active
    assert sheet is not None
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0][-2:] == ["Согласия", "Анкета"]
    assert rows[1][0] == "Ученикова Аня" and "7 класс" in rows[1]
    assert rows[1][-2:] == ["своё: нет; родителя: нужно", "заполнена"]
