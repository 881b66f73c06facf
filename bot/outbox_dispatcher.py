"""The one sender: claims due outbox rows and sends them through the rate limiter.

What Telegram answers decides a row's fate:
- ok → sent, marked right away (a crash after Telegram accepted and before this mark is
  the only way to get a duplicate: the lease expires and the row is sent again);
- RetryAfter → the whole sender pauses, the row waits for the pause, no attempt counted;
- Forbidden (blocked, deactivated) → cancelled, and `on_blocked(person_id)`;
- BadRequest and the like → failed at once, a retry would fail the same way;
- server, network, timeout and unknown errors → retried with exponential backoff and
  jitter, failed after `max_attempts`.

A text longer than one message (4,096 characters) goes out as several, one after another
in the chat's pace, the buttons under the last; the row is one delivery, marked sent after
the last part. After each part but the last the row records how many Telegram has
(`parts_sent`), so a row taken back after a crash, a pause or a retry goes on from the next
part: killed between parts, the chat gets the rest once the lease runs out, and at worst
the one part in flight at the kill twice (the same bound as for a one-part message).
The last part's Telegram message id is kept with the sent row (`message_id`), so that a
front door can edit it later (an invitation's buttons taken away once the meeting is settled).
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from aiogram import Bot
from aiogram.exceptions import ClientDecodeError, TelegramAPIError
from apscheduler.schedulers.base import BaseScheduler

from bot.delivery import (
    Verdict,
    backoff_delay,
    describe,
    judge,
    pause_seconds,
    render_parts,
)
from mentoring.timing.quiet_hours import DEFAULT_END, DEFAULT_START, shift_out_of_quiet_hours
from scheduler.clock import Clock
from scheduler.rate_limit import RateLimiter, RateLimitPaused
from storage import outbox as store
from storage.db import Database
from storage.outbox import OutboxRow

__all__ = ["JOB_ID", "BlockedHandler", "DispatchReport", "OutboxDispatcher"]

log = logging.getLogger(__name__)

JOB_ID = "outbox-dispatch"
BlockedHandler = Callable[[int], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class DispatchReport:
    claimed: int = 0
    sent: int = 0
    retried: int = 0  # transient error, back to pending after a backoff
    deferred: int = 0  # back to pending without an attempt: RetryAfter, pause, quiet hours
    blocked: int = 0  # cancelled: the person blocked the bot
    failed: int = 0


class OutboxDispatcher:
    def __init__(
        self,
        db: Database,
        bot: Bot,
        clock: Clock,
        limiter: RateLimiter,
        *,
        batch: int = 100,
        lease_seconds: float = 60,
        max_attempts: int = 6,
        backoff_base: float = 2.0,
        backoff_cap: float = 600,
        on_blocked: BlockedHandler | None = None,
        quiet_start: time = DEFAULT_START,
        quiet_end: time = DEFAULT_END,
        rng: random.Random | None = None,
    ) -> None:
        """`on_blocked` defaults to `storage.outbox.mark_person_blocked` in its own transaction."""
        self._db = db
        self._bot = bot
        self._clock = clock
        self._limiter = limiter
        self.lease_seconds = lease_seconds
        # Claim no more than the limiter lets out in half a lease, so that no claimed row
        # waits in memory until its lease runs out and another sender takes it too.
        self.batch = max(1, min(batch, int(limiter.rate * lease_seconds / 2)))
        self.max_attempts = max_attempts
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self._on_blocked = on_blocked or self._mark_blocked
        self.quiet_start = quiet_start
        self.quiet_end = quiet_end
        self._rng = rng or random.Random()
        # Our own marks queue here instead of spinning on SQLite's write lock in threads.
        self._write_lock = asyncio.Lock()

    def start(self, scheduler: BaseScheduler, *, interval_seconds: float = 1.0) -> None:
        """Run `run_once` every `interval_seconds` as job "outbox-dispatch".

        The job holds no state (the outbox is the schedule), so it is registered afresh at
        each start, before or after scheduler.start(), rather than persisted. While a
        backlog drains, one run lasts longer than the interval and APScheduler logs the
        skipped ticks ("maximum number of running instances reached"): expected, harmless.
        """
        scheduler.add_job(
            self.run_once,
            "interval",
            seconds=interval_seconds,
            id=JOB_ID,
            replace_existing=True,
            max_instances=1,
            coalesce=True,
        )

    async def run_once(self) -> DispatchReport:
        """Send everything that is due, batch after batch, until nothing is left."""
        total: Counter[str] = Counter()
        while self._limiter.paused_for() == 0:
            async with self._db.begin() as conn:
                rows = await store.claim_due(
                    conn, self._clock.now(), self.batch, self.lease_seconds
                )
            if not rows:
                break
            total["claimed"] += len(rows)
            await self._send_batch(rows, total)
        report = DispatchReport(**total)
        if report.claimed:
            log.info("outbox.run %s", " ".join(f"{k}={v}" for k, v in total.items()))
        return report

    async def _send_batch(self, rows: list[OutboxRow], tally: Counter[str]) -> None:
        by_chat: dict[int, list[OutboxRow]] = {}
        for row in rows:
            by_chat.setdefault(row.chat_id, []).append(row)
        # One task per chat: chats in parallel, each chat's rows one after another.
        results = await asyncio.gather(
            *(self._send_chat(chat_rows, tally) for chat_rows in by_chat.values()),
            return_exceptions=True,
        )
        for result in results:
            if isinstance(result, Exception):
                # Its rows stay `sending` and are taken back when their lease expires.
                log.error("outbox.chat_task_failed error=%s", type(result).__name__)

    async def _send_chat(self, rows: list[OutboxRow], tally: Counter[str]) -> None:
        for index, row in enumerate(rows):
            outcome = await self._send_row(row)
            tally[outcome] += 1
            if outcome == "blocked":
                # The rest of this chat's batch would meet the same 403; on_blocked only
                # cancels pending rows, and these are ours, `sending`.
                for rest in rows[index + 1 :]:
                    await self._write(store.mark_cancelled, rest.id, "TelegramForbiddenError")
                tally["blocked"] += len(rows) - index - 1
                return

    async def _send_row(self, row: OutboxRow) -> str:
        if row.attempts >= self.max_attempts:
            # Only reachable through reclaimed leases: the sender died on it every time.
            await self._write(store.mark_failed, row.id, "LeaseExpired: sender stopped mid-send")
            log.warning("outbox.failed id=%s kind=%s reason=lease_expired", row.id, row.kind)
            return "failed"
        try:
            quiet_until = self._quiet_until(row)
            parts = render_parts(row.payload)
            already = int(row.payload.get("parts_sent", 0))
        except (KeyError, TypeError, ValueError) as exc:  # incl. unknown zone, bad buttons
            await self._write(store.mark_failed, row.id, f"PayloadError: {type(exc).__name__}")
            log.error("outbox.bad_payload id=%s kind=%s", row.id, row.kind)
            return "failed"
        if quiet_until is not None and not already:  # a message begun is finished
            await self._write(store.reschedule, row.id, quiet_until)
            log.info("outbox.quiet_hours id=%s until=%s", row.id, quiet_until.isoformat())
            return "deferred"
        message_id: int | None = None
        for index in range(already, len(parts)):
            try:
                await self._limiter.acquire(row.chat_id, abandon_on_pause=True)
            except RateLimitPaused:
                await self._write(store.release, [row.id])
                return "deferred"
            try:
                sent = await self._bot.send_message(chat_id=row.chat_id, **parts[index])
            except Exception as exc:
                return await self._handle_error(row, exc)
            message_id = getattr(sent, "message_id", None)
            if index + 1 < len(parts):
                await self._write(store.record_parts_sent, row.id, row.payload, index + 1)
        # The last part's id: it carries the buttons, so an edit (buttons off) goes there.
        await self._write(store.mark_sent, row.id, self._clock.now(), message_id)
        log.debug("outbox.sent id=%s kind=%s person=%s", row.id, row.kind, row.person_id)
        return "sent"

    async def _handle_error(self, row: OutboxRow, exc: Exception) -> str:
        verdict = judge(exc)
        if verdict is Verdict.PAUSE:
            wait = pause_seconds(exc)
            self._limiter.pause_all(wait)
            await self._write(store.reschedule, row.id, self._clock.now() + timedelta(seconds=wait))
            log.warning("outbox.paused id=%s seconds=%s error=%s", row.id, wait, type(exc).__name__)
            return "deferred"
        if verdict is Verdict.BLOCKED:
            await self._write(store.mark_cancelled, row.id, describe(exc))
            log.info("outbox.blocked id=%s person=%s", row.id, row.person_id)
            try:
                await self._on_blocked(row.person_id)
            except Exception:
                log.exception("outbox.on_blocked_failed person=%s", row.person_id)
            return "blocked"
        if verdict is Verdict.TRANSIENT and row.attempts + 1 < self.max_attempts:
            if not isinstance(exc, TelegramAPIError | ClientDecodeError | TimeoutError):
                # No traceback: exception texts may quote the message being sent.
                log.error("outbox.unexpected_error id=%s error=%s", row.id, type(exc).__name__)
            delay = backoff_delay(
                row.attempts, base=self.backoff_base, cap=self.backoff_cap, rng=self._rng
            )
            due_at = self._clock.now() + timedelta(seconds=delay)
            await self._write(store.mark_retry, row.id, due_at, describe(exc))
            log.info("outbox.retry id=%s attempt=%s in=%.1fs", row.id, row.attempts + 1, delay)
            return "retried"
        await self._write(store.mark_failed, row.id, describe(exc))
        log.warning("outbox.failed id=%s kind=%s error=%s", row.id, row.kind, describe(exc))
        return "failed"

    def _quiet_until(self, row: OutboxRow) -> datetime | None:
        timezone = row.payload.get("timezone")
        if not row.payload.get("respect_quiet_hours") or not timezone:
            return None
        now = self._clock.now()
        shifted = shift_out_of_quiet_hours(now, timezone, self.quiet_start, self.quiet_end)
        return shifted if shifted > now else None

    async def _write(self, operation: Callable[..., Awaitable[Any]], *args: Any) -> None:
        async with self._write_lock, self._db.begin() as conn:
            await operation(conn, *args)

    async def _mark_blocked(self, person_id: int) -> None:
        async with self._write_lock, self._db.begin() as conn:
            await store.mark_person_blocked(conn, person_id)
