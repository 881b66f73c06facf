"""The inbox: taken in once, handled in order per chat, resumed after a crash, then pruned."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

from aiogram import Bot, Dispatcher
from aiogram.types import Message, Update
from sqlalchemy import select

from bot.inbox import ORPHAN_AFTER, InboxProcessor, replica_name
from bot.reply_journal import ReplyJournal
from i18n import Translator
from mentoring.people.erasure import forget_person
from storage import inbox, people
from storage.db import Database, sqlite_path
from storage.schema import inbox as inbox_table
from surveys.definitions import load_definitions
from tests.factories import make_member, make_school
from tests.recording import RecordingSession

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _update(bot: Bot, update_id: int, chat_id: int, text: str) -> Update:
    person = {"id": chat_id, "first_name": "Анна"}
    return Update.model_validate(
        {
            "update_id": update_id,
            "message": {
                "message_id": update_id,
                "date": int(NOW.timestamp()),
                "chat": {**person, "type": "private"},
                "from": {**person, "is_bot": False},
                "text": text,
            },
        },
        context={"bot": bot},
    )


class Log:
    """A dispatcher whose one handler notes each text; `gates` hold a text until opened."""

    def __init__(self) -> None:
        self.events: list[str] = []
        self.gates: dict[str, asyncio.Event] = {}
        self._changed = asyncio.Event()
        self.dispatcher = Dispatcher()
        self.dispatcher.message()(self.on_message)

    async def on_message(self, message: Message) -> None:
        text = message.text or ""
        self._note(f"start {text}")
        if text in self.gates:
            await message.answer("Минутку…")  # its first reply leaves before it waits
            await self.gates[text].wait()
        self._note(f"end {text}")

    def _note(self, event: str) -> None:
        self.events.append(event)
        self._changed.set()

    async def until(self, *events: str) -> None:
        while not set(events) <= set(self.events):
            self._changed.clear()
            await self._changed.wait()

    def texts(self) -> list[str]:
        return [event.removeprefix("end ") for event in self.events if event.startswith("end ")]


def _processor(db: Database, log: Log, bot: Bot, tmp_path: Path) -> InboxProcessor:
    journal = ReplyJournal(tmp_path / "replies")
    return InboxProcessor(db, log.dispatcher, bot, journal, now=lambda: NOW)


async def _rows(db: Database) -> dict[int, tuple[str, str | None]]:
    async with db.connect() as conn:
        rows = await conn.execute(
            select(inbox_table.c.update_id, inbox_table.c.state, inbox_table.c.raw)
        )
    return {row.update_id: (row.state, row.raw) for row in rows}


async def test_a_redelivered_update_is_handled_once(db: Database, tmp_path: Path) -> None:
    bot, log = Bot("42:TEST", session=RecordingSession()), Log()
    processor = _processor(db, log, bot, tmp_path)
    await processor.resume()
    hello = _update(bot, 101, 7, "привет")
    await processor.take_in([hello])
    await processor.wait_idle()
    await processor.take_in([hello, _update(bot, 102, 7, "ещё")])  # offset not moved in time
    await processor.wait_idle()
    assert log.texts() == ["привет", "ещё"]
    assert await _rows(db) == {101: ("done", None), 102: ("done", None)}


async def test_one_chat_in_order_other_chats_meanwhile(db: Database, tmp_path: Path) -> None:
    bot, log = Bot("42:TEST", session=RecordingSession()), Log()
    log.gates["a1"] = asyncio.Event()
    processor = _processor(db, log, bot, tmp_path)
    await processor.resume()
    await processor.take_in([_update(bot, 1, 7, "a1"), _update(bot, 2, 7, "a2")])
    await processor.take_in([_update(bot, 3, 8, "b1")])
    await log.until("end b1")  # chat 8 is not held up by chat 7's slow update
    assert "start a2" not in log.events  # chat 7's next one waits its turn
    log.gates["a1"].set()
    await processor.wait_idle()
    assert log.texts() == ["b1", "a1", "a2"]
    assert log.events.index("end a1") < log.events.index("start a2")


async def test_a_restart_handles_what_was_left_once_in_update_order(
    db: Database, tmp_path: Path
) -> None:
    bot, crashed = Bot("42:TEST", session=RecordingSession()), Log()
    for text in ("a1", "b1"):
        crashed.gates[text] = asyncio.Event()  # never opened: the process dies in there
    first = _processor(db, crashed, bot, tmp_path)
    await first.resume()
    await first.take_in([_update(bot, 11, 7, "a1"), _update(bot, 12, 8, "b1")])
    await first.take_in([_update(bot, 13, 7, "a2")])
    await first.take_in([_update(bot, 15, 7, "a3")])
    await crashed.until("start a1", "start b1")
    await first.close(timeout=0)  # the crash: whatever runs stops, nothing more is written
    assert {u: state for u, (state, _) in (await _rows(db)).items()} == {
        11: "new",
        12: "new",
        13: "new",
        15: "new",
    }

    restarted = Log()
    second = _processor(db, restarted, bot, tmp_path)
    assert await second.resume() == 2
    await second.wait_idle()
    # a1 and b1 had replied ("Минутку…") before the crash: not again; a2, a3 in turn.
    assert restarted.texts() == ["a2", "a3"]
    async with db.connect() as conn:
        assert await inbox.unfinished_count(conn) == 0
    assert second.journal.replied() == set()


async def test_an_update_that_had_not_replied_is_handled_after_a_restart(
    db: Database, tmp_path: Path
) -> None:
    bot = Bot("42:TEST", session=RecordingSession())
    async with db.begin() as conn:  # taken in, then the process died before handling it
        await inbox.take_in(
            conn,
            [
                inbox.Incoming(
                    21,
                    7,
                    7,
                    _update(bot, 21, 7, "x").model_dump_json(by_alias=True, exclude_unset=True),
                )
            ],
            NOW,
            taken_by=replica_name(),  # this very process, before its crash
        )
    log = Log()
    processor = _processor(db, log, bot, tmp_path)
    assert await processor.resume() == 1
    await processor.wait_idle()
    assert log.texts() == ["x"]
    assert await _rows(db) == {21: ("done", None)}


async def test_done_rows_keep_no_text_and_go_after_a_day(db: Database) -> None:
    rows = [inbox.Incoming(n, 7, 7, f'{{"update_id": {n}, "text": "Иванова"}}') for n in (1, 2, 3)]
    async with db.begin() as conn:
        assert await inbox.take_in(conn, rows[:2], NOW - timedelta(days=2)) == {1, 2}
        assert await inbox.take_in(conn, rows, NOW) == {3}  # 1 and 2 were there already
        await inbox.mark_done(conn, [1, 3])
        assert await inbox.prune(conn, NOW - timedelta(days=1)) == 1
    assert await _rows(db) == {2: ("new", rows[1].raw), 3: ("done", None)}


async def test_forget_erases_his_updates_texts(db: Database) -> None:
    his = [inbox.Incoming(n, 7, 7, '{"text": "Иванова Анна"}') for n in (1, 2)]
    other = inbox.Incoming(3, 8, 8, '{"text": "Петров"}')
    async with db.begin() as conn:
        await inbox.take_in(conn, [*his, other], NOW)
        await inbox.forget_user(conn, 7)
    assert await _rows(db) == {1: ("new", None), 2: ("new", None), 3: ("new", other.raw)}


async def test_forget_leaves_none_of_his_texts_in_the_inbox_files(
    db: Database, translator: Translator, tmp_path: Path
) -> None:
    bot = Bot("42:TEST", session=RecordingSession())
    school = await make_school(db)
    person_id = await make_member(db, 7007, "Иванова Анна Сергеевна", school, "mentee")
    updates = [_update(bot, 1, 7007, "Иванова Анна Сергеевна"), _update(bot, 2, 8008, "Петров")]
    processor = _processor(db, Log(), bot, tmp_path)
    await processor.resume()
    await processor.take_in(updates)
    await processor.wait_idle()
    async with db.begin() as conn:  # he writes again; the bot has not handled it yet
        row = inbox.Incoming(3, 7007, 7007, _update(bot, 3, 7007, "Я передумала").model_dump_json())
        await inbox.take_in(conn, [row], NOW)
        person = await people.get(conn, person_id)
    assert person is not None
    await forget_person(db, translator, load_definitions(), person, now=NOW)
    path = sqlite_path(db.url)
    if path is None:  # PostgreSQL: the rows (dead versions wait for VACUUM, see README)
        async with db.connect() as conn:
            stored = "\n".join(
                str(cell) for r in await conn.execute(select(inbox_table)) for cell in r
            ).encode()
    else:
        stored = b"".join(
            file.read_bytes()
            for file in (path, path.with_name(f"{path.name}-wal"))
            if file.exists()
        )
    for text in ("Иванова", "передумала"):
        assert text.encode() not in stored
    assert (await _rows(db))[3] == ("new", None)


async def test_a_restart_closes_rows_it_cannot_handle(db: Database, tmp_path: Path) -> None:
    async with db.begin() as conn:  # erased by /forget; written by an older version
        mine = replica_name()
        await inbox.take_in(conn, [inbox.Incoming(31, 7, 7, "{}")], NOW, mine)
        await inbox.take_in(conn, [inbox.Incoming(32, 8, 8, '{"update_id": 32}')], NOW, mine)
        await inbox.forget_user(conn, 8)
    log = Log()
    processor = _processor(db, log, Bot("42:TEST", session=RecordingSession()), tmp_path)
    assert await processor.resume() == 0
    assert log.events == []
    assert await _rows(db) == {31: ("done", None), 32: ("done", None)}


async def test_replicas_take_back_their_own_at_once_and_a_dead_ones_after_a_while(
    db: Database, tmp_path: Path
) -> None:
    """On a shared database: a restarted replica takes back what it had taken in; what
    another replica took in is left to it until ORPHAN_AFTER, then taken over once."""
    if not db.shared:
        return  # one process owns a SQLite file: everything unfinished is its own
    bot = Bot("42:TEST", session=RecordingSession())
    raw = [
        _update(bot, n, n, f"t{n}").model_dump_json(by_alias=True, exclude_unset=True)
        for n in (41, 42)
    ]
    async with db.begin() as conn:
        await inbox.take_in(conn, [inbox.Incoming(41, 41, 41, raw[0])], NOW, replica_name())
        await inbox.take_in(conn, [inbox.Incoming(42, 42, 42, raw[1])], NOW, "other-host:/srv")
    log = Log()
    processor = _processor(db, log, bot, tmp_path)
    assert await processor.resume() == 1
    await processor.wait_idle()
    assert log.texts() == ["t41"]
    later = InboxProcessor(
        db,
        log.dispatcher,
        bot,
        ReplyJournal(tmp_path / "later"),
        now=lambda: NOW + ORPHAN_AFTER * 2,
    )
    later.owner = "third-host:/srv"
    assert await later.resume() == 1
    await later.wait_idle()
    assert log.texts() == ["t41", "t42"]
    again = InboxProcessor(
        db,
        log.dispatcher,
        bot,
        ReplyJournal(tmp_path / "again"),
        now=lambda: NOW + ORPHAN_AFTER * 3,
    )
    assert await again.resume() == 0  # handled: nothing left for anybody
    for each in (processor, later, again):
        await each.close()
