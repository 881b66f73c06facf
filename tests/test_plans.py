"""Personalised programmes: the mentor drafts one in /plan, the mentee comments, the curator
returns it and then approves it; only then the mentee has entered the programme."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select

from bot.callbacks import PlanCallback, PlanStepCallback
from mentoring.pairs import service as pairs
from mentoring.pairs.plans import parse_activities, parse_goal
from storage import pairs as pair_store
from storage import people as people_store
from storage.db import Database
from storage.schema import outbox
from tests.chat import ChatUser
from tests.test_pairs import NewUser, cohort

ROOT = Path(__file__).resolve().parent.parent


async def notices(db: Database, kind: str) -> list[tuple[int, dict[str, Any]]]:
    async with db.connect() as conn:
        rows = (
            await conn.execute(
                select(outbox.c.chat_id, outbox.c.payload)
                .where(outbox.c.kind == kind)
                .order_by(outbox.c.id)
            )
        ).all()
    return [
        (r.chat_id, r.payload if isinstance(r.payload, dict) else json.loads(r.payload))
        for r in rows
    ]


async def approved_cohort(
    db: Database, new_user: NewUser
) -> tuple[int, ChatUser, ChatUser, ChatUser, pair_store.Pair]:
    """Pairs approved by order; returns the school, curator, a mentor, his mentee, the pair."""
    school, curator, users = await cohort(db, new_user)
    await curator.send("/pairs")
    await curator.tap("Предложить пары")
    await curator.tap("✅ Утвердить все")
    await curator.send("№ 12-о")
    await curator.send("01.10.2026")
    async with db.connect() as conn:
        pair = (await pair_store.active_pairs(conn, school))[0]
        by_person = {}
        for user in users.values():
            person = await people_store.get_by_telegram_id(conn, user.user.id)
            assert person is not None
            by_person[person.id] = user
    return school, curator, by_person[pair.mentor_id], by_person[pair.mentee_ids[0]], pair


async def draft_plan(mentor: ChatUser, mentee_name: str, goals: list[str]) -> None:
    await mentor.send("/plan")
    if "Для кого" in mentor.last().text:
        await mentor.tap(mentee_name)
    assert "Шаг 1 из 4" in mentor.last().text
    for goal in goals:
        await mentor.send(goal)
    await mentor.tap("Готово")
    await mentor.tap("6")
    await mentor.send("Октябрь: знакомство\n11 — проект")
    await mentor.tap("Готово")
    await mentor.send("Доклад на школьной конференции")


async def test_plan_is_drafted_commented_returned_and_approved(
    db: Database, new_user: NewUser
) -> None:
    school, curator, mentor, mentee, pair = await approved_cohort(db, new_user)
    mentee_id = pair.mentee_ids[0]
    async with db.connect() as conn:
        mentee_person = await people_store.get(conn, mentee_id)
    assert mentee_person is not None and mentee_person.full_name

    await mentor.send("/plan")
    if "Для кого" in mentor.last().text:
        await mentor.tap(mentee_person.full_name)
    await mentor.tap("Готово")
    assert mentor.callback_answers()[-1].get("text") == "Сначала напишите хотя бы одну цель."
    assert "до 200 символов" in (await mentor.send("ц" * 201))[-1].text
    await mentor.send("Освоить Python")
    await mentor.tap("Готово")
    assert "кнопкой" in (await mentor.send("полгода"))[-1].text, "duration is chosen by buttons"
    await mentor.tap("6")
    assert "Не понял строку" in (await mentor.send("Тринадцатябрь: поход"))[-1].text
    await mentor.send("Октябрь: знакомство\n11 — проект")
    await mentor.send("дек: итоговая встреча")
    await mentor.tap("Готово")
    await mentor.send("Доклад на школьной конференции")
    assert "отправлена наставляемому и куратору" in mentor.last().text

    async with db.connect() as conn:
        plan = await pair_store.get_plan(conn, pair.id, mentee_id)
    assert plan is not None and plan.status == "submitted"
    assert plan.goals == ["Освоить Python"] and plan.duration_months == 6
    assert [a["month"] for a in plan.activities] == [10, 11, 12]
    [(chat, to_mentee)] = await notices(db, "plan_submitted")
    assert chat == mentee.user.id and "Освоить Python" in to_mentee["text"]
    [(chat, to_curator)] = await notices(db, "plan_for_review")
    assert chat == curator.user.id and "Октябрь: знакомство" in to_curator["text"]

    # the mentee reads it and comments
    await mentee.send("/plan")
    assert "на утверждении" in mentee.last().text and "Ноябрь: проект" in mentee.last().text
    await mentee.tap("Комментировать")
    await mentee.send("Хочу больше практики")
    assert "отправлен наставнику" in mentee.last().text
    [(chat, comment)] = await notices(db, "plan_comment")
    assert chat == mentor.user.id and "Хочу больше практики" in comment["text"]

    # forged review buttons change nothing
    approve = PlanCallback(action="approve", plan=plan.id).pack()
    await mentee.press_data(mentee.last(), approve)
    await mentor.press_data(mentor.last(), approve)
    assert await pairs.entered_programme(db, school) == []

    # the curator returns it with a comment; it reaches the mentor
    await curator.press_data(curator.last(), PlanCallback(action="return", plan=plan.id).pack())
    await curator.send("Добавьте сроки")
    assert "возвращена" in curator.last().text
    [(chat, returned)] = await notices(db, "plan_returned")
    assert chat == mentor.user.id and "Добавьте сроки" in returned["text"]
    await curator.press_data(curator.last(), approve)
    assert curator.callback_answers()[-1].get("text") == "Эта кнопка уже неактуальна."
    assert await pairs.entered_programme(db, school) == []

    # reworked and approved: the mentee has entered the programme
    await draft_plan(mentor, mentee_person.full_name, ["Освоить Python", "Сделать проект"])
    await curator.press_data(curator.last(), approve)
    assert "утверждена" in curator.last().text
    assert await pairs.entered_programme(db, school) == [mentee_id]
    told = {chat for chat, _ in await notices(db, "plan_approved")}
    assert told == {mentor.user.id, mentee.user.id}
    await draft_plan(mentor, mentee_person.full_name, ["Ещё"])
    assert "Программа уже утверждена" in mentor.last().text


async def test_strangers_cannot_plan_or_review(db: Database, new_user: NewUser) -> None:
    _school, curator, mentor, mentee, pair = await approved_cohort(db, new_user)
    assert "пока нет" in (await mentee.send("/plan"))[-1].text
    forged = PlanStepCallback(step="mentee", pair=pair.id, mentee=pair.mentee_ids[0]).pack()
    await mentee.press_data(mentee.last(), forged)
    assert mentee.callback_answers()[-1].get("text") == "Эта кнопка уже неактуальна."
    await mentor.press_data(mentor.last(), PlanStepCallback(step="months", value=6).pack())
    assert mentor.callback_answers()[-1].get("text") == "Эта кнопка уже неактуальна."
    await curator.press_data(curator.last(), PlanCallback(action="approve", plan=999).pack())
    assert curator.callback_answers()[-1].get("text") == "Эта кнопка уже неактуальна."
    async with db.connect() as conn:
        assert await pair_store.plans_for_pair(conn, pair.id) == []


def test_activity_lines_need_a_month_and_a_text() -> None:
    assert parse_activities("Октябрь: знакомство\n 11 — проект \nmay: final") == [
        {"month": 10, "text": "знакомство"},
        {"month": 11, "text": "проект"},
        {"month": 5, "text": "final"},
    ]
    assert parse_activities("сентября - пробная встреча") == [
        {"month": 9, "text": "пробная встреча"}
    ]
    for bad in ("", "13: поход", "знакомство", "Ок: x", "Октябрь: " + "x" * 201, "0 - x"):
        assert parse_activities(bad) is None, bad
    assert parse_goal("  Освоить   Python ") == "Освоить Python"
    assert parse_goal("  ") is None and parse_goal("x" * 201) is None


def test_both_locales_define_the_same_plan_keys() -> None:
    def keys(node: Any, prefix: str = "") -> set[str]:
        if not isinstance(node, dict):
            return {prefix}
        return {k for key, value in node.items() for k in keys(value, f"{prefix}.{key}")}

    def load(locale: str) -> Any:
        return yaml.safe_load((ROOT / "i18n/locales" / locale / "plans.yaml").read_text("utf-8"))

    assert keys(load("ru")) == keys(load("en"))
