"""The XLSX sheets and the summary that show the activity; the period buttons of /stats."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date

import pytest
from openpyxl import load_workbook

from bot.callbacks import StatsCallback
from i18n import load_translator
from mentoring.stats.activity import period_choices
from mentoring.stats.kpis import parse_period
from reports.summary import summary_text
from reports.xlsx import analytical_report
from storage.db import Database
from tests.chat import ChatUser
from tests.factories import make_invite, make_school
from tests.stats_programme import programme, report
from tests.test_curator_surveys import register
from tests.test_reports_xlsx import table

NewUser = Callable[..., ChatUser]


async def test_xlsx_and_summary_show_the_activity(db: Database) -> None:
    school, lyceum = await programme(db)
    t = load_translator().bind("ru")
    result = await report(db, frozenset({school, lyceum}), details=True)
    book = load_workbook(io.BytesIO(analytical_report(result, t)))

    pair_rows = table(book, "Пары")[1:]
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

    by_form = table(book, "По формам")
    assert by_form[0][0] == "Форма" and by_form[1] == ("ученик — ученик", 1, 2, 0, 3, 4)

    meeting_rows = table(book, "Встречи")
    assert meeting_rows[0] == ("Организация", "Итоговая общая", "Знакомство", "Регулярная", "Всего")
    assert meeting_rows[1] == ("Итого", 1, 2, 3, 6)

    impact = table(book, "Динамика")[1:]
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
    method = dict(table(load_workbook(io.BytesIO(document.data)), "Методика"))
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
