"""The analytical note (аналитическая справка) as a coordinator opens it in Excel and hands it
to the region: a title block on every sheet, the organisations × KPIs matrix first, local time.

The fixture is built by hand (two schools of two municipalities, three organisations in
scope), so every figure below can be checked with a pencil."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest
import yaml
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from i18n import load_translator
from reports.data import (
    KPI_CODES,
    ImpactItem,
    KpiValue,
    OrganisationStats,
    PairRow,
    PracticeRow,
    ResponseRate,
    SatisfactionFigures,
    StatsReport,
)
from reports.xlsx import analytical_report
from tests.test_reports_charts import LOCALES, _flatten

SHEETS_RU = [
    "Показатели",
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
TARGETS = dict(zip(KPI_CODES, (70.0, 10.0, 70.0, 30.0, 85.0, 85.0, 100.0), strict=True))
TITLE_LABELS = ["Территория", "Период", "Сформировано", "Часовой пояс"]
MADE = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)  # 13:30 in Samara (UTC+4)


def texts(locale: str = "ru") -> Callable[..., str]:
    return load_translator().bind(locale)


def kpis(*counts: tuple[int, int]) -> tuple[KpiValue, ...]:
    """The seven KPIs from (numerator, denominator) pairs, in KPI_CODES order."""
    return tuple(
        KpiValue(code, 100.0 * n / d if d else None, n, d, TARGETS[code])
        for code, (n, d) in zip(KPI_CODES, counts, strict=True)
    )


def figures(role: str, pct: float | None, counts: tuple[int, ...]) -> SatisfactionFigures:
    bins = tuple((i * 20.0, i * 20.0 + 20.0, count) for i, count in enumerate(counts))
    return SatisfactionFigures(
        role=role,  # type: ignore[arg-type]
        method="share",
        threshold=70.0,
        satisfaction_pct=pct,
        mean_normalised=71.0,
        mean_raw=7.4,
        respondents=sum(counts),
        asked=25,
        response_rate_pct=100.0 * sum(counts) / 25,
        distribution=bins,
    )


# School № 1: 42 of 60 pupils 10–19 as mentees (70.0 %: the target exactly, so met),
# 3 of 40 pupils 15–19 as mentors (7.5 % < 10: below), no young teachers on record (no
# data), 1 of 2 partners (50 %), mentees 18 of 20 satisfied (90 %), mentors 8 of 10 (80 % < 85:
# below), its teacher model (1 of 1).
SCHOOL_1 = kpis((42, 60), (3, 40), (0, 0), (1, 2), (18, 20), (8, 10), (1, 1))
# Lyceum № 2: 20 of 50 (40 %: below), 6 of 30 (20 %), 4 of 5 young teachers (80 %),
# 0 of 1 partner (0 %: below), 9 of 10 (90 %), 9 of 10 (90 %), no teacher pair (0 %: below).
LYCEUM_2 = kpis((20, 50), (6, 30), (4, 5), (0, 1), (9, 10), (9, 10), (0, 1))
# The total is the sum of the counts: 62/110, 9/70, 4/5, 1/3, 27/30, 17/20, 1/2.
TOTAL = kpis((62, 110), (9, 70), (4, 5), (1, 3), (27, 30), (17, 20), (1, 2))


def organisation(
    org_id: int | None, name: str, values: tuple[KpiValue, ...], municipality: str = ""
) -> OrganisationStats:
    return OrganisationStats(
        organisation_id=org_id,
        name=name,
        kpis=values,
        mentee_satisfaction=figures("mentee", values[4].value_pct, (0, 1, 2, 5, 9)),
        mentor_satisfaction=figures("mentor", values[5].value_pct, (0, 0, 1, 3, 6)),
        pairs_formed=10,
        pairs_active=8,
        pairs_dissolved=2,
        meetings_held_by_type={"intro": 5, "regular": 12},
        municipality=municipality,
    )


def stats_report(*orgs: OrganisationStats, period: str = "2026-Q1") -> StatsReport:
    total = OrganisationStats(
        organisation_id=None,
        name="Все",
        kpis=TOTAL,
        mentee_satisfaction=figures("mentee", 90.0, (0, 1, 2, 5, 9)),
        mentor_satisfaction=figures("mentor", 85.0, (0, 0, 1, 3, 6)),
        pairs_formed=10,
        pairs_active=8,
        pairs_dissolved=2,
        meetings_held_by_type={"intro": 10, "regular": 24, "webinar": 1},
    )
    return StatsReport(
        scope_label="Самарская область",
        period_label=period,
        generated_at=MADE,
        method="share",
        threshold=70.0,
        total=total,
        by_organisation=orgs,
        response_rates=(
            ResponseRate(
                7,
                "Школа № 1",
                "Итоги программы: взгляд наставляемого",
                date(2026, 3, 30),
                20,
                15,
                3,
            ),
        ),
        pairs=(
            PairRow(
                "Школа № 1",
                "Иванова А. А.",
                ("Петров П.", "Сидоров С."),
                "student_student",
                "12-п",
                date(2026, 1, 15),
                "active",
            ),
            PairRow("Школа № 1", "", ("Кузнецова К.",), "teacher_teacher", None, None, "dissolved"),
        ),
        impact=(ImpactItem("mentee.confidence", 3.1, 4.2, 1.1, 30),),
        practices=(
            PracticeRow(
                "Школа № 1",
                "2026-Q1",
                "Клуб наставников",
                "student_student",
                "https://example.org/practice",
            ),
        ),
        timezone="Europe/Samara",
        timezone_organisations=2,
        organisation_count=3,
    )


def region() -> StatsReport:
    return stats_report(
        organisation(1, "Школа № 1", SCHOOL_1, "г. Самара"),
        organisation(2, "Лицей № 2", LYCEUM_2, "г. Тольятти"),
    )


def read(report: StatsReport, t: Callable[..., str] | None = None) -> Workbook:
    return load_workbook(io.BytesIO(analytical_report(report, t or texts())))


def header_row(sheet: Worksheet) -> int:
    """The table's header: the row repeated on every printed page."""
    titles = sheet.print_title_rows
    assert titles is not None, sheet.title
    return int(titles.split(":")[0].strip("$"))


