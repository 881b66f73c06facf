"""The analytical note (аналитическая справка) as a coordinator opens it in Excel."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest
import yaml
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook

from reports.data import (
    ImpactItem,
    OrganisationStats,
    PairRow,
    PracticeRow,
    ResponseRate,
    StatsReport,
)
from reports.xlsx import analytical_report
from tests.test_reports_charts import LOCALES, _flatten, figures, kpis, organisation, texts

SHEETS_RU = [
    "KPI",
    "Удовлетворённость",
    "Анкеты",
    "Пары",
    "По формам",
    "Встречи",
    "Динамика",
    "Практики",
    "Методика",
]


def stats_report(*orgs: OrganisationStats) -> StatsReport:
    total = OrganisationStats(
        organisation_id=None,
        name="Все",
        kpis=kpis(),
        mentee_satisfaction=figures("mentee", 86.0),
        mentor_satisfaction=figures("mentor", 92.5),
        pairs_formed=10,
        pairs_active=8,
        pairs_dissolved=2,
        meetings_held_by_type={"intro": 10, "regular": 24, "webinar": 1},
    )
    return StatsReport(
        scope_label="Городской округ Ёлкино",
        period_label="2026/27 учебный год, I полугодие",
        generated_at=datetime(2026, 12, 1, 9, 30, tzinfo=UTC),
        method="share",
        threshold=70.0,
        total=total,
        by_organisation=orgs,
        response_rates=(
            ResponseRate(7, "Школа № 1", "Итоговая анкета", date(2026, 11, 30), 20, 15, 3),
        ),
        pairs=(
            PairRow(
                "Школа № 1",
                "Иванова А. А.",
                ("Петров П.", "Сидоров С."),
                "ученик–ученик",
                "12-п",
                date(2026, 9, 15),
                "approved",
            ),
            PairRow(
                "Школа № 1",
                "Смирнов Б. Б.",
                ("Кузнецова К.",),
                "учитель–учитель",
                None,
                None,
                "proposed",
            ),
        ),
        impact=(ImpactItem("Уверенность", 3.1, 4.2, 1.1, 30),),
        practices=(
            PracticeRow(
                "Школа № 1",
                "2026-Q3",
                "Клуб наставников",
                "ученик–ученик",
                "https://example.org/practice",
            ),
        ),
    )


def read(report: StatsReport, t: Callable[..., str] | None = None) -> Workbook:
    return load_workbook(io.BytesIO(analytical_report(report, t or texts("ru"))))


def rows(book: Workbook, sheet: str) -> list[tuple[Any, ...]]:
    return list(book[sheet].iter_rows(values_only=True))


def test_workbook_has_every_sheet_with_bold_frozen_headers() -> None:
    book = read(stats_report(organisation(1), organisation(2)))
    assert book.sheetnames == SHEETS_RU
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2"
        headers = [cell for cell in sheet[1] if cell.value is not None]
        assert headers and all(cell.font.bold for cell in headers), sheet.title
        assert sheet.column_dimensions["A"].width >= 10
    assert rows(book, "KPI")[0] == (
        "Организация",
        "Показатель",
        "Значение",
        "Числитель",
        "Знаменатель",
        "Цель",
        "Выполнено",
    )


def test_kpi_totals_equal_the_input_and_percentages_are_numbers() -> None:
    report = stats_report(organisation(1))
    sheet = read(report)["KPI"]
    total_rows = [row for row in sheet.iter_rows(min_row=2) if row[0].value == "Итого"]
    assert len(total_rows) == len(report.total.kpis)
    for row, kpi in zip(total_rows, report.total.kpis, strict=True):
        value, numerator, denominator, target, met = (cell.value for cell in row[2:7])
        assert value == (None if kpi.value_pct is None else pytest.approx(kpi.value_pct / 100))
        assert (numerator, denominator) == (kpi.numerator, kpi.denominator)
        assert target == pytest.approx(kpi.target_pct / 100)
        assert isinstance(target, int | float) and "%" in row[5].number_format
        assert "%" in row[2].number_format
        if kpi.value_pct is None:  # no headcount or no answers: said in words, not ✗
            assert str(met).startswith("нет данных")
        else:
            assert met == ("✓" if kpi.met else "✗")


def test_satisfaction_sheet_shows_method_n_and_response_rate() -> None:
    report = stats_report(organisation(1))
    sheet = read(report)["Удовлетворённость"]
    header = [cell.value for cell in sheet[1]]
    first = {name: cell for name, cell in zip(header, sheet[2], strict=True)}
    assert first["Организация"].value == "Итого"
    assert first["Роль"].value == "Наставляемые"
    assert first["Метод"].value == "доля удовлетворённых"
    assert first["Удовлетворённость"].value == pytest.approx(0.86)
    assert "%" in first["Удовлетворённость"].number_format
    assert first["Ответили"].value == report.total.mentee_satisfaction.respondents
    assert first["Опрошено"].value == 25
    assert first["Отклик"].value == pytest.approx(0.68)
    assert "80–100: 9" in first["Распределение баллов"].value


def test_waves_pairs_meetings_impact_practices_and_method() -> None:
    book = read(stats_report(organisation(1)))
    wave = book["Анкеты"][2]
    assert [c.value for c in wave[:2]] == ["Школа № 1", "Итоговая анкета"]
    assert wave[2].value.date() == date(2026, 11, 30)
    assert wave[6].value == pytest.approx(0.75) and "%" in wave[6].number_format

    pairs = rows(book, "Пары")
    assert pairs[1][2] == "Петров П., Сидоров С." and pairs[1][4] == "12-п"
    assert pairs[1][5].date() == date(2026, 9, 15)
    assert pairs[2][4] is None and pairs[2][5] is None

    meetings = rows(book, "Встречи")
    assert meetings[0] == ("Организация", "Знакомство", "Регулярная", "webinar", "Всего")
    assert meetings[1] == ("Итого", 10, 24, 1, 35)

    assert rows(book, "Динамика")[1][:4] == ("Уверенность", 3.1, 4.2, 1.1)
    assert book["Практики"]["E2"].hyperlink.target == "https://example.org/practice"

    method: dict[str, Any] = dict(rows(book, "Методика")[1:])
    assert method["Охват"] == "Городской округ Ёлкино"
    assert method["Сформировано (UTC)"] == datetime(2026, 12, 1, 9, 30)
    assert "70" in method["Метод удовлетворённости"]
    assert "приказа" in method["Вошёл в программу"]
    assert "цель 70%" in method["Дети 10–19 лет в роли наставляемых, %"]


def test_english_workbook_and_an_empty_scope() -> None:
    book = read(stats_report(), texts("en"))
    assert book.sheetnames == [
        "KPI",
        "Satisfaction",
        "Surveys",
        "Pairs",
        "By form",
        "Meetings",
        "Impact",
        "Practices",
        "Method",
    ]
    assert all(len(name) <= 31 for name in book.sheetnames)
    assert rows(book, "KPI")[1][0] == "Total"


def test_both_locales_define_the_same_report_keys() -> None:
    ru, en = (
        {
            key
            for key, _ in _flatten(
                yaml.safe_load((LOCALES / loc / "reports.yaml").read_text("utf-8"))
            )
        }
        for loc in ("ru", "en")
    )
    assert ru == en
