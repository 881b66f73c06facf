"""The person is cached between updates, yet every change to him shows on the next one."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select, update

from storage import outbox
from storage.db import Database
from storage.person_cache import PersonCache
from storage.schema import organisations, people
from tests.chat import ChatUser
from tests.factories import make_invite, make_school

NOT_REGISTERED = "Вы ещё не зарегистрированы"


async def _registered(db: Database, user: ChatUser, name: str = "Иванова Анна") -> int:
    code = await make_invite(db, await make_school(db))
    await user.press((await user.send(f"/start {code}"))[-1], "Даю согласие")
    await user.send(name)
    async with db.connect() as conn:
        return int((await conn.execute(select(people.c.id))).scalar_one())


async def test_forget_is_seen_on_the_next_update(
    db: Database, new_user: Callable[..., ChatUser]
) -> None:
    anna = new_user("Anna")
    await _registered(db, anna)
    assert "Иванова Анна" in (await anna.send("/me"))[-1].text  # now cached
    confirm = (await anna.send("/forget"))[-1]
    await anna.press(confirm, "Да, удалить мои данные")
    assert NOT_REGISTERED in (await anna.send("/me"))[-1].text


async def test_language_switch_is_seen_on_the_next_update(
    db: Database, new_user: Callable[..., ChatUser]
) -> None:
    boris = new_user("Boris")
    await _registered(db, boris, "Борисов Борис")
    assert "Роли" in (await boris.send("/me"))[-1].text
    chooser = (await boris.send("/language"))[-1]
    await boris.press(chooser, "English")
    assert "Roles" in (await boris.send("/me"))[-1].text


async def test_blocked_person_marked_inactive_is_seen_on_the_next_update(
    db: Database, new_user: Callable[..., ChatUser]
) -> None:
    vera = new_user("Vera")
    person_id = await _registered(db, vera, "Верина Вера")
    assert NOT_REGISTERED not in (await vera.send("/survey"))[-1].text
    async with db.begin() as conn:  # what the outbox does on a 403
        await outbox.mark_person_blocked(conn, person_id)
    assert NOT_REGISTERED in (await vera.send("/survey"))[-1].text


async def test_organisation_renamed_by_the_back_office_is_seen(
    db: Database, new_user: Callable[..., ChatUser]
) -> None:
    gleb = new_user("Gleb")
    await _registered(db, gleb, "Глебов Глеб")
    assert "МБОУ СОШ № 1" in (await gleb.send("/me"))[-1].text
    async with db.begin() as conn:
        await conn.execute(update(organisations).values(name="Лицей № 2"))
    assert "Лицей № 2" in (await gleb.send("/me"))[-1].text


async def test_a_load_overlapping_a_write_is_not_kept(db: Database) -> None:
    cache = PersonCache(db.engine)
    ticket = cache.ticket()
    async with db.begin() as conn:
        await conn.execute(update(people).values(locale="en"))
        cache.put(1, None, cache.ticket())  # read while the write is not committed
        assert cache.get(1) is PersonCache.MISS
    cache.put(1, None, ticket)  # read started before the write
    assert cache.get(1) is PersonCache.MISS
    cache.put(1, None, cache.ticket())
    assert cache.get(1) is None


async def test_entries_expire_for_changes_made_by_other_processes(db: Database) -> None:
    now = [0.0]
    cache = PersonCache(db.engine, ttl=10, clock=lambda: now[0])
    cache.put(1, None, cache.ticket())
    now[0] = 9.9
    assert cache.get(1) is None
    now[0] = 10.0
    assert cache.get(1) is PersonCache.MISS