def title_lines(sheet: Worksheet) -> list[tuple[Any, Any]]:
    """The title block's (label, value) lines, wherever the value sits in its row."""
    rows = sheet.iter_rows(min_row=2, max_row=5, values_only=True)
    return [(row[0], next(v for v in row[1:] if v is not None)) for row in rows]


def table(book: Workbook, name: str) -> list[tuple[Any, ...]]:
    """The header and the rows of a sheet's table, below its title block."""
    sheet = book[name]
    return list(sheet.iter_rows(min_row=header_row(sheet), values_only=True))


def test_every_sheet_opens_with_the_title_block_in_local_time() -> None:
    book = read(region())
    assert book.sheetnames == SHEETS_RU
    for sheet in book.worksheets:
        assert sheet["A1"].value and sheet["A1"].font.bold, sheet.title
        assert title_lines(sheet) == [
            ("Территория", "Самарская область"),
            ("Период", "I квартал 2026"),  # in words, never «2026-Q1»
            # 09:30 UTC is 13:30 in Samara, the zone of two of the three organisations
            ("Сформировано", "01.12.2026 13:30, Самара (UTC+4)"),
            ("Часовой пояс", "Самара (UTC+4) — часовой пояс большинства организаций (2 из 3)"),
        ], sheet.title
    text = [str(c) for s in book.worksheets for row in s.iter_rows(values_only=True) for c in row]
    assert not [cell for cell in text if "2026-Q1" in cell]
    assert not [cell for cell in text if "09:30" in cell]  # no UTC anywhere


