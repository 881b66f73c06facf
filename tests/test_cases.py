"""Cases: one write-up per pair and school year, who may write and select, the roadmap item,
the automatic request when a pair's programme ends (quiet hours, once), the documents (the
cases DOCX, the analytical note, the best-practice report), /forget and the CLI."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli.base import cli
from i18n import Translator
from mentoring.cases import requests, rules
from mentoring.cases.selection import select_case, visible_writeups
from mentoring.cases.writeups import Saved, may_write, save_writeup
from mentoring.documents.cases import cases_document
from mentoring.documents.notes import DocumentScope, note_document, practices_document
from mentoring.roadmap import service as roadmap
from scheduler.clock import FakeClock
from scheduler.jobs import MeetingPlanner
from storage import cases as case_store
from storage import people as people_store
from storage.db import Database
from storage.migrate import upgrade
from storage.people import Person
from tests.admin_web import make_person
from tests.documents_school import SCHOOL_NAME, DocumentsSchool, build_documents_school
from tests.docx_reading import all_text, paragraphs
from tests.test_e2e_reminders import outbox_rows

# 30 May 2027, 12:00 in Moscow: Орлов's group and Иванов's pair have finished the year.
NOON = datetime(2027, 5, 30, 9, 0, tzinfo=UTC)
TEXTS = {
    "goal": "Подготовить исследовательский проект к конференции",
    "work": "Восемь встреч: тема, план, опыты в лаборатории, две репетиции выступления",
    "result": "Проект занял второе место на городской конференции «Шаг в будущее»",
}


@pytest.fixture
async def school(db: Database) -> DocumentsSchool:
    return await build_documents_school(db)


async def _person(db: Database, person_id: int) -> Person:
    async with db.connect() as conn:
        found = await people_store.get(conn, person_id)
    assert found is not None
    return found


async def _write(
    db: Database,
    school: DocumentsSchool,
    mentor: str,
    pair: str,
    now: datetime = NOON,
    **texts: str,
) -> Saved:
    saved = await save_writeup(
        db,
        await _person(db, school.ids[mentor]),
        school.ids[pair],
        2026,
        texts={**TEXTS, **texts},
        photos=["photo-1", "photo-2"],
        now=now,
    )
    assert isinstance(saved, Saved), saved
    return saved


def test_texts_are_trimmed_and_limited() -> None:
    assert rules.clean_text("goal", "  Цель \n ") == "Цель"
    assert rules.clean_text("goal", "ab") is None and rules.clean_text("goal", None) is None
    assert rules.clean_text("goal", "я" * 500) and rules.clean_text("goal", "я" * 501) is None
    assert rules.clean_text("work", "я" * 1500) and rules.clean_text("work", "я" * 1501) is None
    assert rules.open_years(NOON.date()) == (2026, 2025)
    assert rules.open_years(datetime(2027, 10, 1).date()) == (2027, 2026)


async def test_one_write_up_per_pair_and_year_the_second_replaces(
    db: Database, school: DocumentsSchool
) -> None:
    first = await _write(db, school, "orlov", "group")
    assert not first.replaced and first.writeup.photos == ("photo-1", "photo-2")
    again = await _write(db, school, "orlov", "group", NOON + timedelta(days=1), goal="Новая цель")
    assert again.replaced and again.writeup.id == first.writeup.id
    async with db.connect() as conn:
        [stored] = await case_store.of_organisations(conn, [school.school], 2026)
    assert stored.goal == "Новая цель" and stored.mentor_name == "Орлов Пётр Андреевич"
    assert stored.form == "student_student"
    start = await may_write(
        db, await _person(db, school.ids["orlov"]), school.ids["group"], 2026, NOON
    )
    assert not isinstance(start, str) and start.earlier is not None
    assert start.mentees == ("Белова Анна Сергеевна", "Ким Саша")


async def test_only_the_pairs_mentor_writes_and_not_for_a_year_long_over(
    db: Database, school: DocumentsSchool
) -> None:
    ivanov = await _person(db, school.ids["ivanov"])
    belova = await _person(db, school.ids["belova"])
    group = school.ids["group"]
    for person in (ivanov, belova, None):
        assert await may_write(db, person, group, 2026, NOON) == "forbidden"
    assert await may_write(db, ivanov, 999_999, 2026, NOON) == "forbidden"
    assert await may_write(db, ivanov, school.ids["teachers"], 2024, NOON) == "stale"
    too_long = {**TEXTS, "result": "я" * 1501}
    outcome = await save_writeup(
        db, ivanov, school.ids["teachers"], 2026, texts=too_long, photos=[], now=NOON
    )
    assert outcome == "text"
    four = ["a", "b", "c", "d"]
    outcome = await save_writeup(
        db, ivanov, school.ids["teachers"], 2026, texts=TEXTS, photos=four, now=NOON
    )
    assert outcome == "photos"


async def test_the_curator_selects_the_first_case_and_the_roadmap_item_is_done(
    db: Database, school: DocumentsSchool
) -> None:
    await roadmap.import_roadmap(db, [school.school], 2026)
    orlov = (await _write(db, school, "orlov", "group")).writeup
    ivanov = (await _write(db, school, "ivanov", "teachers")).writeup
    curator = await _person(db, await make_person(db, "Кураторова Елена", "curator", school.school))
    stranger = await _person(
        db, await make_person(db, "Чужой Куратор", "curator", school.other_school)
    )
    coordinator = await _person(
        db, await make_person(db, "Координатор Кира", "coordinator", school.school)
    )
    mentor = await _person(db, school.ids["orlov"])
    for person in (stranger, coordinator, mentor, None):
        assert await select_case(db, person, orlov.id, selected=True, now=NOON) == "forbidden"
    assert await select_case(db, curator, 999_999, selected=True, now=NOON) == "missing"

    assert await select_case(db, curator, orlov.id, selected=True, now=NOON) == "selected"
    assert await select_case(db, curator, orlov.id, selected=True, now=NOON) == "already"
    [item] = [i for i in await roadmap.items_of(db, school.school) if i.code == "cases"]
    assert item.done_at == NOON and item.done_link == f"/cases/{school.school}"

    # what each one sees: the curator every write-up, the coordinator the cases only
    listed = await visible_writeups(db, curator, school.school, 2026)
    assert [w.id for w in listed or []] == [orlov.id, ivanov.id]
    shown = await visible_writeups(db, coordinator, school.school, 2026)
    assert [w.id for w in shown or []] == [orlov.id]
    assert await visible_writeups(db, stranger, school.school, 2026) is None

    assert await select_case(db, curator, orlov.id, selected=False, now=NOON) == "unselected"
    assert await select_case(db, curator, orlov.id, selected=False, now=NOON) == "already"
    assert await visible_writeups(db, coordinator, school.school, 2026) == []


async def test_a_finished_pair_is_asked_once_outside_quiet_hours(
    db: Database, school: DocumentsSchool, translator: Translator
) -> None:
    late = datetime(2027, 5, 30, 20, 0, tzinfo=UTC)  # 23:00 in Moscow
    assert await requests.plan_case_requests(db, translator, late) == 2
    assert await requests.plan_case_requests(db, translator, late) == 0
    rows = await outbox_rows(db, requests.KIND)
    mentors = {await _person(db, school.ids[k]) for k in ("orlov", "ivanov")}
    assert {chat for chat, *_ in rows} == {m.telegram_id for m in mentors}
    for _, _, due, key, payload in rows:
        assert due.replace(tzinfo=UTC) == datetime(2027, 5, 31, 5, 0, tzinfo=UTC)  # 08:00
        assert key.startswith("case-request:") and key.endswith(":2026")
        assert "Опишите, пожалуйста, результат" in payload["text"]
        [[button]] = payload["actions"]
        assert button["label"] == "Описать результат"
        assert button["intent"]["kind"] == "write_case" and button["intent"]["year"] == 2026
    # The minute job runs the same planner: nothing new.
    planner = MeetingPlanner(db, translator, FakeClock(late))
    await planner.run_once()
    assert len(await outbox_rows(db, requests.KIND)) == 2


async def test_a_written_pair_is_not_asked_and_the_curator_asks_on_demand(
    db: Database, school: DocumentsSchool, translator: Translator
) -> None:
    await _write(db, school, "ivanov", "teachers")
    planner = MeetingPlanner(db, translator, FakeClock(NOON))
    await planner.run_once()
    [(chat, *_)] = await outbox_rows(db, requests.KIND)
    assert chat == (await _person(db, school.ids["orlov"])).telegram_id

    curator = await _person(db, await make_person(db, "Кураторова Елена", "curator", school.school))
    stranger = await _person(
        db, await make_person(db, "Чужой Куратор", "curator", school.other_school)
    )
    assert (
        await requests.ask_for_cases(db, translator, stranger, school.school, NOON) == "forbidden"
    )
    asked = await requests.ask_for_cases(db, translator, curator, school.school, NOON)
    # Орлов (finished) and Смирнова (working) are asked; Иванов has written his
    assert isinstance(asked, requests.Asked) and (asked.queued, asked.already) == (2, 1)
    again = await requests.ask_for_cases(db, translator, curator, school.school, NOON)
    assert isinstance(again, requests.Asked) and again.queued == 0  # a double tap
    assert len(await outbox_rows(db, requests.KIND)) == 3


async def test_documents_carry_the_selected_cases(
    db: Database, school: DocumentsSchool, translator: Translator
) -> None:
    scope = DocumentScope(frozenset({school.school}), SCHOOL_NAME)
    assert await cases_document(db, translator, scope, 2026, NOON) is None  # none selected
    orlov = (await _write(db, school, "orlov", "group")).writeup
    await _write(db, school, "ivanov", "teachers", goal="Освоить проектную методику")
    curator = await _person(db, await make_person(db, "Кураторова Елена", "curator", school.school))
    assert await select_case(db, curator, orlov.id, selected=True, now=NOON) == "selected"

    document = await cases_document(db, translator, scope, 2026, NOON)
    assert document is not None and document.items == 1
    assert document.file_name == f"Кейсы наставничества {SCHOOL_NAME} 2026-27.docx"
    text = paragraphs(document.content)
    assert "КЕЙСЫ НАСТАВНИЧЕСТВА" in text
    assert "итоги работы наставнических пар (групп) за 2026/27 учебный год" in text
    assert f"Кейс 1. {SCHOOL_NAME}" in text
    assert f"Цель: {TEXTS['goal']}" in text and f"Результат: {TEXTS['result']}" in text
    assert any("Орлов Пётр Андреевич" in p and "наставляемых: 2" in p for p in text)
    assert "Освоить проектную методику" not in all_text(document.content)  # not selected

    note = await note_document(db, translator, scope, "2026", NOON)
    assert note is not None
    note_text = paragraphs(note.content)
    assert "Кейсы наставничества" in note_text and f"Цель: {TEXTS['goal']}" in note_text
    spring = await practices_document(db, translator, scope, "2027-Q2", NOON)
    assert spring is not None and TEXTS["result"] in all_text(spring.content)
    autumn = await practices_document(db, translator, scope, "2026-Q3", NOON)
    assert autumn is not None and TEXTS["result"] not in all_text(autumn.content)
    assert "Клуб юных инженеров" in all_text(autumn.content)


async def test_forget_removes_a_mentors_write_ups_and_strikes_a_mentees_name(
    db: Database, school: DocumentsSchool, translator: Translator
) -> None:
    from mentoring.people.erasure import forget_person
    from surveys.definitions import load_definitions

    await _write(db, school, "orlov", "group", work="Белова Анна и Ким Саша вели дневник опытов")
    await _write(db, school, "ivanov", "teachers")
    registry = load_definitions()
    await forget_person(db, translator, registry, await _person(db, school.ids["kim"]), now=NOON)
    async with db.connect() as conn:
        found = await case_store.of_organisations(conn, [school.school], 2026)
    assert found[0].work == "Белова Анна и … вели дневник опытов"
    await forget_person(db, translator, registry, await _person(db, school.ids["orlov"]), now=NOON)
    async with db.connect() as conn:
        left = await case_store.of_organisations(conn, [school.school], 2026)
    assert [w.mentor_id for w in left] == [school.ids["ivanov"]]


async def _built(url: str) -> DocumentsSchool:
    db = Database(url)
    await upgrade(db)
    try:
        school = await build_documents_school(db)
        saved = await _write(db, school, "orlov", "group")
        curator = await make_person(db, "Кураторова Елена", "curator", school.school)
        await select_case(db, await _person(db, curator), saved.writeup.id, selected=True, now=NOON)
        return school
    finally:
        await db.close()


def test_cli_writes_the_cases_document(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.delenv("BOT_TOKEN", raising=False)
    school = asyncio.run(_built(url))
    runner = CliRunner()
    made = runner.invoke(
        cli, ["doc", "cases", "--org", str(school.school), "--year", "2026", "--out", "c.docx"]
    )
    assert made.exit_code == 0, made.output
    assert "1 case(s)" in made.stdout
    assert TEXTS["goal"] in all_text((tmp_path / "c.docx").read_bytes())
    empty = runner.invoke(cli, ["doc", "cases", "--org", str(school.school), "--year", "2025"])
    assert empty.exit_code != 0 and "no case selected" in empty.output
    both = runner.invoke(cli, ["doc", "cases"])
    assert both.exit_code != 0 and "--org" in both.output


def test_the_request_intent_survives_the_outbox_and_becomes_the_button() -> None:
    import json

    from bot.notices import CaseWriteCallback, callback_of
    from mentoring.notices import Action, Notice, WriteCase

    notice = Notice.of("Текст", [Action("Описать результат", intent=WriteCase(5, 2026))])
    stored = Notice.from_payload(json.loads(json.dumps(notice.to_payload())))
    [[action]] = stored.actions
    assert action.intent == WriteCase(5, 2026)
    assert callback_of(action.intent) == CaseWriteCallback(pair=5, year=2026)
