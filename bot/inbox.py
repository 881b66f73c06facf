"""The inbox processor: every update is handled once, from the inbox, even across a crash.

The front door (bot/polling.py, or bot/webhook.py) hands each batch to `take_in`,
which stores it in one transaction and only then returns, so Telegram is told "received"
(the next getUpdates offset, or the webhook's 200) only for updates that are durable.
Updates are then handled concurrently across chats and one at a time, in update_id order,
within a chat (a lane per chat). A redelivered update already in the inbox is skipped.

What a crash (SIGKILL, power cut) costs depends on where "handled" is written, because
Telegram offers no way to send a message exactly once; only the window can be made small.

- Marking done after the handler returns leaves a window from the reply reaching Telegram
  to that commit: the response's way back, the rest of the handler, a queued commit. A
  crash inside it handles the update again after the restart: a duplicate reply.
- Marking before the first Bot API call (a session middleware committing to the database)
  leaves a window from that commit to the request leaving the process: the commit comes
  back from SQLite's thread through the event loop, and aiohttp writes the body one loop
  turn later. Under a burst a turn takes milliseconds: in the kill test (30 chats, SIGKILL
  50-200 ms into a burst) every run of 12 kills lost replies that way.
- So the mark is the reply journal (bot/reply_journal.py): the update's id is appended to
  a file in the same synchronous step that hands the first request's bytes to the socket.

After a restart, `new` rows are handled in update_id order, except those the journal
names: their first reply left, so they are closed unhandled (at worst the rest of one
interrupted handler is lost; a reply is never doubled). Done is then written by group
commit, off the reply's path; a done row keeps only its update_id (the JSON holds what
people wrote) and is pruned after a day.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import traceback
from collections import deque
from collections.abc import Callable, Coroutine, Hashable, Sequence
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.dispatcher.middlewares.user_context import UserContextMiddleware
from aiogram.methods import TelegramMethod
from aiogram.types import Update
from pydantic import ValidationError

from bot.reply_journal import ReplyJournal
from storage import inbox
from storage.db import Database
from storage.types import utcnow

__all__ = ["InboxProcessor", "replica_name"]

log = logging.getLogger(__name__)

KEEP_DONE = timedelta(days=1)
PRUNE_EVERY = timedelta(hours=1)
JOURNAL_CLEAR_SIZE = 64 * 1024  # bytes; cleared when idle and larger than this
# Replicas on one database (PostgreSQL): an update still new this long after it was taken
# in has lost its replica (killed, or restarted), and any replica takes it over. Handling
# takes well under a second; a handler slower than this may be run twice.
# Its own updates a restarted replica takes back at once.
ORPHAN_AFTER = timedelta(seconds=30)
RECOVER_EVERY = 10.0  # seconds between two looks for orphans


def _incoming(update: Update) -> inbox.Incoming:
    context = UserContextMiddleware.resolve_event_context(update)
    return inbox.Incoming(
        update_id=update.update_id,
        chat_id=context.chat.id if context.chat else None,
        user_id=context.user.id if context.user else None,
        raw=update.model_dump_json(exclude_unset=True, by_alias=True),
    )


def _lane_key(chat_id: int | None, user_id: int | None, update_id: int) -> Hashable:
    if chat_id is not None:
        return ("chat", chat_id)
    if user_id is not None:
        return ("user", user_id)
    return ("update", update_id)  # polls and the like: no order to keep


def replica_name() -> str:
    """This replica, the same across its restarts: the host and the working directory."""
    return f"{socket.gethostname()}:{os.getcwd()}"[:200]


class InboxProcessor:
    def __init__(
        self,
        db: Database,
        dispatcher: Dispatcher,
        bot: Bot,
        journal: ReplyJournal,
        *,
        now: Callable[[], datetime] = utcnow,
    ) -> None:
        self.db = db
        self.dispatcher = dispatcher
        self.bot = bot
        self.journal = journal
        self.now = now
        self._lanes: dict[Hashable, deque[Update]] = {}
        self._workers: set[asyncio.Task[None]] = set()
        self._done: list[int] = []  # handled, to be marked by the next write
        self._marking: asyncio.Task[None] | None = None
        self._pruned_at: datetime | None = None
        self._recovery: asyncio.Task[None] | None = None
        self.owner = replica_name()
        journal.open()
        bot.session.middleware(journal.middleware())

    async def resume(self) -> int:
        """At start-up, before new updates: handle what a crash left; returns how many.

        Rows whose reply had left (the journal) are closed unhandled, and so are rows
        whose JSON /forget erased.
        """
        if self.db.shared:  # other replicas' rows in flight are theirs
            count = await self._recover()  # its own are all taken back: the journal is done
            self.journal.clear()
            if self._recovery is None:
                self._recovery = asyncio.create_task(self._keep_recovering())
            await self._prune()
            return count
        async with self.db.connect() as conn:
            rows = await inbox.unfinished(conn)
        count = await self._redo(rows)
        self.journal.clear()  # every id in it is done now; before any handler writes again
        await self._prune()
        return count

    async def _recover(self) -> int:
        """Replicas: take over updates whose replica is gone (see ORPHAN_AFTER)."""
        now = self.now()
        async with self.db.begin() as conn:
            rows = await inbox.claim_orphans(conn, now - ORPHAN_AFTER, now, self.owner)
        return await self._redo(rows)

    async def _keep_recovering(self) -> None:
        while True:
            await asyncio.sleep(RECOVER_EVERY)
            try:
                await self._recover()
            except Exception as exc:  # the next look tries again
                log.warning("inbox.recover_failed error=%s", type(exc).__name__)

    async def _redo(self, rows: Sequence[inbox.InboxRow]) -> int:
        """Queue `rows` again, except those whose reply left (the journal) or were erased."""
        replied = self.journal.replied()
        redo: list[tuple[inbox.InboxRow, Update]] = []
        closed: list[int] = []
        for row in rows:
            update = self._parse(row) if row.update_id not in replied else None
            if update is None:
                closed.append(row.update_id)
            else:
                redo.append((row, update))
        if closed:
            await self.db.write(partial(inbox.mark_done, update_ids=closed))
        for row, update in redo:
            self._queue(_lane_key(row.chat_id, row.user_id, row.update_id), update)
        if rows:
            log.info("inbox.resumed handled_again=%s closed=%s", len(redo), len(closed))
        return len(redo)

    def _parse(self, row: inbox.InboxRow) -> Update | None:
        if row.raw is None:  # erased by /forget
            return None
        try:
            return Update.model_validate_json(row.raw, context={"bot": self.bot})
        except ValidationError:  # stored by a version that read updates differently
            log.warning("inbox.unreadable update=%s", row.update_id)
            return None

    async def take_in(self, updates: Sequence[Update]) -> None:
        """Store a batch durably, then queue the updates not seen before; returns once stored."""
        items = [_incoming(update) for update in updates]
        new = await self.db.write(
            partial(inbox.take_in, items=items, now=self.now(), taken_by=self.owner)
        )
        for update, item in zip(updates, items, strict=True):
            if item.update_id in new:
                self._queue(_lane_key(item.chat_id, item.user_id, item.update_id), update)
        if self._pruned_at is None or self.now() - self._pruned_at >= PRUNE_EVERY:
            await self._prune()

    async def wait_idle(self) -> None:
        """Until every queued update is handled."""
        while self._workers:
            await asyncio.gather(*self._workers, return_exceptions=True)

    async def close(self, timeout: float = 5.0) -> None:
        """Let running handlers finish for a while; the rest wait in the inbox for next time."""
        if self._recovery is not None:
            self._recovery.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._recovery
        try:
            await asyncio.wait_for(self.wait_idle(), timeout)
        except TimeoutError:
            for task in self._workers:
                task.cancel()
            await asyncio.gather(*self._workers, return_exceptions=True)
        self.journal.close()

    def _start(self, job: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        task = asyncio.create_task(job)
        self._workers.add(task)
        task.add_done_callback(self._workers.discard)
        return task

    def _queue(self, key: Hashable, update: Update) -> None:
        lane = self._lanes.get(key)
        if lane is not None:
            lane.append(update)
            return
        self._lanes[key] = deque([update])
        self._start(self._run_lane(key))

    async def _run_lane(self, key: Hashable) -> None:
        lane = self._lanes[key]
        try:
            while lane:
                await self._handle(lane[0])
                lane.popleft()
        finally:
            del self._lanes[key]

    async def _handle(self, update: Update) -> None:
        try:
            with self.journal.turn(update.update_id):
                response = await self.dispatcher.feed_update(self.bot, update)
                if isinstance(response, TelegramMethod):
                    await self.dispatcher.silent_call_request(self.bot, response)
        except Exception as exc:  # the errors router had its say; the update is spent
            frames = "".join(traceback.format_tb(exc.__traceback__))
            log.error(
                "inbox.update_failed update=%s error=%s\n%s",
                update.update_id,
                type(exc).__name__,
                frames,
            )
        # The reply is out; the chat's next update need not wait for this commit.
        self._done.append(update.update_id)
        if self._marking is None or self._marking.done():
            self._marking = self._start(self._mark_done())

    async def _mark_done(self) -> None:
        while self._done:
            update_ids, self._done = self._done, []
            try:
                await self.db.write(partial(inbox.mark_done, update_ids=update_ids))
            except Exception as exc:  # they stay new: the next start decides by the journal
                log.warning(
                    "inbox.mark_failed updates=%s error=%s", len(update_ids), type(exc).__name__
                )
        if not self._lanes and self.journal.size() > JOURNAL_CLEAR_SIZE:
            self.journal.clear()  # idle: every update whose id it holds is marked done

    async def _prune(self) -> None:
        now = self.now()
        self._pruned_at = now
        await self.db.write(partial(inbox.prune, received_before=now - KEEP_DONE))
