"""Telegram's limits at a 2,000-person school: long lists are split into messages of at most
4,096 characters, pickers are paged at most 100 buttons a keyboard, nobody is cut.

The recording session refuses what Telegram refuses (tests/recording.py), so a list sent as
one over-long message fails here as it would for a real curator.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from aiogram import Bot
from aiogram.filters.callback_data import CallbackData
from aiogram.types import Message

from bot.callbacks import (
    AttendeeCallback,
    MeetingPairCallback,
    PageCallback,
    PairDissolveCallback,
    PairsCallback,
    PaperConsentCallback,
)
from bot.long_messages import PAGE_SIZE, TEXT_LIMIT, visible_length
from i18n import Translator
from mentoring.pairs import service as pairs
from mentoring.questionnaires import waves
from sandbox.formatting import parse_html
from storage.db import Database
from surveys.definitions import load_definitions
from tests.chat import ChatUser
from tests.factories import make_approved_pair, make_member, make_school
from tests.recording import RecordingSession, Request
from tests.school import Member, add_members, born_years_ago, names

CURATOR_TG = 900_001


def refused(bot: Bot) -> list[Request]:
    """What Telegram would have refused with a 400 (the recording session keeps it)."""
    assert isinstance(bot.session, RecordingSession)
    return bot.session.refused


def within_limits(messages: list[Message]) -> None:
    for message in messages:
        text = message.text or ""
        assert visible_length(text) <= TEXT_LIMIT
        parse_html(text)  # every part parses on its own: no tag left open
        if message.reply_markup is not None:
            assert sum(len(row) for row in message.reply_markup.inline_keyboard) <= 100


def shown(messages: list[Message]) -> str:
    return "\n".join(parse_html(m.text or "")[0] for m in messages)


def current(user: ChatUser, message: Message) -> Message:
    return user.session.sent[(message.chat.id, message.message_id)]


async def walk_pages(user: ChatUser, message: Message) -> list[str]:
    """Press ▶ until the last page; the callback data of every button seen on the way."""
    seen: list[str] = []
    pages = 0
    while True:
        markup = current(user, message).reply_markup
        assert markup is not None
        buttons = [b for row in markup.inline_keyboard for b in row]
        assert len(buttons) <= 100
        seen += [b.callback_data or "" for b in buttons]
        pages += 1
        forward = [b for b in buttons if b.text.endswith("▶")]
        if not forward:
            return seen
        assert pages < 200, "the pager never ends"
        await user.press(current(user, message), forward[0].text)


def unpacked(data: list[str], kind: type[CallbackData]) -> list[CallbackData]:
    prefix = kind.__prefix__ + kind.__separator__
    return [kind.unpack(d) for d in data if d.startswith(prefix)]


async def curator_in(
    db: Database, new_user: Callable[..., ChatUser], school: int
) -> tuple[ChatUser, int]:
    person_id = await make_member(db, CURATOR_TG, "Куратор Ольга Ивановна", school, "curator")
    return new_user("Ольга", user_id=CURATOR_TG), person_id


async def test_consents_of_500_minors_in_a_2000_person_school(
    db: Database, new_user: Callable[..., ChatUser], bot: Bot
) -> None:
    school = await make_school(db)
    minors = await add_members(db, school, "mentee", 500, born=born_years_ago(13))
    await add_members(db, school, "mentee", 1100, born=born_years_ago(19))
    await add_members(db, school, "mentor", 399, born=born_years_ago(35))
    curator, _ = await curator_in(db, new_user, school)

    replies = await curator.send("/consents")

    assert refused(bot) == []
    assert len(replies) > 1  # one message could not hold them
    within_limits(replies)
    text = shown(replies)
    assert all(f"• {name} (" in text for name in names(minors)), "every minor is listed"
    assert text.count("• ") == 500, "and nobody else"
    # The paper-consent buttons are paged under the last part: every minor has one.
    assert all(m.reply_markup is None for m in replies[:-1])
    seen = await walk_pages(curator, replies[-1])
    buttons = unpacked(seen, PaperConsentCallback)
    assert sorted(b.person for b in buttons) == sorted(m.id for m in minors)  # type: ignore[attr-defined]
    assert refused(bot) == []


async def test_a_page_press_is_rechecked_and_clamped(
    db: Database, new_user: Callable[..., ChatUser], bot: Bot
) -> None:
    school = await make_school(db)
    other = await make_school(db, "МБОУ СОШ № 2")
    await add_members(db, school, "mentee", 45, born=born_years_ago(12))
    await add_members(db, other, "mentee", 5, born=born_years_ago(12))
    curator, _ = await curator_in(db, new_user, school)
    [*_, listing] = await curator.send("/consents")

    # A forged page far beyond the end shows the last real page (minors 41..45).
    await curator.press_data(listing, PageCallback(picker="consents", page=99, org=school).pack())
    buttons = current(curator, listing).reply_markup.inline_keyboard
    data = [b.callback_data or "" for row in buttons for b in row]
    assert len(unpacked(data, PaperConsentCallback)) == 5
    # Another school's list is refused, and the keyboard stays as it was.
    await curator.press_data(listing, PageCallback(picker="consents", page=0, org=other).pack())
    assert curator.callback_answers()[-1]["text"] == "Это действие вам недоступно."
    assert current(curator, listing).reply_markup.inline_keyboard == buttons


async def test_wave_detail_of_300_people(
    db: Database, new_user: Callable[..., ChatUser], bot: Bot, translator: Translator
) -> None:
    school = await make_school(db)
    mentees = await add_members(db, school, "mentee", 300, born=born_years_ago(20))
    await add_members(db, school, "mentor", 1699, born=born_years_ago(35))
    curator, person_id = await curator_in(db, new_user, school)
    now = datetime.now(UTC)
    launch = await waves.launch_wave(
        db,
        translator,
        load_definitions(),
        organisation_id=school,
        survey_code="satisfaction_mentee",
        role="mentee",
        deadline=(now + timedelta(days=14)).date(),
        actor_person_id=person_id,
        now=now,
    )
    assert launch.invited == 300

    [overview] = await curator.send("/responses")
    [wave_button] = [b.text for row in overview.reply_markup.inline_keyboard for b in row]
    detail = await curator.press(overview, wave_button)

    assert refused(bot) == []
    assert len(detail) > 1
    within_limits(detail)
    text = shown(detail)
    assert "Не начинали (300):" in text
    assert all(f"• {name}" in text for name in names(mentees)), "every person is listed"


STUDENT = {
    "position": "student",
    "subjects": ["math", "physics"],
    "interests": ["it", "science"],
    "format": "offline",
}


async def test_a_proposal_for_400_mentees_and_a_move_to_a_mentor_on_page_2(
    db: Database, new_user: Callable[..., ChatUser], bot: Bot
) -> None:
    school = await make_school(db)
    mentees = await add_members(db, school, "mentee", 400, born=born_years_ago(19), intake=STUDENT)
    mentors = await add_members(
        db, school, "mentor", 150, born=born_years_ago(22), intake=STUDENT | {"capacity": 3}
    )
    curator, _ = await curator_in(db, new_user, school)
    [menu] = await curator.send("/pairs")

    proposal = await curator.press(menu, "Предложить пары")

    assert refused(bot) == []
    assert len(proposal) > 1
    within_limits(proposal)
    text = shown(proposal)
    assert all(name in text for name in names(mentees)), "every mentee is in the proposal"
    assert [b.text for row in proposal[-1].reply_markup.inline_keyboard for b in row] == [
        "✅ Утвердить все",
        "✏️ Изменить",
        "Предложить пары",
    ]

    # Every mentee can be picked for editing, page by page.
    [picker] = await curator.press(proposal[-1], "✏️ Изменить")
    picked = unpacked(await walk_pages(curator, picker), PairsCallback)
    assert sorted(p.mentee for p in picked) == sorted(m.id for m in mentees)  # type: ignore[attr-defined]

    # Move the first mentee to a mentor with a free seat who is on page 2 or later.
    view = await pairs.view(db, school, datetime.now(UTC).date())
    assert view is not None
    first = next(m for g in view.groups for m in g.members)
    by_name = sorted(mentors, key=lambda m: (m.name, m.id))
    free = {g.mentor_id for g in view.groups if len(g.members) < g.capacity}
    free |= {m.id for m in mentors} - {g.mentor_id for g in view.groups}
    target: Member = next(m for m in by_name[PAGE_SIZE:] if m.id in free)
    [mentee_picker] = await curator.press(proposal[-1], "✏️ Изменить")
    while first.name[:60] not in await curator.buttons():
        await curator.tap(next(b for b in await curator.buttons() if b.endswith("▶")))
    [mentor_picker] = await curator.press(current(curator, mentee_picker), first.name[:60])
    assert "Убрать из пары" in await curator.buttons()
    pages_turned = 0
    while target.name[:60] not in await curator.buttons():
        await curator.tap(next(b for b in await curator.buttons() if b.endswith("▶")))
        pages_turned += 1
    assert pages_turned >= 1, "the mentor was on page 2 or later"
    moved = await curator.press(current(curator, mentor_picker), target.name[:60])

    within_limits(moved)
    after = await pairs.view(db, school, datetime.now(UTC).date())
    assert after is not None
    group = next(g for g in after.groups if g.mentor_id == target.id)
    assert first.mentee_id in {m.mentee_id for m in group.members}
    assert refused(bot) == []


async def test_the_group_meeting_lists_every_candidate_and_keeps_the_page(
    db: Database, new_user: Callable[..., ChatUser], bot: Bot
) -> None:
    school = await make_school(db)
    people = await add_members(db, school, "mentee", 130, born=born_years_ago(20))
    people += await add_members(db, school, "mentor", 40, born=born_years_ago(35))
    curator, _ = await curator_in(db, new_user, school)
    await curator.send("/group_meeting")
    [picker] = await curator.send(datetime.now(UTC).strftime("%d.%m.%Y"))

    seen = unpacked(await walk_pages(curator, picker), AttendeeCallback)
    assert sorted(a.person for a in seen if a.person) == sorted(p.id for p in people)  # type: ignore[attr-defined]

    # On the last page, ticking a person keeps that page in view, with the tick.
    last_page = [
        b.text for row in current(curator, picker).reply_markup.inline_keyboard for b in row
    ]
    await curator.press(current(curator, picker), last_page[0])
    after = [b.text for row in current(curator, picker).reply_markup.inline_keyboard for b in row]
    assert after[0] == "✔ " + last_page[0]
    assert after[1:] == last_page[1:]
    assert refused(bot) == []


async def test_120_active_pairs_in_the_pairs_menu_and_the_meeting_picker(
    db: Database, new_user: Callable[..., ChatUser], bot: Bot
) -> None:
    school = await make_school(db)
    mentors = await add_members(db, school, "mentor", 120, born=born_years_ago(35))
    mentees = await add_members(db, school, "mentee", 120, born=born_years_ago(20))
    pair_ids = [
        await make_approved_pair(db, school, mentor.id, mentee.id)
        for mentor, mentee in zip(mentors, mentees, strict=True)
    ]
    curator, _ = await curator_in(db, new_user, school)

    menu = await curator.send("/pairs")
    within_limits(menu)
    text = shown(menu)
    assert all(f"{m.name} — {e.name}" in text for m, e in zip(mentors, mentees, strict=True))
    dissolvable = unpacked(await walk_pages(curator, menu[-1]), PairDissolveCallback)
    assert sorted(d.pair for d in dissolvable) == sorted(pair_ids)  # type: ignore[attr-defined]

    [picker] = await curator.send("/meeting")
    schedulable = unpacked(await walk_pages(curator, picker), MeetingPairCallback)
    assert {p.pair for p in schedulable} == {0, *pair_ids}  # type: ignore[attr-defined]
    assert refused(bot) == []
