"""Organisation pickers at region size: a coordinator's /stats and an admin's forms page
through every organisation (they used to stop silently at the 50th)."""

from __future__ import annotations

from collections.abc import Callable

from bot.callbacks import HeadcountCallback, StatsCallback
from storage import people as people_store
from storage.db import Database
from tests.chat import ChatUser
from tests.factories import make_member, make_school
from tests.test_long_lists import current, unpacked, walk_pages

NewUser = Callable[..., ChatUser]
SCHOOLS = 130


async def schools(db: Database) -> list[int]:
    return [await make_school(db, f"МБОУ СОШ № {n}") for n in range(1, SCHOOLS + 1)]


async def member_of_all(
    db: Database, user: ChatUser, name: str, role: str, orgs: list[int]
) -> None:
    person = await make_member(db, user.user.id, name, orgs[0], role)
    async with db.begin() as conn:
        for org in orgs[1:]:
            await people_store.add_membership(conn, person, org, role)


async def test_a_coordinators_stats_picker_reaches_every_organisation(
    db: Database, new_user: NewUser
) -> None:
    orgs = await schools(db)
    coordinator = new_user("Координатор")
    await member_of_all(db, coordinator, "Координаторова Инна", "coordinator", orgs)
    replies = await coordinator.send("/stats")
    picker = (await coordinator.press(replies[-1], "Выбрать организацию"))[-1]

    chosen = unpacked(await walk_pages(coordinator, picker), StatsCallback)
    shown = {c.org for c in chosen if isinstance(c, StatsCallback) and c.action == "show"}
    assert shown == {0, *orgs}, "the whole scope and every organisation, none cut"

    last = next(
        b
        for row in current(coordinator, picker).reply_markup.inline_keyboard
        for b in row
        if b.text == f"МБОУ СОШ № {SCHOOLS}"
    )
    summary = await coordinator.press(current(coordinator, picker), last.text)
    assert any(f"МБОУ СОШ № {SCHOOLS}" in (m.text or "") for m in summary)


async def test_an_admins_headcount_picker_reaches_every_organisation(
    db: Database, new_user: NewUser
) -> None:
    orgs = await schools(db)
    curator = new_user("Куратор")
    await member_of_all(db, curator, "Кураторова Елена", "curator", orgs)
    picker = (await curator.send("/headcount"))[-1]
    chosen = unpacked(await walk_pages(curator, picker), HeadcountCallback)
    assert {c.org for c in chosen if isinstance(c, HeadcountCallback)} == set(orgs)

    started = await curator.press(current(curator, picker), f"МБОУ СОШ № {SCHOOLS}")
    assert any(f"МБОУ СОШ № {SCHOOLS}" in (m.text or "") for m in started)
