"""Meetings by type, pairs by form, the pair list and impact monitoring, counted by hand."""

from __future__ import annotations

from datetime import date

import pytest

from reports.data import FormStats, PairRow
from storage.db import Database
from tests.stats_programme import programme, report


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
