"""Best practices: the rules and deadlines, the report rows, /practice in chat, the CLI."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable
from datetime import UTC, date, datetime

from click.testing import CliRunner
from openpyxl import load_workbook
from sqlalchemy import select

from bot.callbacks import PracticeCallback
from bot.cli.base import cli
from i18n import load_translator
from mentoring.stats import practices
from mentoring.stats.kpis import build_report, parse_period
from reports.xlsx import analytical_report
from storage import practices as practice_store
from storage import roadmap as roadmap_store
from storage.db import Database
from storage.migrate import upgrade
from storage.practices import PracticeRow
from storage.schema import people
from tests.chat import ChatUser
from tests.factories import make_invite, make_school
from tests.test_cli import _add_school, _ok, runner
from tests.test_curator_surveys import register
from tests.test_reports_xlsx import table

__all__ = ["runner"]

NewUser = Callable[..., ChatUser]
LINK = "https://school1.example.ru/nastavnichestvo"


def _item(code: str, due_on: date) -> roadmap_store.NewItem:
    return roadmap_store.NewItem(code, "Отчёт", "Report", "reporting", due_on, "curator")


def test_titles_links_and_forms() -> None:
    assert practices.clean_title("  Наставник   года ") == "Наставник года"
    assert practices.clean_title("ab") is None and practices.clean_title("я" * 201) is None
    assert practices.clean_title(None) is None
    assert practices.clean_link(" https://школа.рф/практика ") == "https://школа.рф/практика"
    assert practices.clean_link("http://example.org") == "http://example.org"
    for bad in ("ftp://example.org/x", "https://", "example.org", "https://a b.ru", "javascript:x"):
        assert practices.clean_link(bad) is None, bad
    assert practices.clean_link("https://e.ru/" + "x" * 500) is None
    assert practices.valid_form("teacher_teacher") and not practices.valid_form("nope")


def test_quarters_and_the_default_deadline() -> None:
    assert practices.quarter_of(date(2026, 12, 31)) == "2026-Q4"
    assert practices.quarter_of(date(2027, 1, 1)) == "2027-Q1"
    assert practices.parse_quarter(" 2026-q3 ") == "2026-Q3"
    assert practices.parse_quarter("2026-Q5") is None and practices.parse_quarter("Q3") is None
    assert practices.quarter_start("2026-Q3") == date(2026, 7, 1)
    assert practices.quarter_end("2026-Q3") == date(2026, 9, 30)
    assert practices.quarter_end("2026-Q4") == date(2026, 12, 31)
    assert practices.default_deadline("2026-Q3") == date(2026, 10, 5)
    assert practices.default_deadline("2026-Q4") == date(2027, 1, 5)


def test_the_roadmap_date_wins_for_its_own_quarter_only() -> None:
    roadmap = [
        roadmap_store.RoadmapItem(i, 1, 2026, code, "", "", "reporting", due_on, "curator", None)
        for i, (code, due_on) in enumerate(
            [
                ("report_q4", date(2026, 1, 12)),  # last school year's: for 2025-Q4
                ("quarterly_report_q4", date(2027, 1, 10)),
                ("report_q1", date(2027, 4, 8)),
            ]
        )
    ]
    assert practices.deadline_of("2026-Q4", roadmap) == date(2027, 1, 10)
    assert practices.deadline_of("2025-Q4", roadmap) == date(2026, 1, 12)
    assert practices.deadline_of("2027-Q1", roadmap) == date(2027, 4, 8)
    assert practices.deadline_of("2027-Q2", roadmap) == date(2027, 7, 5)


async def test_deadline_from_an_organisations_roadmap(db: Database) -> None:
    school = await make_school(db)
    other = await make_school(db, "МБОУ СОШ № 2")
    async with db.begin() as conn:
        await roadmap_store.add_items(conn, school, 2026, [_item("report_q3", date(2026, 10, 8))])
    assert await practices.report_deadline(db, school, "2026-Q3") == date(2026, 10, 8)
    assert await practices.report_deadline(db, other, "2026-Q3") == date(2026, 10, 5)


async def test_practice_rows_take_quarters_that_begin_in_the_period(db: Database) -> None:
    school = await make_school(db)
    other = await make_school(db, "МБОУ СОШ № 2")
    now = datetime.now(UTC)
    async with db.begin() as conn:
        for org, quarter, title in [
            (school, "2026-Q3", "Летняя школа"),
            (school, "2026-Q4", "Наставник года"),
            (other, "2026-Q4", "Клуб молодых педагогов"),
            (school, "2027-Q1", "Весенний лагерь"),
        ]:
            await practice_store.add(
                conn,
                organisation_id=org,
                person_id=None,
                title=title,
                form="teacher_teacher",
                link=LINK,
                quarter=quarter,
                now=now,
            )
        rows = await practice_store.practice_rows(
            conn, [school, other], date(2026, 9, 1), date(2026, 12, 31)
        )
        assert rows == (
            PracticeRow("МБОУ СОШ № 1", "2026-Q4", "Наставник года", "teacher_teacher", LINK),
            PracticeRow(
                "МБОУ СОШ № 2", "2026-Q4", "Клуб молодых педагогов", "teacher_teacher", LINK
            ),
        )
        whole_year = await practice_store.practice_rows(
            conn, [school], date(2026, 7, 1), date(2027, 6, 30)
        )
        assert [r.quarter for r in whole_year] == ["2026-Q3", "2026-Q4", "2027-Q1"]
        assert (
            await practice_store.practice_rows(conn, [], date(2026, 1, 1), date(2027, 1, 1)) == ()
        )
        inside = await practice_store.practice_rows(
            conn, [school], date(2026, 7, 2), date(2026, 9, 30)
        )
        assert inside == ()

    # The report of a school year carries its practices on the «Практики» sheet.
    period = parse_period("2026")
    assert period is not None
    report = await build_report(
        db, frozenset({school}), period, scope_label="Школа", now=now, details=True
    )
    assert [p.title for p in report.practices] == ["Наставник года", "Весенний лагерь"]
    t = load_translator().bind("ru")
    book = load_workbook(io.BytesIO(analytical_report(report, t)))
    titles = [row[2] for row in table(book, t("reports.sheet.practices"))[1:]]
    assert titles == ["Наставник года", "Весенний лагерь"]
    brief = await build_report(db, frozenset({school}), period, scope_label="Школа", now=now)
    assert brief.practices == ()  # only the detailed report lists them


async def test_curator_reports_a_practice_in_chat(db: Database, new_user: NewUser) -> None:
    school = await make_school(db)
    curator = new_user("Куратор")
    await register(curator, await make_invite(db, school, "curator"), "Кураторова Елена")
    today = datetime.now(UTC).date()
    quarter = practices.quarter_of(today)

    replies = await curator.send("/practice")
    assert quarter in (replies[-1].text or "") and "название" in (replies[-1].text or "")
    assert "от 3 до 200" in ((await curator.send("ab"))[-1].text or "")
    assert "текстом" in ((await curator.send_sticker())[-1].text or "")
    ask_form = (await curator.send("Наставник   года"))[-1]
    assert "форму" in (ask_form.text or "")
    assert "кнопкой" in ((await curator.send("учитель"))[-1].text or "")
    ask_link = await curator.press(ask_form, "учитель — учитель")
    assert "ссылку" in (ask_link[-1].text or "")
    assert "http://" in ((await curator.send("школа1.рф/практика"))[-1].text or "")
    summary = (await curator.send(LINK))[-1]
    assert "Наставник года" in (summary.text or "") and "учитель — учитель" in (summary.text or "")
    saved = await curator.press(summary, "Сохранить")
    deadline = practices.default_deadline(quarter).strftime("%d.%m.%Y")
    assert quarter in (saved[-1].text or "") and deadline in (saved[-1].text or "")
    [stored] = await practices.practices_of(db, [school], quarter)
    assert (stored.title, stored.form, stored.link) == ("Наставник года", "teacher_teacher", LINK)

    listed = (await curator.send("/practices"))[-1].text or ""
    assert "Наставник года" in listed and deadline in listed

    # After /forget the practice stays with the school; its author is an anonymous id.
    confirm = (await curator.send("/forget"))[-1]
    await curator.press(confirm, "Да, удалить мои данные")
    async with db.connect() as conn:
        author = (await conn.execute(select(people).where(people.c.id == stored.person_id))).one()
        rows = await practice_store.practice_rows(
            conn, [school], practices.quarter_start(quarter), today
        )
    assert author.full_name is None and author.telegram_id is None
    assert [r.title for r in rows] == ["Наставник года"]
    assert "Кураторова" not in repr(rows)


async def test_mentee_and_forged_callbacks_are_refused(db: Database, new_user: NewUser) -> None:
    school = await make_school(db)
    other = await make_school(db, "МБОУ СОШ № 2")
    mentee = new_user("Анна")
    await register(mentee, await make_invite(db, school, "mentee"), "Аннова Анна")
    assert "для куратора" in ((await mentee.send("/practice"))[-1].text or "")
    assert "для куратора" in ((await mentee.send("/practices"))[-1].text or "")

    curator = new_user("Куратор")
    await register(curator, await make_invite(db, school, "curator"), "Кураторова Елена")
    await curator.send("/practice")
    ask_form = (await curator.send("Наставник года"))[-1]
    forged = PracticeCallback(action="form", org=other, form="teacher_teacher").pack()
    await curator.press_data(ask_form, forged)
    await curator.press_data(ask_form, PracticeCallback(action="org", org=other).pack())
    answers = [str(a.get("text")) for a in curator.callback_answers()[-2:]]
    assert all("недоступна" in a for a in answers)
    bogus = PracticeCallback(action="form", org=school, form="nope").pack()
    await curator.press_data(ask_form, bogus)
    assert "неактуальна" in str(curator.callback_answers()[-1].get("text"))
    await curator.press(ask_form, "ученик — ученик")
    summary = (await curator.send(LINK))[-1]
    await curator.press_data(summary, PracticeCallback(action="save", org=other).pack())
    quarter = practices.quarter_of(datetime.now(UTC).date())
    assert await practices.practices_of(db, [school, other], quarter) == []
    await curator.press(summary, "Сохранить")
    assert [
        p.organisation_id for p in await practices.practices_of(db, [school, other], quarter)
    ] == [school]

    outcome = await practices.add_practice(
        db, None, school, title="Ещё одна", form="teacher_teacher", link=LINK, now=datetime.now(UTC)
    )
    assert outcome == "forbidden"


def test_cli_lists_a_quarters_practices(runner: CliRunner, tmp_path: object) -> None:
    org = int(_add_school(runner).split()[0])

    async def _add() -> None:
        import os

        db = Database(os.environ["DATABASE_URL"])
        await upgrade(db)
        async with db.begin() as conn:
            for quarter, title in [("2026-Q4", "Наставник года"), ("2027-Q1", "Весна")]:
                await practice_store.add(
                    conn,
                    organisation_id=org,
                    person_id=None,
                    title=title,
                    form="employer_pupil",
                    link=LINK,
                    quarter=quarter,
                    now=datetime.now(UTC),
                )
        await db.close()

    asyncio.run(_add())
    out = _ok(runner, "practice", "list", "--org", str(org), "--quarter", "2026-q4")
    assert "Наставник года" in out and "Весна" not in out and "employer_pupil" in out
    assert "1 practice(s) for 2026-Q4; report due 2027-01-05" in out
    bad = runner.invoke(cli, ["practice", "list", "--org", str(org), "--quarter", "Q4"])
    assert bad.exit_code != 0 and "not a quarter" in bad.output
    missing = runner.invoke(cli, ["practice", "list", "--org", "999"])
    assert missing.exit_code != 0 and "no organisation" in missing.output
