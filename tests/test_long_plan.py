"""A full-length personalised programme (5 goals, 24 activities, 1,000 characters of results:
about 7,300 characters) goes end to end: the mentor sees it back, the mentee's and the
curator's notices go out through the outbox in several parts with the button under the
last, and the curator approves it there."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from html import escape

from aiogram import Bot
from aiogram.types import Message

from bot.long_messages import TEXT_LIMIT, visible_length
from bot.outbox_dispatcher import OutboxDispatcher
from mentoring.pairs import plans
from sandbox.formatting import parse_html
from scheduler.clock import FakeClock
from scheduler.rate_limit import RateLimiter
from storage import outbox
from storage import pairs as pair_store
from storage.db import Database
from tests.chat import ChatUser
from tests.factories import make_approved_pair, make_member, make_school
from tests.recording import RecordingSession

MONTHS = ("Январь", "Февраль", "Март", "Апрель", "Май", "Июнь", "Июль", "Август", "Сентябрь",
          "Октябрь", "Ноябрь", "Декабрь")  # fmt: skip


def padded(text: str, length: int) -> str:
    """`text` and filler words up to exactly `length` characters; "<" and "&" included, so
    the HTML sent is far longer than what is shown (escaped as &lt; and &amp;)."""
    filler = " <задача> & итог"
    while len(text) < length:
        text += filler
    return text[:length].rstrip()


GOALS = [padded(f"Цель {n}: подготовить проект", plans.SHORT_TEXT) for n in range(1, 6)]
ACTIVITIES = [padded(f"занятие {n}", plans.SHORT_TEXT) for n in range(1, 25)]
RESULTS = padded("Проект защищён на школьной конференции", plans.LONG_TEXT)


def received(session: RecordingSession, chat_id: int) -> list[Message]:
    return [m for (chat, _), m in session.sent.items() if chat == chat_id]


def checked(messages: list[Message]) -> str:
    """The messages as the person reads them, each checked against Telegram's limits."""
    shown = []
    for message in messages:
        assert visible_length(message.text or "") <= TEXT_LIMIT
        shown.append(parse_html(message.text or "")[0])
    return "\n".join(shown)


def holds_the_whole_plan(text: str) -> bool:
    return (
        all(goal in text for goal in GOALS)
        and all(activity in text for activity in ACTIVITIES)
        and RESULTS in text
    )


async def test_a_full_length_plan_from_the_mentor_to_the_curators_approve_button(
    db: Database, new_user: Callable[..., ChatUser], bot: Bot
) -> None:
    school = await make_school(db)
    curator_id = await make_member(db, 810_001, "Куратор Ольга Ивановна", school, "curator")
    mentor_id = await make_member(db, 810_002, "Петров Пётр Петрович", school, "mentor")
    mentee_id = await make_member(db, 810_003, "Сидорова Анна Павловна", school, "mentee")
    pair_id = await make_approved_pair(db, school, mentor_id, mentee_id)
    mentor = new_user("Пётр", user_id=810_002)
    mentee = new_user("Анна", user_id=810_003)
    curator = new_user("Ольга", user_id=810_001)
    session: RecordingSession = bot.session  # type: ignore[assignment]

    await mentor.send("/plan")
    for goal in GOALS:
        await mentor.send(goal)  # the fifth goal moves on to the duration by itself
    await mentor.tap("12")
    lines = [f"{MONTHS[n % 12]}: {activity}" for n, activity in enumerate(ACTIVITIES)]
    await mentor.send("\n".join(lines[:12]))  # a person's message has 4,096 characters too
    await mentor.send("\n".join(lines[12:]))
    await mentor.tap("Готово")
    back = await mentor.send(RESULTS)

    assert session.refused == []
    assert len(back) > 1
    assert visible_length(escape(RESULTS)) == len(RESULTS) < len(escape(RESULTS))
    assert holds_the_whole_plan(checked(back)), "the mentor sees the whole plan he sent"
    async with db.connect() as conn:
        plan = await pair_store.get_plan(conn, pair_id, mentee_id)
    assert plan is not None and plan.status == "submitted"
    assert len(plans.render_plan(plan, lambda key, **kw: key)) > TEXT_LIMIT

    # The notices leave through the outbox, each as several messages, as one delivery each.
    clock = FakeClock(datetime.now(UTC) + timedelta(minutes=1), auto_advance=True)
    dispatcher = OutboxDispatcher(db, bot, clock, RateLimiter(clock))
    report = await dispatcher.run_once()
    assert (report.sent, report.failed) == (2, 0)
    async with db.connect() as conn:
        assert (await outbox.counts_by_status(conn))["sent"] == 2

    to_mentee = received(session, 810_003)
    assert len(to_mentee) > 1
    assert holds_the_whole_plan(checked(to_mentee))
    assert [m.reply_markup is not None for m in to_mentee] == [False] * (len(to_mentee) - 1) + [
        True
    ]
    to_curator = received(session, 810_001)
    assert len(to_curator) > 1
    assert "Программа на утверждение: наставник Петров Пётр Петрович" in checked(to_curator)
    assert holds_the_whole_plan(checked(to_curator))

    # The mentee reads it again with /plan: split as well, the comment button under the end.
    again = await mentee.send("/plan")
    assert len(again) > 1 and holds_the_whole_plan(checked(again))
    assert again[-1].reply_markup is not None

    # The curator approves it with the button under the last part.
    done = await curator.press(to_curator[-1], "✅ Утвердить")
    assert [m.text for m in done] == ["Программа утверждена."]
    async with db.connect() as conn:
        plan = await pair_store.get_plan(conn, pair_id, mentee_id)
    assert plan is not None and plan.status == "approved"
    assert curator_id and session.refused == []
