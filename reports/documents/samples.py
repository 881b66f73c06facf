"""A made-up school with every field filled: the context an uploaded template must render
with before it is accepted (and the data of the template reference in README)."""

from __future__ import annotations

import base64
from datetime import UTC, date, datetime
from typing import Any

from i18n import Texts
from reports.data import (
    KPI_CODES,
    FormStats,
    ImpactItem,
    KpiValue,
    OrganisationStats,
    SatisfactionFigures,
    StatsReport,
)
from reports.documents.data import (
    CasesReport,
    Letters,
    MentorThanks,
    Note,
    Order,
    OrderRow,
    Participants,
    PartnerThanks,
    PracticesReport,
    School,
    Signatory,
)
from storage.cases import CaseRow
from storage.practices import PracticeRow

__all__ = [
    "sample_cases",
    "sample_context",
    "sample_letters",
    "sample_note",
    "sample_order",
    "sample_practices",
]

DAY = date(2026, 10, 1)
SCHOOL = School(
    "МБОУ «Средняя школа № 1»",
    "г. Тула",
    "Тульская область",
    Signatory("Петрова Ирина Сергеевна", "Директор"),
)
# A 1×1 PNG: the sample's chart, so that checking a template draws nothing.
DOT_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


CASES = (
    CaseRow(
        SCHOOL.name,
        "Иванов Иван Петрович",
        "student_student",
        1,
        "Подготовить проект к городской конференции",
        "Восемь встреч: тема, план исследования, опыты, репетиции выступления",
        "Проект занял второе место на конференции «Шаг в будущее»",
        2,
        2026,
    ),
)


def sample_order() -> Order:
    rows = (
        OrderRow(
            "Иванов Иван Петрович",
            "учитель",
            "Белова Анна Сергеевна",
            "7 класс",
            "student_student",
            DAY,
            date(2027, 5, 31),
        ),
        OrderRow(
            "Иванов Иван Петрович",
            "учитель",
            "Ким Саша",
            "8 класс",
            "student_student",
            DAY,
            date(2027, 5, 31),
        ),
        OrderRow(
            "Смирнова Ольга Викторовна",
            "инженер",
            "Орлов Пётр",
            "10 класс",
            "employer_pupil",
            DAY,
            date(2027, 3, 31),
        ),
    )
    return Order(SCHOOL, "№ 12-о", DAY, 2026, rows, pairs=2)


def sample_letters() -> Letters:
    return Letters(
        SCHOOL,
        2026,
        date(2027, 5, 31),
        (
            MentorThanks(
                "Иванов Иван Петрович", ("Белова Анна", "Ким Саша"), ("student_student",), 9
            ),
            MentorThanks("Смирнова Ольга Викторовна", ("Орлов Пётр",), ("employer_pupil",), 6),
        ),
        (
            PartnerThanks(
                "ООО «Ромашка»",
                Signatory("Кузнецов Олег Игоревич", "Директор"),
                ("Смирнова Ольга Викторовна",),
            ),
            PartnerThanks("АО «Тульский завод»", Signatory(), ("Орлова Анна Петровна",)),
        ),
    )


def _figures(role: str, share: float) -> SatisfactionFigures:
    return SatisfactionFigures(
        role="mentee" if role == "mentee" else "mentor",
        method="share",
        threshold=70.0,
        satisfaction_pct=share,
        mean_normalised=76.4,
        mean_raw=7.9,
        respondents=18,
        asked=20,
        response_rate_pct=90.0,
    )


def _organisation(org_id: int | None, name: str) -> OrganisationStats:
    values = (72.5, 8.0, None, 40.0, 88.9, 83.3, 100.0)
    kpis = tuple(
        KpiValue(code, value, 29 if value is not None else 0, 40 if value is not None else 0, 70.0)
        for code, value in zip(KPI_CODES, values, strict=True)
    )
    return OrganisationStats(
        org_id,
        name,
        kpis,
        _figures("mentee", 88.9),
        _figures("mentor", 83.3),
        12,
        11,
        1,
        {"intro": 11, "planning": 10, "regular": 40, "final": 3},
    )


def sample_note() -> Note:
    report = StatsReport(
        scope_label="г. Тула",
        period_label="2026-H2",
        generated_at=datetime(2026, 12, 28, 9, 0, tzinfo=UTC),
        method="share",
        threshold=70.0,
        total=_organisation(None, "г. Тула"),
        by_organisation=(_organisation(1, SCHOOL.name), _organisation(2, "МБОУ «Лицей № 2»")),
        impact=(ImpactItem("mentee.confidence", 5.2, 7.4, 2.2, 15),),
        by_form=(
            FormStats("student_student", 8, 8, 1, 9, 40),
            FormStats("employer_pupil", 4, 3, 0, 3, 24),
        ),
    )
    return Note(
        SCHOOL.name,
        report,
        Participants(11, 12),
        date(2026, 12, 28),
        SCHOOL.head,
        2,
        CASES,
    )


def sample_practices() -> PracticesReport:
    rows = (
        PracticeRow(
            SCHOOL.name,
            "2026-Q3",
            "Клуб юных исследователей",
            "student_student",
            "https://school1.example.ru/mentoring",
        ),
    )
    return PracticesReport(SCHOOL.name, "2026-Q3", date(2026, 10, 5), rows, DAY, SCHOOL.head, CASES)


def sample_cases() -> CasesReport:
    return CasesReport(SCHOOL.name, 2026, CASES, DAY, SCHOOL.head)


def sample_context(kind: str, t: Texts) -> dict[str, Any]:
    """The context the document of `kind` gets, from the sample data."""
    from reports.documents import cases, letters, note, order, practices

    if kind == "order":
        return order.order_context(sample_order(), t)
    if kind == "letters":
        return letters.letters_context(sample_letters(), t)
    if kind == "note":
        return note.note_context(sample_note(), t, DOT_PNG)
    if kind == "practices":
        return practices.practices_context(sample_practices(), t)
    if kind == "cases":
        return cases.cases_context(sample_cases(), t)
    raise ValueError(f"unknown document kind {kind!r}")
