"""Meetings by type, pairs by form, the pair list and impact monitoring, counted by hand;
the XLSX sheets that show them; the period buttons of /stats."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import insert

from bot.callbacks import StatsCallback
from bot.i18n import load_translator
from handlers.stats import summary_text
from mentoring.stats import build_report, parse_period
from mentoring.stats_activity import period_choices
from reports.data import FormStats, PairRow, StatsReport
from reports.xlsx import analytical_report
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
from tests.chat import ChatUser
from tests.factories import make_invite, make_school
from tests.test_curator_surveys import register

NOW = datetime(2026, 10, 1, tzinfo=UTC)
NewUser = Callable[..., ChatUser]


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


async def test_meetings_per_type_and_pairs_by_form(db: Database) -> None:
    school, lyceum = await programme(db)
    result = await report(db, frozenset({school, lyceum}))
    assert result.total.meetings_held_by_type == {"intro": 2, "regular": 3, "group_final": 1}
    by_org = {org.name: org.meetings_held_by_type for org in result.by_organisation}
    assert by_org == {
        "Школа": {"intro": 2, "regular": 2, "group_final": 1},
        "Лицей": {"regular": 1},
    }
    assert result.by_form == (
        FormStats("student_student", 1, 2, 0, 3, 4),
        FormStats("teacher_teacher", 0, 0, 1, 0, 1),
        FormStats("employer_pupil", 1, 1, 0, 1, 0),
    )
    assert (result.pairs, result.impact) == ((), ())  # only the detailed report reads them


async def test_pair_list_and_impact_before_and_after(db: Database) -> None:
    school, lyceum = await programme(db)
    result = await report(db, frozenset({school, lyceum}), details=True)
    assert result.pairs == (
        PairRow(
            "Школа", "Петрова Ольга", ("Васильев Василий",), "teacher_teacher", "12-о",
            date(2025, 10, 1), "dissolved",
        ),
        PairRow(
            "Школа", "Иванова Анна", ("Алексеев Алексей", "Борисов Борис"), "student_student",
            "5-о", date(2026, 9, 15), "active",
        ),
        PairRow("Школа", "", ("Егоров Егор",), "employer_pupil", "7-о", date(2026, 10, 1), "active"),
        PairRow(
            "Лицей", "Сидоров Пётр", ("Григорьев Григорий",), "student_student", "3",
            date(2025, 10, 1), "active",
        ),
    )  # fmt: skip
    impact = {i.item_code: (i.mean_before, i.mean_after, i.change, i.n) for i in result.impact}
    # Before: 4, 6, 2, 8 (the draft and the other school's intake left out); after: 7, 8, 5
    # (last year's wave left out); both stages: the first two mentees.
    assert impact["mentee.confidence"] == pytest.approx((5.0, 20 / 3, 5 / 3, 2))
    assert impact["mentee.goals"] == pytest.approx((6.0, 9.0, 3.0, 1))
    assert set(impact) == {"mentee.confidence", "mentee.goals"}


async def test_one_school_sees_only_its_own(db: Database) -> None:
    _, lyceum = await programme(db)
    result = await report(db, frozenset({lyceum}), details=True)
    assert result.total.meetings_held_by_type == {"regular": 1}
    assert result.by_form == (FormStats("student_student", 0, 1, 0, 1, 1),)
    assert [p.mentor for p in result.pairs] == ["Сидоров Пётр"]
    impact = {i.item_code: (i.mean_before, i.mean_after, i.n) for i in result.impact}
    assert impact == {"mentee.confidence": (8.0, None, 0)}


async def test_xlsx_and_summary_show_the_activity(db: Database) -> None:
    school, lyceum = await programme(db)
    t = load_translator().bind("ru")
    result = await report(db, frozenset({school, lyceum}), details=True)
    book = load_workbook(io.BytesIO(analytical_report(result, t)))

    pair_rows = list(book["Пары"].iter_rows(min_row=2, values_only=True))
    assert len(pair_rows) == 4
    assert pair_rows[1][:5] == (
        "Школа",
        "Иванова Анна",
        "Алексеев Алексей, Борисов Борис",
        "ученик — ученик",
        "5-о",
    )
    assert pair_rows[1][5].date() == date(2026, 9, 15) and pair_rows[1][6] == "действует"
    assert pair_rows[2][1] == "данные удалены"

    by_form = list(book["По формам"].iter_rows(values_only=True))
    assert by_form[0][0] == "Форма" and by_form[1] == ("ученик — ученик", 1, 2, 0, 3, 4)

    meeting_rows = list(book["Встречи"].iter_rows(values_only=True))
    assert meeting_rows[0] == ("Организация", "Итоговая общая", "Знакомство", "Регулярная", "Всего")
    assert meeting_rows[1] == ("Итого", 1, 2, 3, 6)

    impact = list(book["Динамика"].iter_rows(min_row=2, values_only=True))
    assert impact[0][0] == "Уверенность (наставляемые)"
    assert impact[0][1:] == pytest.approx((5.0, 20 / 3, 5 / 3, 2))

    text = summary_text(result, t)
    assert "• ученик — ученик: пар 2 (сформировано 1, распалось 0)" in text
    assert "наставляемых 3, встреч 4" in text


def test_period_choices() -> None:
    assert period_choices(date(2026, 2, 10)) == [
        ("school_year", "2025"),
        ("previous_school_year", "2024"),
        ("half_year", "2026-H1"),
        ("quarter", "2026-Q1"),
        ("previous_quarter", "2025-Q4"),
    ]
    assert [code for _, code in period_choices(date(2026, 10, 1))][2:] == [
        "2026-H2",
        "2026-Q4",
        "2026-Q3",
    ]
    assert all(parse_period(code) for _, code in period_choices(date(2027, 1, 1)))


async def test_period_buttons_carry_the_period(db: Database, new_user: NewUser) -> None:
    school = await make_school(db)
    curator = new_user("Куратор")
    await register(curator, await make_invite(db, school, "curator"), "Кураторова Елена")
    replies = await curator.send("/stats")
    await curator.press(replies[-1], "Период")
    menu = curator.last()
    labels = [b.text for row in menu.reply_markup.inline_keyboard for b in row]  # type: ignore[union-attr]
    assert len(labels) == 5 and labels[0].startswith("Этот учебный год")
    previous_quarter = next(label for label in labels if label.startswith("Прошлый квартал"))
    button = next(
        b for row in menu.reply_markup.inline_keyboard for b in row if b.text == previous_quarter
    )  # type: ignore[union-attr]
    code = StatsCallback.unpack(button.callback_data or "").period  # "2026-Q1": data, not text
    period = parse_period(code)
    assert period is not None
    shown = previous_quarter.split("(")[1].rstrip(")")  # «I квартал 2026»: words, not the code
    assert "квартал" in shown and code not in previous_quarter

    replies = await curator.press(menu, previous_quarter)
    assert shown in (replies[0].text or "") and code not in (replies[0].text or "")
    for row in replies[-1].reply_markup.inline_keyboard:  # type: ignore[union-attr]
        for button in row:
            data = button.callback_data or ""
            assert len(data.encode()) <= 64
            assert StatsCallback.unpack(data).period == code
    await curator.press(replies[-1], "Отчёт XLSX")
    document = curator.session.of("SendDocument")[-1]["document"]
    assert code in document.filename
    method = dict(load_workbook(io.BytesIO(document.data))["Методика"].iter_rows(values_only=True))
    assert method["Период"] == shown


async def test_forged_period_is_refused(db: Database, new_user: NewUser) -> None:
    school = await make_school(db)
    curator = new_user("Куратор")
    await register(curator, await make_invite(db, school, "curator"), "Кураторова Елена")
    replies = await curator.send("/stats")
    photos = len(curator.session.of("SendPhoto"))
    for forged in ("2026-Q9", "soon", "2026-H3", "9999"):
        data = StatsCallback(action="xlsx", org=school, period=forged).pack()
        await curator.press_data(replies[-1], data)
        data = StatsCallback(action="show", org=0, period=forged).pack()
        await curator.press_data(replies[-1], data)
    assert curator.session.of("SendDocument") == []
    assert len(curator.session.of("SendPhoto")) == photos
    refusals = [a for a in curator.callback_answers() if "Такого периода нет" in str(a.get("text"))]
    assert len(refusals) == 8