def test_the_kpi_matrix_has_the_target_row_numbers_and_marks_below_target() -> None:
    sheet = read(region())["Показатели"]
    header = header_row(sheet)
    assert header == 10  # title block (5), a blank row, the legend, the target, the total
    rows = list(sheet.iter_rows(min_row=8, values_only=True))
    target, total, columns, school, lyceum = rows[:5]
    assert columns[:3] == ("№ п/п", "Организация", "Муниципальное образование")
    assert columns[3:10] == tuple(texts()(f"reports.kpi.{code}") for code in KPI_CODES)
    assert columns[10] == "Целей достигнуто (из 7)"
    assert target[1] == "Цель" and target[3:10] == pytest.approx(
        (0.70, 0.10, 0.70, 0.30, 0.85, 0.85, 1.00)
    )
    assert total[1] == "Итого"
    assert total[3:10] == pytest.approx((62 / 110, 9 / 70, 4 / 5, 1 / 3, 27 / 30, 17 / 20, 1 / 2))
    assert school[:3] == (1, "Школа № 1", "г. Самара")
    assert school[3:6] == (pytest.approx(0.70), pytest.approx(0.075), "нет данных")
    assert school[6:11] == (pytest.approx(0.5), pytest.approx(0.9), pytest.approx(0.8), 1.0, 4)
    assert lyceum[:2] == (2, "Лицей № 2") and lyceum[10] == 4

    def marked(row: int) -> list[str]:
        fills = {code: sheet.cell(row, 4 + n).fill.fgColor.rgb for n, code in enumerate(KPI_CODES)}
        return [code for code, rgb in fills.items() if rgb == "FFFFC7CE"]

    # Below target, by hand: the school's mentors 15–19 (7.5 < 10) and mentor satisfaction
    # (80 < 85); 70.0 % against 70 is met, «нет данных» is no mark. The lyceum: 40 < 70,
    # 0 < 30 partners, 0 < 100 teacher model. The total: 56.4 < 70 and 50 < 100.
    assert marked(header + 1) == ["mentors_15_19", "mentor_satisfaction"]
    assert marked(header + 2) == ["mentees_10_19", "partner_orgs", "schools_teacher_model"]
    assert marked(9) == ["mentees_10_19", "schools_teacher_model"] and total[10] == 5
    assert [sheet.cell(header + 1, c).number_format for c in (4, 5)] == ["0.0%", "0.0%"]
    assert sheet.cell(header + 1, 6).font.italic  # «нет данных» said in grey italics

    assert sheet.freeze_panes == "C11"  # the header, the number and the name stay in view
    assert sheet.auto_filter.ref == "A10:K12"  # the organisations only: sorting keeps the target
    assert sheet.print_title_rows == "$10:$10"
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.fitToWidth == 1


def test_one_organisation_is_one_row_without_a_total() -> None:
    report = stats_report()  # no by_organisation: the scope is one organisation
    sheet = read(report)["Показатели"]
    rows = list(sheet.iter_rows(min_row=8, values_only=True))
    assert rows[0][1] == "Цель" and rows[1][0] == "№ п/п"
    assert rows[2][:2] == (1, "Самарская область") and len(rows) == 3


