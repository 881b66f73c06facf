"""A small school built by hand for the documents' tests: names chosen to be declined,
positions from the intake and from the school's own list, two orders, plans, meetings, a
partner organisation, a best practice. Every figure the tests expect follows from here.

Order «№ 12-о» of 1 October 2026 fixes three pairs (rows of the annex, in this order):
  Орлов Пётр Андреевич (10 класс)  → Белова Анна Сергеевна (7 класс), Ким Саша (8 класс)
  Иванов Иван Петрович (педагог)   → Соколова Мария Игоревна (молодой специалист)
  Смирнова Ольга Викторовна (инженер, ООО «Ромашка») → Зайцев Никита Олегович (9Б, from
  the school's list)
Order «№ 3-о» of 1 October 2025 fixed one pair, dissolved in December 2025.

By 30 May 2027 (school year 2026/27): Орлов's group held 3 meetings and its final one, both
plans approved (completed); Иванов's pair held 2 meetings, its 6-month plan approved and over
on 1 April 2027 (completed); Смирнова's pair held 1 meeting, its plan only submitted (not
completed), but she is a mentor of the partner ООО «Ромашка», which is thanked.

Headcounts 2026/27: 80 pupils aged 10–19 (2 entered → 2,5 %), 30 aged 15–19 (Орлов →
3,3 %), 4 young teachers (Соколова → 25 %). The mentees' satisfaction wave (deadline
25 May 2027) asked 4 and got 3 answers scored 90, 60 and 80: share ≥ 70 is 2 of 3 (66,7 %),
the mean 76,7.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import insert, update

from mentoring.documents.signers import set_head
from mentoring.stats.headcounts import set_headcounts
from storage import demo as demo_store
from storage import organisations as org_store
from storage import pairs as pair_store
from storage import people as people_store
from storage import practices as practice_store
from storage.db import Database
from storage.schema import (
    meetings,
    pairs,
    people_imports,
    plans,
    responses,
    survey_assignments,
    survey_waves,
)

ORDER_DAY = date(2026, 10, 1)
LETTERS_DAY = date(2027, 5, 30)
SCHOOL_NAME = "МБОУ «Средняя школа № 5»"
PARTNER_NAME = "ООО «Ромашка»"
_telegram = iter(range(61_000, 62_000))


@dataclass
class DocumentsSchool:
    school: int
    partner: int
    other_school: int
    ids: dict[str, int] = field(default_factory=dict)


async def _person(db: Database, name: str, org: int, role: str, born: date | None) -> int:
    async with db.begin() as conn:
        pid = await people_store.create(
            conn, telegram_id=next(_telegram), locale="ru", username=None, status="active"
        )
        await people_store.set_name(conn, pid, name, "active")
        await people_store.add_membership(conn, pid, org, role)
        if born is not None:
            await people_store.set_birth_date(conn, pid, born)
    return pid


async def _intake(db: Database, person_id: int, role: str, answers: dict[str, Any]) -> None:
    now = datetime(2026, 9, 10, tzinfo=UTC)
    async with db.begin() as conn:
        ids = await demo_store.next_ids(conn)
        response = {
            "id": ids["responses"],
            "assignment_id": None,
            "person_id": person_id,
            "survey_code": f"intake_{role}",
            "survey_version": 1,
            "state": "{}",
            "status": "submitted",
            "started_at": now,
            "updated_at": now,
            "submitted_at": now,
            "satisfaction_score": None,
        }
        await demo_store.insert_rows(conn, "responses", [response])
        rows = [
            {
                "id": ids["answers"] + n,
                "response_id": ids["responses"],
                "question_code": code,
                "value": value,
                "free_text": False,
                "answered_at": now,
            }
            for n, (code, value) in enumerate(answers.items())
        ]
        await demo_store.insert_rows(conn, "answers", rows)


async def _pair(
    db: Database, org: int, mentor: int, mentees: list[int], form: str, number: str, day: date
) -> int:
    async with db.begin() as conn:
        return await pair_store.create_pair(
            conn,
            organisation_id=org,
            mentor_id=mentor,
            mentee_ids=mentees,
            form=form,
            order_number=number,
            order_date=day,
            approved_by=None,
            fit_flag=True,
            now=datetime.combine(day, datetime.min.time(), UTC),
        )


async def _plan(db: Database, pair_id: int, mentee: int, months: int, status: str) -> None:
    now = datetime(2026, 10, 20, tzinfo=UTC)
    async with db.begin() as conn:
        await conn.execute(
            insert(plans).values(
                pair_id=pair_id,
                mentee_id=mentee,
                goals=["цель"],
                duration_months=months,
                activities=[],
                expected_results="результат",
                status=status,
                created_at=now,
                updated_at=now,
                approved_at=now if status == "approved" else None,
            )
        )


async def _meeting(db: Database, org: int, pair_id: int | None, kind: str, day: date) -> None:
    at = datetime.combine(day, datetime.min.time(), UTC).replace(hour=12)
    async with db.begin() as conn:
        await conn.execute(
            insert(meetings).values(
                organisation_id=org,
                pair_id=pair_id,
                kind=kind,
                starts_at=at,
                duration_minutes=45,
                place="каб. 12",
                status="held",
                created_at=at,
                updated_at=at,
            )
        )


async def build_documents_school(db: Database) -> DocumentsSchool:
    async with db.begin() as conn:
        school = await org_store.create(
            conn,
            name=SCHOOL_NAME,
            kind="school",
            municipality="г. Тула",
            region="Тульская область",
            timezone="Europe/Moscow",
        )
        partner = await org_store.create(
            conn,
            name=PARTNER_NAME,
            kind="partner",
            municipality="г. Тула",
            region="Тульская область",
            timezone="Europe/Moscow",
        )
        other = await org_store.create(
            conn,
            name="МБОУ «Лицей № 2»",
            kind="school",
            municipality="г. Тула",
            region="Тульская область",
            timezone="Europe/Moscow",
        )
    await set_head(db, school.id, name="Петрова Ирина Сергеевна", position="Директор")
    await set_head(db, partner.id, name="Кузнецов Олег Игоревич", position="Генеральный директор")
    built = DocumentsSchool(school.id, partner.id, other.id)
    ids = built.ids
    s = school.id
    ids["orlov"] = await _person(db, "Орлов Пётр Андреевич", s, "mentor", date(2010, 3, 1))
    ids["ivanov"] = await _person(db, "Иванов Иван Петрович", s, "mentor", None)
    ids["smirnova"] = await _person(db, "Смирнова Ольга Викторовна", s, "mentor", None)
    async with db.begin() as conn:
        await people_store.add_membership(conn, ids["smirnova"], partner.id, "mentor")
    ids["belova"] = await _person(db, "Белова Анна Сергеевна", s, "mentee", date(2013, 4, 2))
    ids["kim"] = await _person(db, "Ким Саша", s, "mentee", date(2012, 5, 3))
    ids["sokolova"] = await _person(db, "Соколова Мария Игоревна", s, "mentee", None)
    ids["zaitsev"] = await _person(db, "Зайцев Никита Олегович", s, "mentee", date(2011, 6, 4))
    ids["old_mentor"] = await _person(db, "Ершова Вера Павловна", s, "mentor", None)
    ids["old_mentee"] = await _person(db, "Лебедев Глеб", s, "mentee", date(2012, 1, 1))

    await _intake(db, ids["orlov"], "mentor", {"position": "senior_pupil", "school_class": 10})
    await _intake(db, ids["ivanov"], "mentor", {"position": "teacher", "experience_years": 20})
    await _intake(
        db,
        ids["smirnova"],
        "mentor",
        {"position": "employer", "workplace": "инженер, ООО «Ромашка»"},
    )
    await _intake(db, ids["belova"], "mentee", {"position": "pupil", "school_class": 7})
    await _intake(db, ids["kim"], "mentee", {"position": "pupil", "school_class": 8})
    await _intake(
        db, ids["sokolova"], "mentee", {"position": "young_teacher", "experience_years": 1}
    )
    await _intake(db, ids["zaitsev"], "mentee", {"position": "pupil", "school_class": 9})
    async with db.begin() as conn:  # the school's own list says «9Б»: it wins over the intake
        await conn.execute(
            insert(people_imports).values(
                person_id=ids["zaitsev"],
                organisation_id=s,
                class_or_position="9Б",
                imported_at=datetime(2026, 9, 1, tzinfo=UTC),
            )
        )

    old = await _pair(
        db, s, ids["old_mentor"], [ids["old_mentee"]], "student_student", "№ 3-о", date(2025, 10, 1)
    )
    async with db.begin() as conn:
        await conn.execute(
            update(pairs)
            .where(pairs.c.id == old)
            .values(status="dissolved", dissolved_at=datetime(2025, 12, 1, tzinfo=UTC))
        )
    group = await _pair(
        db, s, ids["orlov"], [ids["belova"], ids["kim"]], "student_student", "№ 12-о", ORDER_DAY
    )
    teachers = await _pair(
        db, s, ids["ivanov"], [ids["sokolova"]], "teacher_teacher", "№ 12-о", ORDER_DAY
    )
    employer = await _pair(
        db, s, ids["smirnova"], [ids["zaitsev"]], "employer_pupil", "№ 12-о", ORDER_DAY
    )
    ids.update(group=group, teachers=teachers, employer=employer, old_pair=old)
    await _plan(db, group, ids["belova"], 8, "approved")  # 01.10.2026 – 31.05.2027
    await _plan(db, group, ids["kim"], 8, "approved")
    await _plan(db, teachers, ids["sokolova"], 6, "approved")  # – 31.03.2027, over by May
    await _plan(db, employer, ids["zaitsev"], 9, "submitted")
    for day in (date(2026, 10, 10), date(2026, 11, 14)):
        await _meeting(db, s, group, "regular", day)
    await _meeting(db, s, group, "final", date(2027, 5, 20))
    await _meeting(db, s, teachers, "intro", date(2026, 10, 12))
    await _meeting(db, s, teachers, "planning", date(2026, 10, 26))
    await _meeting(db, s, employer, "intro", date(2026, 10, 15))
    async with db.begin() as conn:
        await practice_store.add(
            conn,
            organisation_id=s,
            person_id=None,
            title="Клуб юных инженеров",
            form="employer_pupil",
            link="https://school5.example.ru/practice?id=1&x=2",
            quarter="2026-Q3",
            now=datetime(2026, 9, 20, tzinfo=UTC),
        )
    await set_headcounts(
        db,
        s,
        2026,
        now=datetime(2026, 9, 5, tzinfo=UTC),
        pupils_10_19=80,
        pupils_15_19=30,
        young_teachers=4,
        teachers_under_35=10,
    )
    await _satisfaction(db, s, ids)
    return built


async def _satisfaction(db: Database, org: int, ids: dict[str, int]) -> None:
    at = datetime(2027, 5, 20, tzinfo=UTC)
    async with db.begin() as conn:
        wave = (
            await conn.execute(
                insert(survey_waves).values(
                    organisation_id=org,
                    survey_code="satisfaction_mentee",
                    role="mentee",
                    deadline=date(2027, 5, 25),
                    created_at=at,
                )
            )
        ).inserted_primary_key[0]
        for key, score in (("belova", 90.0), ("kim", 60.0), ("sokolova", 80.0), ("zaitsev", None)):
            assignment = (
                await conn.execute(
                    insert(survey_assignments).values(
                        person_id=ids[key],
                        survey_code="satisfaction_mentee",
                        wave_id=wave,
                        dedupe_key=f"satisfaction_mentee:{wave}:{ids[key]}",
                        status="pending" if score is None else "submitted",
                        created_at=at,
                    )
                )
            ).inserted_primary_key[0]
            if score is None:
                continue
            await conn.execute(
                insert(responses).values(
                    assignment_id=assignment,
                    person_id=ids[key],
                    survey_code="satisfaction_mentee",
                    survey_version=1,
                    state="{}",
                    status="submitted",
                    started_at=at,
                    updated_at=at,
                    submitted_at=at,
                    satisfaction_score=score,
                )
            )
