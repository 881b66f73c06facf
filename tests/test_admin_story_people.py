"""The back office tells the whole story (#12): names instead of codes, who chose whom,
the audit log, the people list and the exports."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from typing import Any

from openpyxl import load_workbook

from storage import audit
from storage import consents as consent_store
from storage import demo as demo_store
from storage import people as people_store
from storage.db import Database
from tests.admin_web import AdminWeb, make_person
from tests.factories import make_school

NOW = datetime(2026, 9, 1, 9, 0, tzinfo=UTC)


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
