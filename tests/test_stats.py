"""KPIs, satisfaction and response rates of a hand-built programme, counted by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import insert

from mentoring.stats.kpis import build_report, parse_period
from reports.data import StatsReport
from storage import headcounts as headcount_store
from storage.db import Database
from storage.headcounts import Headcount
from storage.schema import (
    answers,
    memberships,
    organisations,
    pair_mentees,
    pairs,
    people,
    plans,
    responses,
    survey_assignments,
    survey_waves,
)

NOW = datetime(2026, 10, 1, tzinfo=UTC)


async def _insert(conn: Any, table: Any, **values: Any) -> int:
    return int((await conn.execute(insert(table).values(**values))).inserted_primary_key[0])


async def _person(conn: Any, org: int, role: str, born: date | None) -> int:
    pid = await _insert(
        conn,
        people,
        full_name=f"{role} {born}",
        birth_date=born,
        status="active",
        created_at=NOW,
        updated_at=NOW,
    )
    await _insert(conn, memberships, person_id=pid, organisation_id=org, role=role, created_at=NOW)
    return pid


async def _pair(conn: Any, org: int, mentor: int, mentees: dict[int, str], form: str) -> None:
    pair = await _insert(
        conn,
        pairs,
        organisation_id=org,
        mentor_id=mentor,
        form=form,
        status="active",
        order_number="№ 5-о",
        order_date=date(2026, 9, 15),
        approved_at=NOW,
        fit_flag=True,
    )
    for mentee, plan_status in mentees.items():
        await _insert(conn, pair_mentees, pair_id=pair, mentee_id=mentee)
        await _insert(
            conn,
            plans,
            pair_id=pair,
            mentee_id=mentee,
            goals=[],
            duration_months=6,
            activities=[],
            expected_results="",
            status=plan_status,
            created_at=NOW,
            updated_at=NOW,
        )


async def _intake(conn: Any, person: int, position: str, years: int) -> None:
    response = await _insert(
        conn,
        responses,
        person_id=person,
        survey_code="intake_mentee",
        survey_version=1,
        state="{}",
        status="submitted",
        started_at=NOW,
        updated_at=NOW,
        submitted_at=NOW,
    )
    for code, value in (("position", position), ("experience_years", years)):
        await _insert(
            conn, answers, response_id=response, question_code=code, value=value, answered_at=NOW
        )


async def _wave(conn: Any, org: int, code: str, scores: list[float | str | None]) -> None:
    """One assignment per entry: a score (submitted), None (submitted, unscored), "pending"."""
    wave = await _insert(
        conn,
        survey_waves,
        organisation_id=org,
        survey_code=code,
        role="mentee",
        deadline=date(2026, 12, 1),
        created_at=NOW,
    )
    for n, score in enumerate(scores):
        person = await _person(conn, org, "mentee", None)
        status = "pending" if score == "pending" else "submitted"
        assignment = await _insert(
            conn,
            survey_assignments,
            person_id=person,
            survey_code=code,
            wave_id=wave,
            dedupe_key=f"{code}:{wave}:{n}",
            status=status,
            created_at=NOW,
        )
        if status == "submitted":
            await _insert(
                conn,
                responses,
                assignment_id=assignment,
                person_id=person,
                survey_code=code,
                survey_version=1,
                state="{}",
                status="submitted",
                started_at=NOW,
                updated_at=NOW,
                submitted_at=NOW,
                satisfaction_score=score,
            )


async def programme(db: Database) -> tuple[int, int]:
    async with db.begin() as conn:
        school = await _insert(
            conn,
            organisations,
            name="Школа",
            kind="school",
            timezone="Europe/Moscow",
            created_at=NOW,
        )
        partner = await _insert(
            conn,
            organisations,
            name="Завод",
            kind="partner",
            timezone="Europe/Moscow",
            created_at=NOW,
        )
        pupil_12 = await _person(conn, school, "mentee", date(2015, 1, 1))
        pupil_14_no_plan = await _person(conn, school, "mentee", date(2013, 1, 1))
        adult_20 = await _person(conn, school, "mentee", date(2006, 1, 1))
        young_2y = await _person(conn, school, "mentee", date(1999, 1, 1))
        young_5y = await _person(conn, school, "mentee", date(1996, 1, 1))
        await _intake(conn, young_2y, "young_teacher", 2)
        await _intake(conn, young_5y, "young_teacher", 5)
        senior_pupil = await _person(conn, school, "mentor", date(2011, 1, 1))
        teacher = await _person(conn, school, "mentor", date(1980, 1, 1))
        engineer = await _person(conn, partner, "mentor", date(1990, 1, 1))
        await _pair(
            conn,
            school,
            senior_pupil,
            {pupil_12: "approved", pupil_14_no_plan: "draft"},
            "student_student",
        )
        await _pair(
            conn, school, teacher, {young_2y: "approved", young_5y: "approved"}, "teacher_teacher"
        )
        await _pair(conn, school, engineer, {adult_20: "approved"}, "employer_pupil")
        await _wave(conn, school, "satisfaction_mentee", [80.0, 60.0, 70.0, "pending"])
        await _wave(conn, school, "satisfaction_mentor", [90.0, "pending"])
        await headcount_store.set_headcount(conn, Headcount(school, 2026, 10, 5, 4, 6, None), NOW)
    return school, partner


async def report(db: Database, ids: frozenset[int] | None, **kwargs: Any) -> StatsReport:
    period = parse_period("2026")
    assert period is not None
    return await build_report(db, ids, period, scope_label="Тула", now=NOW, **kwargs)


def kpis(result: StatsReport) -> dict[str, tuple[float | None, int, int, float]]:
    return {
        k.code: (k.value_pct, k.numerator, k.denominator, k.target_pct) for k in result.total.kpis
    }


async def test_every_kpi_equals_the_hand_count(db: Database) -> None:
    school, partner = await programme(db)
    result = kpis(await report(db, frozenset({school, partner})))
    # Entered: the 12-year-old (10–19), the 20-year-old (not), two young teachers; the
    # 14-year-old has no approved plan, so he is not in the programme.
    assert result["mentees_10_19"] == (10.0, 1, 10, 70.0)
    # Mentors of approved pairs: the 16-year-old senior pupil only is 15–19.
    assert result["mentors_15_19"] == (20.0, 1, 5, 10.0)
    assert result["young_specialists"] == (25.0, 1, 4, 70.0)  # 2 years yes, 5 years no
    assert result["partner_orgs"] == (100.0, 1, 1, 30.0)
    assert result["schools_teacher_model"] == (100.0, 1, 1, 100.0)  # the partner is no school
    # Share ≥ 70 of the scored: 80 and 70 of 80, 60, 70.
    assert result["mentee_satisfaction"][:3] == pytest.approx((200 / 3, 2, 3))
    assert result["mentor_satisfaction"] == (100.0, 1, 1, 85.0)


async def test_satisfaction_share_and_mean_with_response_rates(db: Database) -> None:
    school, _ = await programme(db)
    share = await report(db, frozenset({school}))
    mentee = share.total.mentee_satisfaction
    assert (mentee.respondents, mentee.asked) == (3, 4)
    assert mentee.response_rate_pct == 75.0
    assert mentee.satisfaction_pct == pytest.approx(200 / 3)
    assert mentee.mean_normalised == pytest.approx(70.0)
    assert mentee.mean_raw == pytest.approx(1 + 0.7 * 9)
    assert sum(count for _, _, count in mentee.distribution) == 3

    mean = await report(db, frozenset({school}), method="mean")
    assert mean.total.mentee_satisfaction.satisfaction_pct == pytest.approx(70.0)
    strict = await report(db, frozenset({school}), threshold=75.0)
    assert strict.total.mentee_satisfaction.satisfaction_pct == pytest.approx(100 / 3)

    rates = {(r.survey_title, r.asked, r.answered) for r in share.response_rates}
    assert rates == {  # the questionnaires' titles, never their codes
        ("Итоги программы: взгляд наставляемого", 4, 3),
        ("Итоги программы: взгляд наставника", 2, 1),
    }
    assert (share.total.pairs_formed, share.total.pairs_active) == (3, 3)


async def test_no_headcount_means_no_value_and_targets_follow_overrides(db: Database) -> None:
    from mentoring.stats.targets import default_targets, set_target

    school, _ = await programme(db)
    period = parse_period("2025")
    assert period is not None
    await set_target(db, "mentees_10_19", 2025, 75.0, NOW)
    result = await build_report(db, frozenset({school}), period, scope_label="x", now=NOW)
    first = result.total.kpis[0]
    assert (first.value_pct, first.denominator, first.target_pct) == (None, 0, 75.0)
    assert default_targets(2023)["young_specialists"] == 80.0  # the 2021 order's ladder
    assert default_targets(2026)["young_specialists"] == 70.0


def test_periods() -> None:
    q3 = parse_period("2026-Q3")
    h1 = parse_period("2026-h1")
    assert q3 is not None and (q3.start, q3.end, q3.school_year) == (
        date(2026, 7, 1),
        date(2026, 9, 30),
        2026,
    )
    assert h1 is not None and (h1.start, h1.end, h1.school_year) == (
        date(2026, 1, 1),
        date(2026, 6, 30),
        2025,
    )
    assert parse_period("2026-H3") is None and parse_period("soon") is None


async def test_a_submitted_response_without_a_score_counts_as_a_respondent_only(
    db: Database,
) -> None:
    school, _ = await programme(db)
    async with db.begin() as conn:
        await _wave(conn, school, "satisfaction_mentor", [None, 100.0])
    mentor = (await report(db, frozenset({school}))).total.mentor_satisfaction
    assert (mentor.respondents, mentor.asked) == (3, 4)  # 90, none, 100 of four asked
    assert mentor.satisfaction_pct == 100.0  # of the two scored
    assert sum(count for _, _, count in mentor.distribution) == 2
    assert mentor.distribution[-1][2] == 2  # 90 and 100 share the last bucket
