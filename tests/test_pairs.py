"""A curator forms pairs in chat: propose, move a mentee, approve by order; both sides told."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.callbacks import PairDissolveCallback, PairsCallback
from i18n import Translator
from mentoring.pairs import service as pairs
from mentoring.questionnaires.feedback import start_feedback
from mentoring.roadmap.digests import collect
from storage import organisations as org_store
from storage import pairs as pair_store
from storage import people as people_store
from storage.db import Database
from storage.schema import outbox
from surveys.definitions import load_definitions
from tests.chat import ChatUser
from tests.factories import make_invite, make_school
from tests.outbox_payloads import buttons
from tests.survey_driver import answer_survey

NewUser = Callable[..., ChatUser]
STUDENT = "Студент колледжа или вуза"


async def register(user: ChatUser, code: str, name: str) -> None:
    await user.press((await user.send(f"/start {code}"))[-1], "Даю согласие")
    await user.send(name)


async def pair_notices(db: Database) -> list[tuple[int, str, dict[str, object]]]:
    async with db.connect() as conn:
        rows = (
            await conn.execute(
                select(outbox.c.chat_id, outbox.c.kind, outbox.c.payload).where(
                    outbox.c.kind == "pair_approved"
                )
            )
        ).all()
    return [
        (r.chat_id, r.kind, r.payload if isinstance(r.payload, dict) else json.loads(r.payload))
        for r in rows
    ]


async def cohort(db: Database, new_user: NewUser) -> tuple[int, ChatUser, dict[str, ChatUser]]:
    school = await make_school(db)
    curator = new_user("Куратор")
    await register(curator, await make_invite(db, school, "curator"), "Кураторова Елена")
    mentor_code = await make_invite(db, school, "mentor", max_uses=5)
    mentee_code = await make_invite(db, school, "mentee", max_uses=5)
    users: dict[str, ChatUser] = {}
    for key, code, name, plan in (
        (
            "olga",
            mentor_code,
            "Смирнова Ольга",
            {"capacity": "2", "birth_date": f"01.01.{date.today().year - 30}"},
        ),
        (
            "ivan",
            mentor_code,
            "Иванов Иван",
            {"capacity": "2", "birth_date": f"01.01.{date.today().year - 29}"},
        ),
        ("anna", mentee_code, "Аннова Анна", {"birth_date": f"01.01.{date.today().year - 21}"}),
        ("boris", mentee_code, "Борисов Борис", {"birth_date": f"01.01.{date.today().year - 20}"}),
    ):
        users[key] = new_user(name.split()[1])
        await register(users[key], code, name)
        await answer_survey(users[key], db, users[key].user.id, {"position": STUDENT} | plan)
    kid = new_user("Коля")
    await register(kid, mentee_code, "Колин Коля")
    await answer_survey(
        kid,
        db,
        kid.user.id,
        {
            "position": "Школьник",
            "school_class": "7 класс",
            "birth_date": f"01.01.{date.today().year - 14}",
        },
    )
    users["kid"] = kid
    return school, curator, users


async def test_propose_move_approve_notifies_both_sides(db: Database, new_user: NewUser) -> None:
    school, curator, users = await cohort(db, new_user)

    await curator.send("/pairs")
    await curator.tap("Предложить пары")
    proposal = curator.last().text
    assert "Аннова Анна" in proposal and "Борисов Борис" in proposal
    assert "Колин Коля — нет согласия родителя" in proposal, "a minor without consent is listed"
    view = await pairs.view(db, school, date.today())
    assert view is not None
    placed = {m.name: g.name for g in view.groups for m in g.members}
    assert set(placed) == {"Аннова Анна", "Борисов Борис"}
    other = "Иванов Иван" if placed["Аннова Анна"] == "Смирнова Ольга" else "Смирнова Ольга"

    await curator.tap("✏️ Изменить")
    await curator.tap("Аннова Анна")
    await curator.tap(other)
    moved = await pairs.view(db, school, date.today())
    assert moved is not None
    assert {m.name: g.name for g in moved.groups for m in g.members}["Аннова Анна"] == other

    await curator.tap("✅ Утвердить все")
    assert "Номер приказа" in curator.last().text
    await curator.send("№ 12-о")
    assert "ДД.ММ.ГГГГ" in curator.last().text
    moscow = ZoneInfo("Europe/Moscow")
    before = datetime.now(moscow)
    hint = (await curator.send("первое октября"))[-1].text
    # An order is dated today or earlier: today on the school's calendar is the example
    # (read on either side of the reply, should a midnight fall in between).
    days = {f"например {moment:%d.%m.%Y}" for moment in (before, datetime.now(moscow))}
    assert any(f"ДД.ММ.ГГГГ, {day}" in hint for day in days)
    assert "Такой даты нет" in (await curator.send("30.02.2026"))[-1].text
    await curator.send("01.10.2026")
    assert "№ 12-о от 01.10.2026" in curator.last().text

    async with db.connect() as conn:
        active = await pair_store.active_pairs(conn, school)
    assert all(p.order_number == "№ 12-о" and p.order_date == date(2026, 10, 1) for p in active)
    told = {chat_id for chat_id, _, _ in await pair_notices(db)}
    assert len(active) == 2, "after the move each mentor leads one mentee"
    expected = {users[k].user.id for k in ("olga", "ivan", "anna", "boris")}
    assert told == expected
    anna_notice = next(p for c, _, p in await pair_notices(db) if c == users["anna"].user.id)
    assert other in str(anna_notice["text"]) and "студент — студент" in str(anna_notice["text"])
    assert "t.me/user" in str(anna_notice["text"]), "the mentor agreed to share his contact"


async def test_non_curator_and_other_school_are_refused(db: Database, new_user: NewUser) -> None:
    school, _curator, users = await cohort(db, new_user)
    other_school = await make_school(db, "Школа Б")
    stranger = new_user("Чужой")
    await register(stranger, await make_invite(db, other_school, "curator"), "Чужова Вера")
    reply = (await stranger.send("/pairs"))[-1]
    for action in ("propose", "approve", "edit"):
        await stranger.press_data(reply, PairsCallback(action=action, org=school).pack())
        assert stranger.callback_answers()[-1].get("text") == "Это действие вам недоступно."
    forged_move = PairsCallback(action="remove", org=school, mentee=1).pack()
    await users["anna"].press_data((await users["anna"].send("/help"))[-1], forged_move)
    assert users["anna"].callback_answers()[-1].get("text") == "Это действие вам недоступно."
    assert "для куратора" in (await users["anna"].send("/pairs"))[-1].text
    async with db.connect() as conn:
        assert await pair_store.get_draft(conn, school) is None
        assert await pair_store.active_pairs(conn, school) == []


async def test_entered_programme_needs_order_and_approved_plan(db: Database) -> None:
    school = await make_school(db)
    now = datetime.now(UTC)
    async with db.begin() as conn:
        ids = [
            await people_store.create(
                conn, telegram_id=900 + i, locale="ru", username=None, status="active"
            )
            for i in range(5)
        ]
        mentor, approved, returned, no_plan, dissolved = ids
        kept = await pair_store.create_pair(
            conn,
            organisation_id=school,
            mentor_id=mentor,
            mentee_ids=[approved, returned, no_plan],
            form="student_student",
            order_number="№ 1",
            order_date=date(2026, 9, 1),
            approved_by=None,
            fit_flag=True,
            now=now,
        )
        ended = await pair_store.create_pair(
            conn,
            organisation_id=school,
            mentor_id=mentor,
            mentee_ids=[dissolved],
            form="student_student",
            order_number="№ 1",
            order_date=date(2026, 9, 1),
            approved_by=None,
            fit_flag=True,
            now=now,
        )
        for pair_id, mentee, status in (
            (kept, approved, "approved"),
            (kept, returned, "returned"),
            (ended, dissolved, "approved"),
        ):
            await pair_store.save_plan(
                conn,
                pair_id=pair_id,
                mentee_id=mentee,
                goals=["цель"],
                duration_months=6,
                activities=[{"month": 1, "text": "встреча"}],
                expected_results="итог",
                status=status,
                now=now,
            )
        await pair_store.dissolve(conn, ended, "переезд", now)
    assert await pairs.entered_programme(db, school) == [approved]


async def test_curator_dissolves_a_pair_with_a_reason(db: Database, new_user: NewUser) -> None:
    school, curator, _users = await cohort(db, new_user)
    await curator.send("/pairs")
    await curator.tap("Предложить пары")
    await curator.tap("✅ Утвердить все")
    await curator.send("№ 12-о")
    await curator.send("01.10.2026")
    async with db.connect() as conn:
        before = await pair_store.active_pairs(conn, school)
    target = before[0]

    stranger = new_user("Чужой")
    other = await make_school(db, "Школа Б")
    await register(stranger, await make_invite(db, other, "curator"), "Чужова Вера")
    forged = PairDissolveCallback(pair=target.id).pack()
    await stranger.press_data((await stranger.send("/pairs"))[-1], forged)
    assert stranger.callback_answers()[-1].get("text") == "Это действие вам недоступно."

    await curator.send("/pairs")
    assert "1. " in curator.last().text and "Активных пар: " in curator.last().text
    await curator.tap("Расформировать №1")
    assert "причину" in curator.last().text
    assert "до 300 символов" in (await curator.send("п" * 301))[-1].text
    await curator.send("Наставник переехал")
    assert "Пара расформирована" in curator.last().text

    async with db.connect() as conn:
        after = await pair_store.active_pairs(conn, school)
        gone = await pair_store.get_pair(conn, target.id)
        rows = (
            await conn.execute(select(outbox.c.chat_id).where(outbox.c.kind == "pair_dissolved"))
        ).all()
    assert gone is not None and gone.status == "dissolved"
    assert [p.id for p in after] == [p.id for p in before[1:]]
    assert len(rows) == 1 + len(target.mentee_ids), "the mentor and each mentee are told"

    await curator.press_data(curator.last(), forged)
    assert curator.callback_answers()[-1].get("text") == "Это действие вам недоступно."
    view = await pairs.propose(db, school, datetime.now(UTC))
    placed = {m.mentee_id for g in view.groups for m in g.members}
    assert set(target.mentee_ids) <= placed, "the mentees are back in the pool"


async def answer_feedback(
    db: Database, translator: Translator, user: ChatUser, school: int, fit: str
) -> None:
    async with db.connect() as conn:
        person = await people_store.get_by_telegram_id(conn, user.user.id)
    assert person is not None
    await start_feedback(
        db,
        translator,
        load_definitions(),
        person_id=person.id,
        meeting_id=person.id,
        organisation_id=school,
        now=datetime.now(UTC),
    )
    async with db.connect() as conn:
        payload = (
            await conn.execute(
                select(outbox.c.payload).where(
                    outbox.c.kind == "survey_invitation", outbox.c.chat_id == user.user.id
                )
            )
        ).scalar_one()
    await user.press_data((await user.send("/help"))[-1], buttons(payload)[0][0]["callback_data"])
    await answer_survey(user, db, user.user.id, {"usefulness": "7", "fit": fit})


async def test_low_fit_in_feedback_flags_the_pair_and_tells_the_curator(
    db: Database, translator: Translator, new_user: NewUser
) -> None:
    school, curator, users = await cohort(db, new_user)
    await curator.send("/pairs")
    await curator.tap("Предложить пары")
    await curator.tap("✅ Утвердить все")
    await curator.send("№ 12-о")
    await curator.send("01.10.2026")

    await answer_feedback(db, translator, users["boris"], school, fit="8")
    async with db.connect() as conn:
        assert all(p.poor_fit_at is None for p in await pair_store.active_pairs(conn, school))
        assert not (
            await conn.execute(select(outbox.c.id).where(outbox.c.kind == "pair_poor_fit"))
        ).all()

    await answer_feedback(db, translator, users["anna"], school, fit="4")
    async with db.connect() as conn:
        anna = await people_store.get_by_telegram_id(conn, users["anna"].user.id)
        assert anna is not None
        pairs_now = await pair_store.active_pairs(conn, school)
        by_fit = {p.poor_fit_at is None: p.mentee_ids for p in pairs_now}
        alerts = (
            await conn.execute(
                select(outbox.c.chat_id, outbox.c.payload).where(outbox.c.kind == "pair_poor_fit")
            )
        ).all()
    assert anna.id in by_fit[False], "Anna's pair is flagged as a poor fit"
    assert all(p.fit_flag for p in pairs_now), "the approval's stability is another matter"
    assert [chat for chat, _ in alerts] == [curator.user.id]
    assert "Аннова Анна" in alerts[0].payload["text"] and "4 из 10" in alerts[0].payload["text"]

    # The curator's digest lists the flagged pair among the things to look at.
    async with db.connect() as conn:
        organisation = await org_store.get(conn, school)
        assert organisation is not None
        facts = await collect(conn, organisation, datetime.now(UTC))
    assert len(facts.poor_fit) == 1 and not facts.empty


async def test_an_unstable_approval_is_not_a_poor_fit_in_the_digest(db: Database) -> None:
    """`fit_flag` false says the curator approved a draft with a blocking pair; only feedback
    that rates the fit low (`poor_fit_at`) puts a pair on the curator's digest."""
    school = await make_school(db)
    now = datetime.now(UTC)
    async with db.begin() as conn:
        mentor, mentee = [
            await people_store.create(
                conn, telegram_id=tid, locale="ru", username=None, status="active"
            )
            for tid in (-501, -502)
        ]
        pair_id = await pair_store.create_pair(
            conn,
            organisation_id=school,
            mentor_id=mentor,
            mentee_ids=[mentee],
            form="student_student",
            order_number="7-н",
            order_date=now.date(),
            approved_by=None,
            fit_flag=False,
            now=now,
        )
        organisation = await org_store.get(conn, school)
        assert organisation is not None
        assert not (await collect(conn, organisation, now)).poor_fit
        await pair_store.mark_poor_fit(conn, pair_id, now)
        await pair_store.mark_poor_fit(conn, pair_id, now.replace(year=now.year + 1))
        assert len((await collect(conn, organisation, now)).poor_fit) == 1
        [pair] = await pair_store.active_pairs(conn, school)
    assert pair.poor_fit_at == now, "the first report's time is kept"
