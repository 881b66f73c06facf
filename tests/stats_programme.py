"""A school year of pairs, meetings and answers in two schools, written straight into the
tables, and the report over it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import insert

from mentoring.stats.kpis import build_report, parse_period
from reports.data import StatsReport
from storage.db import Database
from storage.schema import (
    answers,
    meetings,
    memberships,
    organisations,
    pair_mentees,
    pairs,
    people,
    responses,
    survey_assignments,
    survey_waves,
)

NOW = datetime(2026, 10, 1, tzinfo=UTC)


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


async def _insert(conn: Any, table: Any, **values: Any) -> int:
    return int((await conn.execute(insert(table).values(**values))).inserted_primary_key[0])


async def _org(conn: Any, name: str) -> int:
    return await _insert(
        conn, organisations, name=name, kind="school", timezone="Europe/Moscow", created_at=NOW
    )


async def _person(conn: Any, org: int, role: str, name: str | None) -> int:
    pid = await _insert(
        conn,
        people,
        full_name=name,
        status="active" if name else "forgotten",
        created_at=NOW,
        updated_at=NOW,
    )
    await _insert(conn, memberships, person_id=pid, organisation_id=org, role=role, created_at=NOW)
    return pid


async def _pair(
    conn: Any,
    org: int,
    mentor: int,
    mentees: list[int],
    form: str,
    *,
    approved: date,
    dissolved: date | None = None,
    order: str = "",
) -> int:
    pair = await _insert(
        conn,
        pairs,
        organisation_id=org,
        mentor_id=mentor,
        form=form,
        status="dissolved" if dissolved else "active",
        order_number=order,
        order_date=approved,
        approved_at=at(approved),
        dissolved_at=None if dissolved is None else at(dissolved),
        fit_flag=True,
    )
    for mentee in mentees:
        await _insert(conn, pair_mentees, pair_id=pair, mentee_id=mentee)
    return pair


async def _meeting(
    conn: Any, org: int, pair: int | None, kind: str, day: date, status: str = "held"
) -> None:
    await _insert(
        conn,
        meetings,
        organisation_id=org,
        pair_id=pair,
        kind=kind,
        starts_at=at(day),
        duration_minutes=45,
        place="каб. 12",
        status=status,
        created_at=NOW,
        updated_at=NOW,
    )


async def _response(
    conn: Any,
    person: int,
    code: str,
    values: dict[str, Any],
    *,
    wave: int | None = None,
    status: str = "submitted",
) -> None:
    assignment = None
    if wave is not None:
        assignment = await _insert(
            conn,
            survey_assignments,
            person_id=person,
            survey_code=code,
            wave_id=wave,
            dedupe_key=f"{code}:{wave}:{person}",
            status=status,
            created_at=NOW,
        )
    response = await _insert(
        conn,
        responses,
        assignment_id=assignment,
        person_id=person,
        survey_code=code,
        survey_version=1,
        state="{}",
        status=status,
        started_at=NOW,
        updated_at=NOW,
        submitted_at=NOW if status == "submitted" else None,
        # Scored at submission as the survey engine does; the value plays no part here.
        satisfaction_score=50.0 if code.startswith("satisfaction") else None,
    )
    for question, value in values.items():
        await _insert(
            conn,
            answers,
            response_id=response,
            question_code=question,
            value=value,
            answered_at=NOW,
        )


async def _wave(conn: Any, org: int, deadline: date) -> int:
    return await _insert(
        conn,
        survey_waves,
        organisation_id=org,
        survey_code="satisfaction_mentee",
        role="mentee",
        deadline=deadline,
        created_at=NOW,
    )


async def programme(db: Database) -> tuple[int, int]:
    """Two schools in the school year 2026/27; the comments say what each row is for."""
    async with db.begin() as conn:
        school = await _org(conn, "Школа")
        lyceum = await _org(conn, "Лицей")
        elsewhere = await _org(conn, "Чужая школа")
        m1 = await _person(conn, school, "mentee", "Борисов Борис")
        m2 = await _person(conn, school, "mentee", "Алексеев Алексей")
        m3 = await _person(conn, school, "mentee", "Васильев Василий")
        m4 = await _person(conn, lyceum, "mentee", "Григорьев Григорий")
        m5 = await _person(conn, school, "mentee", "Дмитриев Дмитрий")
        m6 = await _person(conn, school, "mentee", "Егоров Егор")
        stranger = await _person(conn, elsewhere, "mentee", "Чужой Человек")
        mentor1 = await _person(conn, school, "mentor", "Иванова Анна")
        mentor2 = await _person(conn, school, "mentor", "Петрова Ольга")
        mentor3 = await _person(conn, lyceum, "mentor", "Сидоров Пётр")
        mentor4 = await _person(conn, school, "mentor", "Кузнецов Иван")
        forgotten = await _person(conn, school, "mentor", None)  # erased by /forget
        # Formed in the period, active.
        p1 = await _pair(
            conn,
            school,
            mentor1,
            [m1, m2],
            "student_student",
            approved=date(2026, 9, 15),
            order="5-о",
        )
        # Formed last year, dissolved in the period.
        p2 = await _pair(
            conn,
            school,
            mentor2,
            [m3],
            "teacher_teacher",
            approved=date(2025, 10, 1),
            dissolved=date(2026, 11, 1),
            order="12-о",
        )
        # Formed last year, still active.
        p3 = await _pair(
            conn,
            lyceum,
            mentor3,
            [m4],
            "student_student",
            approved=date(2025, 10, 1),
            order="3",
        )
        # Dissolved last year: neither listed nor counted.
        await _pair(
            conn,
            school,
            mentor4,
            [m5],
            "teacher_teacher",
            approved=date(2025, 1, 10),
            dissolved=date(2025, 6, 1),
            order="1",
        )
        # The mentor has been erased; the pair stays.
        await _pair(
            conn,
            school,
            forgotten,
            [m6],
            "employer_pupil",
            approved=date(2026, 10, 1),
            order="7-о",
        )
        # No order yet: not an approved pair.
        await _pair(conn, school, mentor4, [m5], "head_teacher", approved=date(2026, 10, 2))

        await _meeting(conn, school, p1, "intro", date(2026, 9, 20))
        await _meeting(conn, school, p1, "regular", date(2026, 10, 1))
        await _meeting(conn, school, p1, "regular", date(2026, 10, 8))
        await _meeting(conn, school, p1, "regular", date(2026, 10, 15), status="cancelled")
        await _meeting(conn, school, p1, "regular", date(2026, 8, 1))  # before the period
        await _meeting(conn, school, p2, "intro", date(2026, 9, 25))
        await _meeting(conn, school, None, "group_final", date(2027, 5, 20))
        await _meeting(conn, lyceum, p3, "regular", date(2026, 12, 1))

        # Baselines: submitted intakes of the people in scope.
        await _response(conn, m1, "intake_mentee", {"confidence": 4, "goals_clarity": 6})
        await _response(conn, m2, "intake_mentee", {"confidence": 6, "goals_clarity": None})
        await _response(conn, m3, "intake_mentee", {"confidence": 2})
        await _response(conn, m4, "intake_mentee", {"confidence": 8})
        await _response(conn, m5, "intake_mentee", {"confidence": 10}, status="in_progress")
        await _response(conn, stranger, "intake_mentee", {"confidence": 10})
        # The final stage: satisfaction responses in waves with the deadline in the period.
        wave = await _wave(conn, school, date(2027, 5, 31))
        await _response(
            conn, m1, "satisfaction_mentee", {"confidence": 7, "goals_clarity": 9}, wave=wave
        )
        await _response(conn, m2, "satisfaction_mentee", {"confidence": 8}, wave=wave)
        await _response(conn, m6, "satisfaction_mentee", {"confidence": 5}, wave=wave)
        old_wave = await _wave(conn, school, date(2026, 6, 1))
        await _response(conn, m3, "satisfaction_mentee", {"confidence": 10}, wave=old_wave)
    return school, lyceum


async def report(db: Database, ids: frozenset[int], *, details: bool = False) -> StatsReport:
    period = parse_period("2026")
    assert period is not None
    return await build_report(db, ids, period, scope_label="Тула", now=NOW, details=details)
