"""/forget erases what it promises: a minor with an intake, a parent's consent on paper and
online, an approved pair with a plan and meetings leaves no name, birth date, free text or
parent's name in any table, nor in any byte of the database, its WAL or its shared memory;
his pair ends, his upcoming meeting is cancelled, and the others hear only that he left."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select, text

from i18n import Translator
from mentoring.meetings import service as meetings
from mentoring.people.erasure import forget_person
from storage import pairs as pair_store
from storage import people as people_store
from storage.db import Database, sqlite_path
from storage.schema import answers, consents, outbox, pairs, plans, responses
from storage.schema import meetings as meetings_table
from surveys.definitions import load_definitions
from tests.chat import ChatUser
from tests.factories import make_approved_pair, make_invite, make_member, make_school
from tests.pg import table_names
from tests.survey_driver import answer_survey
from tests.test_plans import draft_plan
from tests.test_survey_chat import PUPIL_PLAN, register

NewUser = Callable[..., ChatUser]

SURNAME, FIRST, PATRONYMIC = "Звенигородцева", "Евпраксия", "Феофановна"
CHILD = f"{SURNAME} {FIRST} {PATRONYMIC}"
FREE_TEXT = "Мечтаю собрать радиотелескоп на крыше гимназии"
GOAL = "Спаять антенну для радиотелескопа Евпраксии"
COMMENT = "Хочу больше практики с паяльником"
MOTHER = "Звенигородцева Олимпиада Саввична"
FATHER = "Звенигородцев Савва Ипатьевич"  # signed the paper consent
MENTOR = "Смирнова Ольга Петровна"
CURATOR = "Кураторова Елена"


def _secrets(birth: datetime) -> list[str]:
    return [
        SURNAME,
        FIRST,
        FIRST.lower(),  # in the Telegram username the test user gets
        PATRONYMIC,
        "радиотелескоп",
        "паяльником",
        "Олимпиада",
        "Саввична",
        "Ипатьевич",
        birth.strftime("%d.%m.%Y"),
        birth.strftime("%Y-%m-%d"),
    ]


def _encodings(secret: str) -> list[bytes]:
    """The secret as UTF-8, and as a JSON column keeps it (\\u-escaped ASCII)."""
    return [secret.encode(), json.dumps(secret)[1:-1].encode()]


async def _all_cells(db: Database, skip: tuple[str, ...] = ()) -> str:
    cells: list[str] = []
    async with db.connect() as conn:
        tables = await table_names(conn)
        for table in [name for name in tables if name not in skip]:
            for row in (await conn.execute(text(f'SELECT * FROM "{table}"'))).all():
                cells.extend(str(value) for value in row if value is not None)
    return "\n".join(cells)


def _file_bytes(db: Database) -> dict[str, bytes]:
    """SQLite's files, where secure_delete zeroes erased values. PostgreSQL keeps dead row
    versions until VACUUM (README, Deployment: erasure on PostgreSQL); there the tables'
    cells are what is checked."""
    path = sqlite_path(db.url)
    if path is None:
        return {}
    found = {}
    for suffix in ("", "-wal", "-shm"):
        file = Path(f"{path}{suffix}")
        if file.exists():
            found[file.name] = file.read_bytes()
    return found


def _payload(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else json.loads(value)


async def _person(db: Database, user: ChatUser) -> people_store.Person:
    async with db.connect() as conn:
        person = await people_store.get_by_telegram_id(conn, user.user.id)
    assert person is not None
    return person


async def test_forget_leaves_no_trace_of_a_minor_in_tables_or_files(
    db: Database, new_user: NewUser, translator: Translator
) -> None:
    now = datetime.now(UTC)
    birth = datetime(now.year - 14, 3, 17, tzinfo=UTC)
    school = await make_school(db)
    curator = new_user("Куратор")
    await register(curator, await make_invite(db, school, "curator"), CURATOR)
    mentor = new_user("Ольга", user_id=880_001)
    mentor_id = await make_member(db, mentor.user.id, MENTOR, school, "mentor")

    # The child registers and fills the intake: class, birth date, her own words.
    child = new_user(FIRST)
    await register(child, await make_invite(db, school, "mentee"), CHILD)
    plan = PUPIL_PLAN | {"birth_date": birth.strftime("%d.%m.%Y"), "request_text": FREE_TEXT}
    await answer_survey(child, db, child.user.id, plan)
    link = next(m.text for m in child.replies if m.text and "согласие родителя" in m.text)
    link = link.split("?start=")[1].split()[0]

    # The father signed on paper (the curator records it in the chat), the mother online.
    await curator.send("/consents")
    await curator.tap(f"📝 Бумажное: {CHILD}")
    await curator.send(FATHER)
    mother = new_user("Мама")
    await mother.press((await mother.send(f"/start {link}"))[-1], "Даю согласие")
    await mother.send(MOTHER)

    # An approved pair, a plan about her, her comment, a meeting past and one to come.
    child_person = await _person(db, child)
    pair_id = await make_approved_pair(db, school, mentor_id, child_person.id)
    await draft_plan(mentor, CHILD, [GOAL])
    await child.send("/plan")
    await child.tap("Комментировать")
    await child.send(COMMENT)
    mentor_person = await _person(db, mentor)
    upcoming = await meetings.create(
        db, translator, mentor_person, organisation_id=school, pair_id=pair_id, kind="intro",
        starts_at=now + timedelta(days=3), place="Кабинет 21", now=now,
    )  # fmt: skip
    assert upcoming.meeting_id is not None
    confirmed = await meetings.answer(
        db, translator, child_person, upcoming.meeting_id, confirm=True, now=now
    )
    assert confirmed.ok, "the mentor is told her name: a notice that must go with her"
    earlier = now - timedelta(days=7)
    past = await meetings.create(
        db, translator, mentor_person, organisation_id=school, pair_id=pair_id, kind="trial",
        starts_at=earlier + timedelta(days=2), place="Кабинет 21", now=earlier,
    )  # fmt: skip
    assert past.meeting_id is not None

    secrets = _secrets(birth)
    cells = await _all_cells(db)
    missing = [s for s in secrets if s not in cells and json.dumps(s)[1:-1] not in cells]
    assert missing == [birth.strftime("%d.%m.%Y")], "the test has teeth (ISO is how it is kept)"
    async with db.connect() as conn:
        codes = {
            r.question_code
            for r in await conn.execute(
                select(answers.c.question_code)
                .join(responses)
                .where(responses.c.person_id == child_person.id)
            )
        }
    assert {"birth_date", "school_class", "request_text", "confidence"} <= codes

    confirm = (await child.send("/forget"))[-1]
    await child.press(confirm, "Да, удалить мои данные")
    assert "Ваши данные удалены" in child.session.sent[(confirm.chat.id, confirm.message_id)].text

    # No table holds any of it…
    cells = await _all_cells(db)
    for secret in secrets:
        for spelling in {secret, json.dumps(secret)[1:-1]}:
            assert spelling not in cells, f"{secret!r} is still in a table"
    assert str(child.user.id) not in cells.split("\n")
    # The parent's account is not linked to her any more (only its own empty chat state stays).
    unlinked = await _all_cells(db, skip=("fsm_states",))
    assert str(mother.user.id) not in unlinked.split("\n"), "the parent's account goes with her"
    # …and no byte of the files: the WAL is checkpointed, freed space zeroed.
    for name, content in _file_bytes(db).items():
        for secret in secrets:
            for encoded in _encodings(secret):
                assert encoded not in content, f"{secret!r} is still in {name}"

    async with db.connect() as conn:
        kept = {
            r.question_code
            for r in await conn.execute(
                select(answers.c.question_code)
                .join(responses)
                .where(responses.c.person_id == child_person.id)
            )
        }
        pair_status = (
            await conn.execute(select(pairs.c.status).where(pairs.c.id == pair_id))
        ).scalar_one()
        statuses = dict(
            (await conn.execute(select(meetings_table.c.id, meetings_table.c.status))).all()
        )
        plan_row = (await conn.execute(select(plans))).mappings().one()
        parent_rows = (
            await conn.execute(
                select(consents.c.granted_by, consents.c.granted_by_telegram_id).where(
                    consents.c.kind == "parent"
                )
            )
        ).all()
        notices = (
            await conn.execute(
                select(outbox.c.chat_id, outbox.c.payload).where(
                    outbox.c.kind == "participant_left"
                )
            )
        ).all()
    assert "confidence" in kept, "scale answers stay for the aggregates"
    assert not kept & {"birth_date", "school_class", "request_text", "position", "interests"}
    assert pair_status == "dissolved"
    assert statuses[upcoming.meeting_id] == "cancelled"
    assert statuses[past.meeting_id] != "cancelled", "the past stays as it was"
    assert plan_row["goals"] == [] and plan_row["mentee_comment"] is None
    assert len(parent_rows) == 2
    assert all(by == "erased" and account is None for by, account in parent_rows)
    told = {chat: _payload(payload)["text"] for chat, payload in notices}
    assert set(told) == {mentor.user.id, curator.user.id}
    assert all("вышел из программы" in note for note in told.values())
    assert MENTOR in told[curator.user.id], "the curator learns which pair, by the one left"


async def test_a_group_goes_on_without_a_leaving_mentee_and_ends_without_its_mentor(
    db: Database, translator: Translator
) -> None:
    now = datetime.now(UTC)
    school = await make_school(db)
    await make_member(db, 880_201, CURATOR, school, "curator")
    mentor = await make_member(db, 880_202, MENTOR, school, "mentor")
    leaver = await make_member(db, 880_203, CHILD, school, "mentee")
    stayer = await make_member(db, 880_204, "Остаева Вера", school, "mentee")
    async with db.begin() as conn:
        pair_id = await pair_store.create_pair(
            conn, organisation_id=school, mentor_id=mentor, mentee_ids=[leaver, stayer],
            form="student_student", order_number="7-о", order_date=now.date(),
            approved_by=None, fit_flag=True, now=now,
        )  # fmt: skip
        for mentee, goal in ((leaver, GOAL), (stayer, "Выступить на конференции")):
            await pair_store.save_plan(
                conn, pair_id=pair_id, mentee_id=mentee, goals=[goal], duration_months=6,
                activities=[], expected_results="Доклад", status="submitted", now=now,
            )  # fmt: skip

    async def forget(person_id: int) -> None:
        async with db.connect() as conn:
            person = await people_store.get(conn, person_id)
        assert person is not None
        await forget_person(db, translator, load_definitions(), person, now=now)

    async def told() -> dict[int, str]:
        async with db.connect() as conn:
            rows = await conn.execute(
                select(outbox.c.chat_id, outbox.c.payload)
                .where(outbox.c.kind == "participant_left", outbox.c.status == "pending")
                .order_by(outbox.c.id)
            )
            return {chat: _payload(payload)["text"] for chat, payload in rows.all()}

    await forget(leaver)
    async with db.connect() as conn:
        pair = await pair_store.get_pair(conn, pair_id)
        kept_plan = await pair_store.get_plan(conn, pair_id, stayer)
        gone_plan = await pair_store.get_plan(conn, pair_id, leaver)
    assert pair is not None and pair.status == "active" and pair.mentee_ids == (stayer,)
    assert kept_plan is not None and kept_plan.goals == ["Выступить на конференции"]
    assert gone_plan is None
    notes = await told()
    assert set(notes) == {880_202, 880_201}, "the mentor and the curator; the other mentee not"
    assert all("продолжает работу" in note and SURNAME not in note for note in notes.values())

    await forget(mentor)
    async with db.connect() as conn:
        pair = await pair_store.get_pair(conn, pair_id)
        kept_plan = await pair_store.get_plan(conn, pair_id, stayer)
    assert pair is not None and pair.status == "dissolved"
    assert kept_plan is not None and kept_plan.goals == [], "the plan he wrote goes with him"
    notes = await told()
    assert "завершила работу" in notes[880_204]
    assert "Остаева Вера" in notes[880_201] and "Смирнова" not in notes[880_201]