def test_the_long_list_satisfaction_bins_and_surveys() -> None:
    book = read(region())
    kpi = table(book, "KPI")
    assert kpi[0] == (
        "Организация",
        "Показатель",
        "Значение",
        "Числитель",
        "Знаменатель",
        "Цель",
        "Выполнено",
    )
    totals = [row for row in kpi[1:] if row[0] == "Итого"]
    assert len(totals) == len(KPI_CODES)
    for row, value in zip(totals, TOTAL, strict=True):
        assert row[2] == (None if value.value_pct is None else pytest.approx(value.value_pct / 100))
        assert (row[3], row[4], row[5]) == (
            value.numerator,
            value.denominator,
            pytest.approx(value.target_pct / 100),
        )
        assert row[6] == ("✓" if value.met else "✗")

    satisfaction = table(book, "Удовлетворённость")
    header = satisfaction[0]
    first = dict(zip(header, satisfaction[1], strict=True))
    assert (first["Организация"], first["Роль"], first["Метод"]) == (
        "Итого",
        "Наставляемые",
        "доля удовлетворённых",
    )
    assert first["Удовлетворённость"] == pytest.approx(0.90) and first["Опрошено"] == 25
    assert first["Отклик"] == pytest.approx(17 / 25)
    # The score distribution is a table: a column per bin, counts as numbers.
    assert header[-5:] == (
        "Баллы 0–20",
        "Баллы 20–40",
        "Баллы 40–60",
        "Баллы 60–80",
        "Баллы 80–100",
    )
    assert satisfaction[1][-5:] == (0, 1, 2, 5, 9) and satisfaction[2][-5:] == (0, 0, 1, 3, 6)

    waves = table(book, "Анкеты")
    assert waves[1][:2] == ("Школа № 1", "Итоги программы: взгляд наставляемого")
    assert waves[1][2].date() == date(2026, 3, 30) and waves[1][6] == pytest.approx(0.75)
    assert "%" in book["Анкеты"].cell(header_row(book["Анкеты"]) + 1, 7).number_format


def test_pairs_meetings_impact_practices_and_method_in_words() -> None:
    book = read(region())
    pairs = table(book, "Пары")
    assert pairs[1] == (
        "Школа № 1",
        "Иванова А. А.",
        "Петров П., Сидоров С.",
        "ученик — ученик",  # the form in words, not «student_student»
        "12-п",
        datetime(2026, 1, 15),
        "действует",
    )
    assert pairs[2][1] == "данные удалены" and pairs[2][4:] == (None, None, "распалась")

    assert table(book, "Встречи")[:2] == [
        ("Организация", "Знакомство", "Регулярная", "webinar", "Всего"),
        ("Итого", 10, 24, 1, 35),
    ]
    assert table(book, "Динамика")[1][:4] == ("Уверенность (наставляемые)", 3.1, 4.2, 1.1)
    practice = table(book, "Практики")[1]
    assert practice[1:4] == ("I квартал 2026", "Клуб наставников", "ученик — ученик")
    row = header_row(book["Практики"]) + 1
    assert book["Практики"].cell(row, 5).hyperlink.target == "https://example.org/practice"

    method: dict[str, Any] = dict(table(book, "Методика")[1:])
    assert method["Охват"] == "Самарская область"
    assert method["Сформировано"] == datetime(2026, 12, 1, 13, 30)  # local, not UTC
    assert "70" in method["Метод удовлетворённости"]
    assert "цель 70%" in method["Дети 10–19 лет в роли наставляемых, %"]


def test_every_table_has_a_bold_frozen_filtered_header_and_prints_one_page_wide() -> None:
    book = read(region())
    for sheet in book.worksheets:
        header = header_row(sheet)
        cells = [cell for cell in sheet[header] if cell.value is not None]
        assert cells and all(cell.font.bold for cell in cells), sheet.title
        assert sheet.freeze_panes is not None and sheet.freeze_panes.endswith(str(header + 1))
        if sheet.title != "Методика":
            assert sheet.auto_filter.ref and sheet.auto_filter.ref.endswith(
                str(max(header, sheet.max_row))
            ), sheet.title
        assert sheet.page_setup.orientation == "landscape"
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert sheet.column_dimensions["B"].width >= 8


def test_english_workbook_and_an_empty_scope() -> None:
    book = read(stats_report(period="2026"), texts("en"))
    assert book.sheetnames == [
        "Indicators",
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
    assert title_lines(book["KPI"])[1] == ("Period", "2026/27")
    assert table(book, "KPI")[1][0] == "Total"


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
